"""Loading an import's input into its checkpoint: every row checked once, written in
batches, and fingerprinted so a checkpoint is never resumed with other rows.

A row costs one address check, one JSON encoding of its attributes (which the checkpoint
stores and the fingerprint reuses) and its share of two batched inserts; a million rows
load in a few seconds with memory flat, as the de-duplication happens in SQLite.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Final

from ._checkpoint import Checkpoint, ContactEntry, RowEntry
from ._rows import ContactRow, present, problem, row_from_mapping

Row = ContactRow | Mapping[str, Any]
Rows = Iterable[Row] | AsyncIterable[Row]

BATCH: Final = 2048
"""Rows checked and inserted at a time; the event loop runs between batches."""

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


async def load(store: Checkpoint, rows: Rows) -> set[str]:
    """Read every row into the checkpoint, or check that a loaded one holds the same rows;
    returns the attribute names the valid rows set.

    Raises:
        ValueError: The checkpoint was loaded from other rows, or a row number repeats.
    """
    loading = not store.loaded
    digest = hashlib.sha256()
    names: set[str] = set()
    if loading:
        store.begin_load()
    try:
        async for batch in _batches(rows):
            contacts, entries, text = _checked(batch, names)
            digest.update(text.encode())
            if loading:
                store.add(contacts, entries)
    except BaseException:
        store.abort_load()
        raise
    if loading:
        store.finish_load(digest.hexdigest())
    else:
        store.check_digest(digest.hexdigest())
    return names


def _checked(
    batch: list[ContactRow], names: set[str]
) -> tuple[list[ContactEntry], list[RowEntry], str]:
    """The batch's contacts and rows for the checkpoint, and its text for the digest."""
    contacts: list[ContactEntry] = []
    entries: list[RowEntry] = []
    text: list[str] = []
    for row in batch:
        attributes = present(row.attributes)
        encoded = _encode(attributes)
        text.append(f"{row.number}\x1f{row.email}\x1f{encoded}\x1e")
        reason = problem(row)
        if reason is not None:
            entries.append((row.number, row.email, None, reason))
            continue
        email = row.email.strip()
        key = email.lower()
        names.update(attributes)
        contacts.append((key, email, row.number, encoded))
        entries.append((row.number, row.email, key, None))
    return contacts, entries, "".join(text)


async def _batches(rows: Rows) -> AsyncIterator[list[ContactRow]]:
    if isinstance(rows, AsyncIterable):
        batch: list[ContactRow] = []
        number = 0
        async for row in rows:
            number += 1
            batch.append(_as_row(number, row))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    numbered = _numbered(rows)
    while batch := list(itertools.islice(numbered, BATCH)):
        yield batch
        await asyncio.sleep(0)  # a long synchronous read must not starve the loop


def _numbered(rows: Iterable[Row]) -> Iterator[ContactRow]:
    for number, row in enumerate(rows, start=1):
        yield row if isinstance(row, ContactRow) else _as_row(number, row)


def _as_row(number: int, row: Row) -> ContactRow:
    if isinstance(row, ContactRow):
        return row
    if isinstance(row, Mapping):
        return row_from_mapping(number, row)
    raise TypeError(f"rows must be ContactRow or mappings, got {type(row).__name__}")
