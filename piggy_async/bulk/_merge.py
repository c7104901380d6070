"""The end of a checkpoint's load: the rows whose address may have come before, waiting
in `maybe_seen`, folded into their contacts.

Each address in `maybe_seen` either has a contact already (its first row had a new
address) or not (its first row was a false alarm of the filter, so it is in `maybe_seen`
too). Either way its rows in input order are one contact: the first row's, with the later
rows' attributes merged in, later ones winning; the later rows become duplicates. The
work is one scan of `contacts` for the addresses concerned, and writes for those alone.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final, NamedTuple

import msgspec

_FIRSTS: Final = """
CREATE TEMP TABLE firsts AS
SELECT email_key, id, email, attributes FROM contacts
WHERE email_key IN (SELECT email_key FROM maybe_seen)
"""

_ROWS_BY_ADDRESS: Final = """
SELECT email_key, id, email, attributes, 1 FROM firsts
UNION ALL
SELECT email_key, row, email, attributes, 0 FROM maybe_seen
ORDER BY 1, 2
"""
"""Every row of each address concerned, by address, each in input order; the last column
says whether the row is a contact already."""

_FLUSH: Final = 4096
"""Contacts written at a time, bounding the memory the merge takes."""


def merge_duplicates(db: sqlite3.Connection) -> int:
    """Fold the rows in `maybe_seen` into their contacts and empty it (within the load's
    transaction); returns how many of them were new contacts after all."""
    db.execute("CREATE INDEX maybe_seen_key ON maybe_seen (email_key)")
    db.execute(_FIRSTS)
    writes = _Writes(db)
    group: _Group | None = None
    for key, row, email, values, stored in db.execute(_ROWS_BY_ADDRESS):
        if group is not None and key == group.key:
            group.later.append(values)
            writes.duplicates.append((row, email, group.first))
            continue
        if group is not None:
            writes.add(group)
        group = _Group(key, row, email, values, stored, [])
    if group is not None:
        writes.add(group)
    writes.flush()
    db.execute("DROP TABLE firsts")
    db.execute("DROP INDEX maybe_seen_key")
    db.execute("DELETE FROM maybe_seen")
    return writes.created_count


class _Group(NamedTuple):
    """The rows of one address: its first row, and the attributes of the later ones."""

    key: str
    first: int
    email: str
    attributes: str
    stored: int
    later: list[str]


class _Writes:
    """The merge's writes, made a chunk at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.updated: list[tuple[str, int]] = []
        self.created: list[tuple[int, str, str, str]] = []
        self.duplicates: list[tuple[int, str, int]] = []
        self.created_count = 0

    def add(self, group: _Group) -> None:
        attributes = _merged(group.attributes, group.later)
        if not group.stored:
            self.created.append((group.first, group.key, group.email, attributes))
        elif group.later:
            self.updated.append((attributes, group.first))
        if len(self.created) + len(self.updated) >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        self._db.executemany("UPDATE contacts SET attributes = ? WHERE id = ?", self.updated)
        self._db.executemany(
            "INSERT INTO contacts (id, email_key, email, attributes) VALUES (?, ?, ?, ?)",
            self.created,
        )
        self._db.executemany(
            "INSERT INTO rows (row, email, contact_id) VALUES (?, ?, ?)", self.duplicates
        )
        self.created_count += len(self.created)
        self.updated, self.created, self.duplicates = [], [], []


_decode = msgspec.json.Decoder(dict[str, Any]).decode
_encode = msgspec.json.Encoder().encode


def _merged(first: str, later: list[str]) -> str:
    if not later:
        return first
    attributes = _decode(first)
    for more in later:
        attributes.update(_decode(more))
    return _encode(attributes).decode()
