"""Loading an import's input into its checkpoint: every row checked once, written in
batches, and fingerprinted so a checkpoint is never resumed with other rows.

A CSV file's row costs what reading it with `csv` costs, one address check, one JSON
encoding of its attribute cells (a JSON array: the names are the checkpoint's `columns`,
stored once), a look at a filter of the addresses seen so far and its share of a batched
insert; the fingerprint is one encoding per batch of the records as read. No object is
made per row: a row stays the list `csv` made until it is sent (`_checkpoint_check`).
Rows given as `ContactRow`s or mappings are checked the same way, their attributes stored
as a JSON object.

The filter (4 MiB however long the input) answers "new" or
"maybe seen": only the second kind, the duplicates and a small share of false alarms, is
merged by the checkpoint at the end (`_merge.py`), so memory stays flat.
"""

from __future__ import annotations

import abc
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

FILTER_BYTES: Final = 1 << 22
"""Bytes in the filter of addresses seen (4 MiB): at a million addresses, some 0.5% of new
addresses are wrongly noted as maybe seen, which costs the merge a little and nothing else."""

_PAIRS: Final = bytes(
    1 << (k & 7) | 1 << ((k >> 3 if k & 7 != k >> 3 & 7 else k + 1) & 7) for k in range(64)
)
"""Two distinct bits of a byte for each 6-bit value."""

_encode = msgspec.json.Encoder(enc_hook=str).encode
"""Compact JSON (values JSON cannot hold, such as dates, as their text)."""

Checked = tuple[list[ContactEntry], list[RowEntry]]
"""A batch's valid rows and its invalid ones."""


async def load(store: Checkpoint, rows: Rows) -> set[str]:
    """Read every row into the checkpoint, or check that a loaded one holds the same rows;
    returns the attribute names the valid rows set.

    Raises:
        ValueError: The checkpoint was loaded from other rows, or a row number repeats.
    """
    digest = store.path is not None  # else a checkpoint that is never resumed
    check = _CsvPass(rows, digest) if isinstance(rows, CsvRows) else _RowPass(rows, digest)
    if store.loaded:
        await check.fingerprint()
        store.check_digest(check.hexdigest())
        return check.names
    seen = _Seen()
    store.begin_load(check.columns)
    try:
        async for valid, invalid in check.checked():
            store.add(*seen.split(valid), invalid)
        store.finish_load(check.hexdigest(), check.rows, ordered=check.ordered)
    except BaseException:
        store.abort_load()
        raise
    return check.names


class _Seen:
    """The filter of the addresses seen so far: a Bloom filter that sets two bits of one
    byte per address, both taken from the address's one hash value (one byte looked at per
    address: half the work of two bits anywhere, for a few more false alarms)."""

    def __init__(self) -> None:
        self._bytes = bytearray(FILTER_BYTES)

    def split(self, valid: list[ContactEntry]) -> tuple[list[ContactEntry], list[ContactEntry]]:
        """The rows with a new address, and those whose address may have come before."""
        new: list[ContactEntry] = []
        maybe_seen: list[ContactEntry] = []
        seen, mask, pairs = self._bytes, FILTER_BYTES - 1, _PAIRS
        for entry in valid:
            hashed = hash(entry[1])
            at, bits = hashed & mask, pairs[hashed >> 32 & 63]
            if seen[at] & bits == bits:
                maybe_seen.append(entry)
            else:
                seen[at] |= bits
                new.append(entry)
        return new, maybe_seen


class _Pass(abc.ABC):
    """One pass over the input: its rows checked, counted and fingerprinted."""

    columns: tuple[str, ...] | None = None
    """The attribute names of the cells a stored row holds (None: it holds a JSON object)."""

    def __init__(self, digest: bool) -> None:
        self.names: set[str] = set()
        """The attribute names the valid rows set."""
        self.rows = 0
        self.ordered = True
        """Whether the row numbers only grew (then none can repeat)."""
        self._digest = hashlib.sha256() if digest else None

    def hexdigest(self) -> str:
        return "" if self._digest is None else self._digest.hexdigest()

    def _fingerprint(self, value: object) -> None:
        if self._digest is not None:
            self._digest.update(_encode(value))

    @abc.abstractmethod
    def checked(self) -> AsyncIterator[Checked]:
        """The input's rows checked, a batch at a time."""

    async def fingerprint(self) -> None:
        """Only the fingerprint of the input (and its attribute names), for a checkpoint
        loaded already."""
        async for _ in self.checked():
            pass


class _CsvPass(_Pass):
    """A CSV file's records: the cells of a row are stored as a JSON array."""

    def __init__(self, rows: CsvRows, digest: bool) -> None:
        super().__init__(digest)
        self._rows = rows
        self._layout = layout = rows.layout
        self.columns = layout.columns
        self.names.update(layout.columns)  # checked as names already
        self._fingerprint((layout.email_at, layout.at, layout.columns))

    async def checked(self) -> AsyncIterator[Checked]:
        for records in self._rows.records():
            yield self._batch(*records)
            await asyncio.sleep(0)  # a long synchronous read must not starve the loop

    async def fingerprint(self) -> None:
        """The records read and fingerprinted, not checked: a resumed run reads the file
        at little more than `csv`'s cost."""
        for _, records in self._rows.records():
            self._fingerprint(records)
            await asyncio.sleep(0)

    def _batch(self, first: int, records: list[list[str]]) -> Checked:
        valid: list[ContactEntry] = []
        invalid: list[RowEntry] = []
        layout, cells_of, fullmatch = self._layout, self._layout.cells_getter(), EMAIL.fullmatch
        at = layout.email_at
        for number, values in enumerate(records, first):
            try:
                given, cells = values[at], cells_of(values)
            except IndexError:  # a short record: its missing cells are blank
                given, cells = layout.fields(values)
            email = given.strip()
            if len(email) <= MAX_EMAIL_LENGTH and fullmatch(email):
                valid.append((number, email.lower(), email, _encode(cells).decode()))
            elif email or any(cell.strip() for cell in cells):  # else a blank line: no row
                invalid.append((number, given, str(email_problem(email))))
        self._fingerprint(records)
        self.rows += len(valid) + len(invalid)
        return valid, invalid


class _RowPass(_Pass):
    """Rows given as `ContactRow`s or mappings: their attributes stored as a JSON object."""

    def __init__(self, rows: Rows, digest: bool) -> None:
        super().__init__(digest)
        self._rows = rows
        self._last = 0
        self._valid_names: set[tuple[Any, ...]] = set()  # rows mostly share their names

    async def checked(self) -> AsyncIterator[Checked]:
        async for batch in _batches(self._rows):
            yield self._batch(batch)

    def _batch(self, batch: list[PlainRow]) -> Checked:
        valid: list[ContactEntry] = []
        invalid: list[RowEntry] = []
        last, fullmatch = self._last, EMAIL.fullmatch
        for number, given, attributes in batch:
            if number <= last:
                self.ordered = False
            last = number
            email = given.strip()
            if len(email) <= MAX_EMAIL_LENGTH and fullmatch(email):
                reason = self._names_problem(attributes)
            else:
                reason = email_problem(email)
            if reason is not None:
                invalid.append((number, given, reason))
            else:
                valid.append((number, email.lower(), email, _encode(attributes).decode()))
        self._fingerprint(batch)
        self.rows += len(batch)
        self._last = last
        return valid, invalid

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
