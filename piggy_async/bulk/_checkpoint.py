"""The import checkpoint: one SQLite file per import job, recording what each input row
became. Written transactionally, so a run killed at any instant (`kill -9` included) leaves
it consistent, and the next run with the same file resumes where that one stopped.

Tables (open the file with `sqlite3` to audit a run):

    meta       key, value              job, version, input digest, row count
    contacts   id, email_key, email,   one per unique valid e-mail (`email_key` is the
               first_row, attributes,  lower-cased address; `attributes` the merged JSON,
               status, uuid, reason    later rows winning); `status` is pending, updated
                                       (found or created, then its attributes set),
                                       unchanged (found or created with them already) or
                                       failed
    rows       row, email, email_key,  every input row: its contact's key, or NULL and
               reason                  `reason` when the row itself is invalid
    row_outcomes (view)                per row: failed, duplicate, pending or its contact's
                                       status, with the contact's uuid and the reason

Loading the input is one transaction, written in batches, so a checkpoint holds either
all rows or none; after that every finished contact is its own transaction. WAL with
`synchronous=NORMAL` makes those commits cheap and survives the process being killed (only
a power cut may lose the last few, which the next run then redoes: every step is safe to
repeat).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from typing import Any, Final, Literal

import attrs

from ._types import RowFailure

JOB: Final = "import_contacts"
VERSION: Final = "2"

Status = Literal["pending", "updated", "unchanged", "failed"]
UNFINISHED: Final = ("pending",)

ContactEntry = tuple[str, str, int, str]
"""A valid row's contact: (email_key, email, row number, attributes as JSON)."""
RowEntry = tuple[int, str, str | None, str | None]
"""An input row: (number, email as given, email_key or None, why it is invalid or None)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    first_row INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    uuid TEXT,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS rows (
    row INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT,
    reason TEXT
);
CREATE VIEW IF NOT EXISTS row_outcomes AS
SELECT rows.row, rows.email,
       CASE WHEN rows.email_key IS NULL OR contacts.status = 'failed' THEN 'failed'
            WHEN rows.row != contacts.first_row THEN 'duplicate'
            ELSE contacts.status END AS outcome,
       contacts.uuid AS contact_uuid,
       COALESCE(rows.reason, contacts.reason) AS reason
FROM rows LEFT JOIN contacts ON contacts.email_key = rows.email_key;
"""

_ADD_CONTACTS = """
INSERT INTO contacts (email_key, email, first_row, attributes) VALUES (?, ?, ?, ?)
ON CONFLICT (email_key) DO UPDATE SET attributes = json_patch(attributes, excluded.attributes)
WHERE excluded.attributes != '{}'
"""
"""A repeated address merges its row's attributes into its contact's, later rows winning
(values are never null, so the JSON merge patch only adds and replaces)."""


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
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        job = self._meta("job")
        if job is None:
            self._db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("job", JOB), ("version", VERSION)]
            )
        elif job != JOB or self._meta("version") != VERSION:
            self._db.close()
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

    def begin_load(self) -> None:
        self._db.execute("BEGIN")

    def add(self, contacts: list[ContactEntry], rows: list[RowEntry]) -> None:
        """Record a batch of input rows and their contacts, merging rows that share an
        address. Part of the load transaction."""
        self._db.executemany(_ADD_CONTACTS, contacts)
        before = self._db.total_changes
        try:
            self._db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError:
            number = rows[self._db.total_changes - before][0]
            raise ValueError(f"row number {number} appears twice in the input") from None

    def finish_load(self, digest: str) -> None:
        self._db.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("digest", digest), ("rows", str(self.rows))]
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
        )
        return [PendingContact(id, email, json.loads(values)) for id, email, values in found]

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
        return int(self._db.execute("SELECT count(*) FROM rows").fetchone()[0])

    def contact_counts(self) -> dict[str, int]:
        """Contacts per status."""
        found = self._db.execute("SELECT status, count(*) FROM contacts GROUP BY status")
        return {status: count for status, count in found}

    def row_counts(self) -> dict[str, int]:
        """Rows per outcome (see the `row_outcomes` view)."""
        found = self._db.execute("SELECT outcome, count(*) FROM row_outcomes GROUP BY outcome")
        return {outcome: count for outcome, count in found}

    def failures(self) -> Iterator[RowFailure]:
        """Every failed row, in input order."""
        found = self._db.execute(
            "SELECT row, email, reason FROM row_outcomes WHERE outcome = 'failed' ORDER BY row"
        )
        for row, email, reason in found:
            yield RowFailure(row, email, reason)
