"""The end of a checkpoint's load: the rows whose address may have come before, waiting
in `maybe_seen`, folded into their contacts.

Each address in `maybe_seen` either has a contact already (its first row had a new
address) or not (its first row was a false alarm of the filter, so it is in `maybe_seen`
too). Either way its rows in input order are one contact: the first row's, with the later
rows' attributes merged in, later ones winning; the later rows become duplicates. The
work is one scan of `contacts` for the addresses concerned, and writes for those alone.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from typing import Any, Final

import msgspec

_FIRSTS: Final = """
CREATE TEMP TABLE firsts AS
SELECT email_key, id, email, attributes FROM contacts
WHERE email_key IN (SELECT email_key FROM maybe_seen)
"""

_ROWS_BY_ADDRESS: Final = """
SELECT email_key, id, email, attributes, stored, min(id) OVER (PARTITION BY email_key) AS first
FROM (
    SELECT email_key, id, email, attributes, 1 AS stored FROM firsts
    UNION ALL
    SELECT email_key, row, email, attributes, 0 FROM maybe_seen
)
ORDER BY first, id
"""
"""Every row of each address concerned, an address after the other in the order of their
first rows (so the contacts are written in file order), each in input order; `stored`
says whether the row is a contact already."""

_FLUSH: Final = 4096
"""Addresses merged between two writes, bounding the memory the merge takes."""


def merge_duplicates(db: sqlite3.Connection) -> int:
    """Fold the rows in `maybe_seen` into their contacts and empty it (within the load's
    transaction); returns how many of them were new contacts after all."""
    db.execute("CREATE INDEX maybe_seen_key ON maybe_seen (email_key)")
    db.execute(_FIRSTS)
    writes = _Writes(db)
    rows = db.execute(_ROWS_BY_ADDRESS)
    for count, (key, same) in enumerate(itertools.groupby(rows, operator.itemgetter(0))):
        (_, first, email, values, stored, _), *later = same
        attributes = _merged(values, [more for _, _, _, more, _, _ in later])
        writes.duplicates.extend((row, address, first) for _, row, address, *_ in later)
        if not stored:
            writes.created.append((first, key, email, attributes))
        elif later:
            writes.updated.append((attributes, first))
        if count % _FLUSH == _FLUSH - 1:
            writes.flush()
    writes.flush()
    db.execute("DROP TABLE firsts")
    db.execute("DROP INDEX maybe_seen_key")
    db.execute("DELETE FROM maybe_seen")
    return writes.created_count


class _Writes:
    """The merge's writes, made a chunk at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.updated: list[tuple[str, int]] = []
        self.created: list[tuple[int, str, str, str]] = []
        self.duplicates: list[tuple[int, str, int]] = []
        self.created_count = 0

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
