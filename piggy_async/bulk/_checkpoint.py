"""The import checkpoint: one SQLite file per import job, recording what each input row
became. Written transactionally, so a run killed at any instant (`kill -9` included) leaves
it consistent, and the next run with the same file resumes where that one stopped.

Tables (open the file with `sqlite3` to audit a run):

    meta       key, value              job, version, input digest, row count, `columns`
                                       (a CSV file's attribute columns, as a JSON array)
    contacts   id, email_key, email,   one per unique valid e-mail: `id` is the number of
               attributes, status,     its first row, `email_key` the lower-cased address,
               uuid, reason            `attributes` the row's JSON: its cells of `columns`
                                       as an array, or an object of attribute values (rows
                                       not from a CSV file, or merged, later rows winning);
                                       blank values are never sent;
                                       `status` is pending, updated (found or created, then
                                       its attributes set), unchanged (found or created
                                       with them already) or failed
    rows       row, email, contact_id, the other input rows: invalid ones (no contact, and
               reason                  `reason`) and duplicates (their contact's id)
    row_outcomes (view)                per input row: failed, duplicate, pending or its
                                       contact's status, with the contact's uuid and the
                                       reason

Loading the input is one transaction, written in batches, so a checkpoint holds either
all rows or none. A row with a new address is appended to `contacts` as it comes; a row
whose address may have come before (`_load._Seen` says so for every duplicate and a
few others) waits in `maybe_seen` until the end of the load, when `_merge.py` folds those
few into their contacts. After that every finished contact is its own transaction. WAL
with `synchronous=NORMAL` makes those commits cheap and survives the process being killed
(only a power cut may lose the last few, which the next run then redoes: every step is
safe to repeat).
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from collections.abc import Iterator
from typing import Any, Final, Literal

import attrs

from ._checkpoint_check import CheckpointError, pending_fields
from ._merge import merge_duplicates
from ._types import RowFailure

JOB: Final = "import_contacts"
VERSION: Final = "3"

Status = Literal["pending", "updated", "unchanged", "failed"]
UNFINISHED: Final = ("pending",)

ContactEntry = tuple[int, str, str, str]
"""A valid row: (row number, email_key, email, attributes as JSON: an object, or an array
of the cells of the load's `columns`)."""
RowEntry = tuple[int, str, str]
"""An invalid row: (number, email as given, why it is invalid)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL,
    email TEXT NOT NULL,
    attributes TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    uuid TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS finished ON contacts (status) WHERE status != 'pending';
CREATE TABLE IF NOT EXISTS rows (
    row INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    contact_id INTEGER REFERENCES contacts (id),
    reason TEXT,
    attributes TEXT
);
CREATE INDEX IF NOT EXISTS duplicates ON rows (contact_id) WHERE contact_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS maybe_seen (
    row INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL,
    email TEXT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS row_outcomes AS
SELECT id AS row, email, status AS outcome, uuid AS contact_uuid, reason
FROM contacts
UNION ALL
SELECT rows.row, rows.email,
       CASE WHEN rows.contact_id IS NULL OR contacts.status = 'failed' THEN 'failed'
            ELSE 'duplicate' END,
       contacts.uuid,
       COALESCE(rows.reason, contacts.reason)
FROM rows LEFT JOIN contacts ON contacts.id = rows.contact_id;
"""

_FAILURES = """
SELECT id, email, reason FROM contacts WHERE status = 'failed'
UNION ALL
SELECT rows.row, rows.email, COALESCE(rows.reason, contacts.reason)
FROM rows LEFT JOIN contacts ON contacts.id = rows.contact_id
WHERE rows.contact_id IS NULL OR contacts.status = 'failed'
ORDER BY 1
"""
"""The failed rows (`row_outcomes` narrowed down, using the index of finished contacts)."""

_REPEATED = "a row number appears twice in the input: rows must be numbered uniquely"

_INSERT_CONTACTS = "INSERT INTO contacts (id, email_key, email, attributes) VALUES "
_PER_STATEMENT = 64
"""Contacts inserted by one statement: binding many rows at once halves the cost."""


@attrs.define
class PendingContact:
    """A unique e-mail address still to import."""

    id: int
    email: str
    attributes: dict[str, Any]


class Checkpoint:
    """One import's SQLite file; `path=None` keeps it in a temporary file removed on close."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = None if path is None else os.fspath(path)
        self._db = sqlite3.connect(self.path or "", isolation_level=None)
        try:
            self._prepare()
        except BaseException:  # not a database, or another job's: no connection left open
            self._db.close()
            raise

    def _prepare(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        job = self._meta("job")
        if job is None:
            self._db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("job", JOB), ("version", VERSION)]
            )
        elif job != JOB or self._meta("version") != VERSION:
            raise ValueError(f"{self.path!r} is not a contact-import checkpoint of this version")

    def close(self) -> None:
        self._db.close()

    def _meta(self, key: str) -> str | None:
        found = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    # -- loading the input ------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._meta("digest") is not None

    def begin_load(self, columns: tuple[str, ...] | None) -> None:
        """Start loading rows whose stored attributes are a JSON array of the cells of
        `columns`, or (None) JSON objects."""
        self._db.execute("BEGIN")
        self._contacts = 0
        self._columns = columns

    def add(
        self, contacts: list[ContactEntry], maybe_seen: list[ContactEntry], invalid: list[RowEntry]
    ) -> None:
        """Record a batch of input rows: the valid ones with a new address, those whose
        address may have come before, and the invalid ones. Part of the load transaction.

        Raises:
            ValueError: A row number repeats.
        """
        whole = len(contacts) - len(contacts) % _PER_STATEMENT
        flat = list(itertools.chain.from_iterable(contacts[:whole]))
        step = 4 * _PER_STATEMENT
        try:
            self._db.executemany(
                _INSERT_CONTACTS + ", ".join(("(?, ?, ?, ?)",) * _PER_STATEMENT),
                (flat[start : start + step] for start in range(0, len(flat), step)),
            )
        except sqlite3.IntegrityError:
            raise ValueError(_REPEATED) from None
        self._insert(_INSERT_CONTACTS + "(?, ?, ?, ?)", contacts[whole:])
        self._contacts += len(contacts)
        self._insert("INSERT INTO maybe_seen VALUES (?, ?, ?, ?)", maybe_seen)
        self._insert("INSERT INTO rows (row, email, reason) VALUES (?, ?, ?)", invalid)

    def _insert(self, statement: str, entries: list[Any]) -> None:
        before = self._db.total_changes
        try:
            self._db.executemany(statement, entries)
        except sqlite3.IntegrityError:
            number = entries[self._db.total_changes - before][0]
            raise ValueError(f"row number {number} appears twice in the input") from None

    def finish_load(self, digest: str, rows: int, *, ordered: bool) -> None:
        """Merge the rows sharing an address and commit the load; `ordered` says the row
        numbers only ever grew, so none can repeat.

        Raises:
            ValueError: A row number repeats.
        """
        try:
            self._contacts += merge_duplicates(self._db)
        except sqlite3.IntegrityError:
            raise ValueError(_REPEATED) from None
        if not ordered:
            repeated = self._db.execute(
                "SELECT row FROM (SELECT id AS row FROM contacts UNION ALL SELECT row FROM"
                " rows) GROUP BY row HAVING count(*) > 1 LIMIT 1"
            ).fetchone()
            if repeated is not None:
                raise ValueError(f"row number {repeated[0]} appears twice in the input")
        self._db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("digest", digest),
                ("rows", str(rows)),
                ("contacts", str(self._contacts)),
                ("columns", json.dumps(self._columns)),
            ],
        )
        self._db.execute("COMMIT")

    def abort_load(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def check_digest(self, digest: str) -> None:
        if self._meta("digest") != digest:
            raise ValueError(
                f"the checkpoint {self.path!r} was made from different input rows: resume with"
                " the same input, or start over with a new checkpoint"
            )

    # -- importing --------------------------------------------------------------------------

    def pending(self, after: int, limit: int) -> list[PendingContact]:
        """Unfinished contacts with an id above `after`, in input order."""
        found = self._db.execute(
            "SELECT id, email, attributes FROM contacts"
            " WHERE id > ? AND status = 'pending' ORDER BY id LIMIT ?",
            (after, limit),
        ).fetchall()
        if not found:
            return []
        later: dict[Any, list[Any]] = {}
        for contact_id, attributes in self._db.execute(
            "SELECT contact_id, attributes FROM rows WHERE contact_id BETWEEN ? AND ? ORDER BY row",
            (found[0][0], found[-1][0]),
        ):
            later.setdefault(contact_id, []).append(attributes)
        columns = self._stored_columns()
        return [
            PendingContact(
                *pending_fields(self.path, columns, id, email, [attributes, *later.get(id, ())])
            )
            for id, email, attributes in found
        ]

    def _stored_columns(self) -> list[str] | None:
        columns = json.loads(self._meta("columns") or "null")
        if columns is None or (
            isinstance(columns, list) and all(isinstance(name, str) for name in columns)
        ):
            return columns
        raise CheckpointError(f"the checkpoint {self.path!r} is damaged: its columns {columns!r}")

    def set_status(
        self, contact_id: int, status: Status, *, uuid: str | None = None, reason: str | None = None
    ) -> None:
        """Record a contact's outcome in its own transaction."""
        self._db.execute(
            "UPDATE contacts SET status = ?, uuid = ?, reason = ? WHERE id = ?",
            (status, uuid, reason, contact_id),
        )

    # -- reading it back --------------------------------------------------------------------

    @property
    def rows(self) -> int:
        """Input rows loaded."""
        return int(self._meta("rows") or 0)

    def contact_counts(self) -> dict[str, int]:
        """Contacts per status (the finished ones counted through their index)."""
        found = self._db.execute(
            "SELECT status, count(*) FROM contacts WHERE status != 'pending' GROUP BY status"
        )
        counts = {status: count for status, count in found}
        pending = int(self._meta("contacts") or 0) - sum(counts.values())
        return {"pending": pending, **counts} if pending else counts

    def other_rows(self) -> tuple[int, int]:
        """Of the rows that are not a contact's first: (duplicates, failed), a duplicate of
        a failed contact counting as failed (as in the `row_outcomes` view)."""
        duplicates, failed = self._db.execute(
            "SELECT coalesce(sum(contacts.status IS NOT NULL AND contacts.status != 'failed'), 0),"
            " coalesce(sum(contacts.status IS NULL OR contacts.status = 'failed'), 0)"
            " FROM rows LEFT JOIN contacts ON contacts.id = rows.contact_id"
        ).fetchone()
        return int(duplicates), int(failed)

    def failures(self) -> Iterator[RowFailure]:
        """Every failed row, in input order."""
        for row, email, reason in self._db.execute(_FAILURES):
            yield RowFailure(row, email, reason)
