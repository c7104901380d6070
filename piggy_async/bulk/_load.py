"""Loading an import's input into its checkpoint: every row checked once, written in
batches, and fingerprinted so a checkpoint is never resumed with other rows.

A row costs one address check, one JSON encoding of its attributes (which the checkpoint
stores and the fingerprint reuses), a look at a filter of the addresses seen so far and
its share of a batched insert. The filter (one bit per hash value, 4 MiB however long the
input) answers "new" or "maybe seen": only the second kind, the duplicates and a small
share of false alarms, is merged by the checkpoint at the end, so memory stays flat.
Rows from `read_contacts_csv` come as plain tuples (`CsvRows.plain`), skipping the
`ContactRow` objects.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Final

import msgspec

from ._checkpoint import Checkpoint, ContactEntry, RowEntry
from ._csv import CsvRows
from ._rows import (
    EMAIL,
    MAX_EMAIL_LENGTH,
    ContactRow,
    PlainRow,
    email_problem,
    names_problem,
    present,
    row_from_mapping,
)

Row = ContactRow | Mapping[str, Any]
Rows = Iterable[Row] | AsyncIterable[Row]

BATCH: Final = 2048
"""Rows checked and inserted at a time; the event loop runs between batches."""

FILTER_BITS: Final = 1 << 25
"""Bits in the filter of addresses seen (4 MiB): at a million addresses, some 3% of new
addresses are wrongly noted as maybe seen, which costs the merge a little and nothing
else."""

_encode = msgspec.json.Encoder(enc_hook=str).encode
"""Compact JSON (values JSON cannot hold, such as dates, as their text)."""


async def load(store: Checkpoint, rows: Rows) -> set[str]:
    """Read every row into the checkpoint, or check that a loaded one holds the same rows;
    returns the attribute names the valid rows set.

    Raises:
        ValueError: The checkpoint was loaded from other rows, or a row number repeats.
    """
    loading = not store.loaded
    check = _Check(rows.names if isinstance(rows, CsvRows) else None, digest=store.path is not None)
    if loading:
        store.begin_load()
    try:
        async for batch in _batches(rows):
            checked = check.batch(batch)
            if loading:
                store.add(*checked)
        if loading:
            store.finish_load(check.hexdigest(), check.rows, ordered=check.ordered)
    except BaseException:
        store.abort_load()
        raise
    if not loading:
        store.check_digest(check.hexdigest())
    return check.names


class _Check:
    """The checks and the fingerprint of one pass over the input."""

    def __init__(self, names: frozenset[str] | None, *, digest: bool) -> None:
        self._names_known = names is not None
        self.names: set[str] = set(names or ())
        """The attribute names the valid rows set (or the columns fill, when `names` says:
        such names are checked already)."""
        self.rows = 0
        self.ordered = True
        """Whether the row numbers only grew (then none can repeat)."""
        self._last = 0
        self._digest = hashlib.sha256() if digest else None
        """None for a checkpoint that is never resumed (`check_contacts`)."""
        self._seen = bytearray(FILTER_BITS // 8)
        self._valid_names: set[tuple[Any, ...]] = set()  # rows mostly share their names

    def hexdigest(self) -> str:
        return "" if self._digest is None else self._digest.hexdigest()

    def batch(
        self, batch: list[PlainRow]
    ) -> tuple[list[ContactEntry], list[ContactEntry], list[RowEntry]]:
        """The batch's rows with a new address, with one that may have come before, and
        the invalid rows."""
        new: list[ContactEntry] = []
        maybe_seen: list[ContactEntry] = []
        invalid: list[RowEntry] = []
        last, seen, fullmatch, mask = self._last, self._seen, EMAIL.fullmatch, FILTER_BITS - 1
        for number, given, attributes in batch:
            if number <= last:
                self.ordered = False
            last = number
            email = given.strip()
            if len(email) <= MAX_EMAIL_LENGTH and fullmatch(email):
                reason = None if self._names_known else self._names_problem(attributes)
            else:
                reason = email_problem(email)
            if reason is not None:
                invalid.append((number, given, reason))
                continue
            key = email.lower()
            entry = (number, key, email, _encode(attributes).decode())
            bit = hash(key) & mask
            byte, flag = seen[bit >> 3], 1 << (bit & 7)
            if byte & flag:
                maybe_seen.append(entry)
            else:
                seen[bit >> 3] = byte | flag
                new.append(entry)
        if self._digest is not None:
            self._digest.update(_encode(batch))
        self.rows += len(batch)
        self._last = last
        return new, maybe_seen, invalid

    def _names_problem(self, attributes: Mapping[str, Any]) -> str | None:
        names = tuple(attributes)
        if names in self._valid_names:
            return None
        reason = names_problem(names)
        if reason is None:
            self._valid_names.add(names)
            self.names.update(names)
        return reason


async def _batches(rows: Rows) -> AsyncIterator[list[PlainRow]]:
    if isinstance(rows, AsyncIterable):
        batch: list[PlainRow] = []
        number = 0
        async for row in rows:
            number += 1
            batch.append(_plain(number, row))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    if isinstance(rows, CsvRows):
        batches = rows.plain()
    else:
        numbered = _numbered(rows)
        batches = iter(lambda: list(itertools.islice(numbered, BATCH)), [])
    for batch in batches:
        yield batch
        await asyncio.sleep(0)  # a long synchronous read must not starve the loop


def _numbered(rows: Iterable[Row]) -> Iterator[PlainRow]:
    for number, row in enumerate(rows, start=1):
        yield _plain(number, row)


def _plain(number: int, row: Row) -> PlainRow:
    if isinstance(row, ContactRow):
        return row.number, row.email, present(row.attributes)
    if isinstance(row, Mapping):
        row = row_from_mapping(number, row)
        return row.number, row.email, present(row.attributes)
    raise TypeError(f"rows must be ContactRow or mappings, got {type(row).__name__}")
