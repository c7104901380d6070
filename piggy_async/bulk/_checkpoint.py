"""The import checkpoint: one SQLite file per import job, recording what each input row
became. Written transactionally, so a run killed at any instant (`kill -9` included) leaves
it consistent, and the next run with the same file resumes where that one stopped.

Tables (open the file with `sqlite3` to audit a run):

    meta       key, value              job, version, input digest, row count
    contacts   id, email_key, email,   one per unique valid e-mail (`email_key` is the
               first_row, attributes,  lower-cased address; `attributes` the merged JSON,
               status, uuid, reason    later rows winning); `status` is pending, creating
                                       (looked up, not found, being created), created,
                                       updated, unchanged or failed
    rows       row, email, contact_id, every input row: its contact, or NULL and `reason`
               reason                  when the row itself is invalid
    row_outcomes (view)                per row: failed, duplicate, pending or its contact's
                                       status, with the contact's uuid and the reason

Loading the input is one transaction, so a checkpoint holds either all rows or none; after
that every finished contact is its own transaction. WAL with `synchronous=NORMAL` makes
those commits cheap and survives the process being killed (only a power cut may lose the
last few, which the next run then redoes: every step is safe to repeat).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from typing import Any, Final, Literal

import attrs

from ._checkpoint_check import pending_fields
from ._rows import ContactRow, email_key, present, problem
from ._types import RowFailure

JOB: Final = "import_contacts"
VERSION: Final = "1"

Status = Literal["pending", "creating", "created", "updated", "unchanged", "failed"]
UNFINISHED: Final = ("pending", "creating")

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
    contact_id INTEGER REFERENCES contacts (id),
    reason TEXT
);
CREATE VIEW IF NOT EXISTS row_outcomes AS
SELECT rows.row, rows.email,
       CASE WHEN rows.contact_id IS NULL OR contacts.status = 'failed' THEN 'failed'
            WHEN rows.row != contacts.first_row THEN 'duplicate'
            ELSE contacts.status END AS outcome,
       contacts.uuid AS contact_uuid,
       COALESCE(rows.reason, contacts.reason) AS reason
FROM rows LEFT JOIN contacts ON contacts.id = rows.contact_id;
"""


@attrs.define
class PendingContact:
    """A unique e-mail address still to import; `status` is `creating` once it was looked up
    and not found."""

    id: int
    email: str
    attributes: dict[str, Any]
    status: Status


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

    def add_row(self, row: ContactRow) -> None:
        """Record one input row, merging it into the contact of an earlier row with the
        same address. Part of the load transaction."""
        reason = problem(row)
        if reason is not None:
            self._insert_row(row, None, reason)
            return
        key = email_key(row.email)
        attributes = present(row.attributes)
        found = self._db.execute(
            "SELECT id, attributes FROM contacts WHERE email_key = ?", (key,)
        ).fetchone()
        if found is None:
            cursor = self._db.execute(
                "INSERT INTO contacts (email_key, email, first_row, attributes)"
                " VALUES (?, ?, ?, ?)",
                (key, row.email.strip(), row.number, _dump(attributes)),
            )
            contact_id = cursor.lastrowid
        else:
            contact_id = found[0]
            if attributes:
                merged = {**json.loads(found[1]), **attributes}
                self._db.execute(
                    "UPDATE contacts SET attributes = ? WHERE id = ?", (_dump(merged), contact_id)
                )
        self._insert_row(row, contact_id, None)

    def _insert_row(self, row: ContactRow, contact_id: int | None, reason: str | None) -> None:
        try:
            self._db.execute(
                "INSERT INTO rows VALUES (?, ?, ?, ?)", (row.number, row.email, contact_id, reason)
            )
        except sqlite3.IntegrityError:
            raise ValueError(f"row number {row.number} appears twice in the input") from None

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
            "SELECT id, email, attributes, status FROM contacts"
            " WHERE id > ? AND status IN (?, ?) ORDER BY id LIMIT ?",
            (after, *UNFINISHED, limit),
        )
        return [PendingContact(*pending_fields(self.path, *row)) for row in found]

    def set_status(
        self, contact_id: int, status: Status, *, uuid: str | None = None, reason: str | None = None
    ) -> None:
        """Record a contact's outcome (or `creating`) in its own transaction."""
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


def _dump(attributes: dict[str, Any]) -> str:
    return json.dumps(attributes, ensure_ascii=False, separators=(",", ":"), default=str)


class Digest:
    """A fingerprint of the input rows, so a checkpoint is never resumed with other input."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, row: ContactRow) -> None:
        entry = [row.number, row.email, sorted(row.attributes.items())]
        self._hash.update(_dump({"r": entry}).encode())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
