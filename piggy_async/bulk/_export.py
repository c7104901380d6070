"""Incremental exports of loyalty transactions and contacts: the stream (`_stream`) and its
two sinks, JSON Lines (here) and SQLite (`_sqlite`).

With a state file (`_state`), each run carries on where the last committed batch ended:
the JSON Lines file is flushed and fsynced before the state moves, and a run killed after
writing but before committing has its tail cut off by the next run, which reads it again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal, TypedDict, Unpack

from .._client import BaseClient
from .._clients import OAuthClient, RegisterClient
from .._defaults import EXPORT_CONCURRENCY
from ..models import Contact, LoyaltyTransaction
from ._source import Source
from ._state import ExportState
from ._stream import ExportStream
from ._types import ExportResult

Progress = Callable[[int], None]


class ExportOptions(TypedDict, total=False):
    """What every export takes (see `stream_loyalty_transactions`)."""

    since: datetime | None
    state: str | os.PathLike[str] | None
    concurrency: int
    on_progress: Progress | None


class TransactionExportOptions(ExportOptions, total=False):
    """What a loyalty-transaction export takes besides: the list's filters."""

    type: Literal["credit_receptions", "reward_receptions"] | None
    shop_uuid: str | None


def stream_loyalty_transactions(
    client: OAuthClient, **options: Unpack[TransactionExportOptions]
) -> ExportStream:
    """The loyalty transactions created at or after `since`, as an `ExportStream` of
    batches, each item once, oldest first, as the API sent it.

        stream = stream_loyalty_transactions(piggy, state="tx.state")
        async for batch in stream.batches():
            await store(batch.items)
            await batch.commit()

    Args:
        since: Only items created at or after this (timezone-aware); with a state file it
            only raises the starting point.
        state: The state file: each run starts after the last batch committed by the one
            before (it is saved at every commit). None: every run starts from `since`.
        type: Only credit receptions or only reward receptions.
        shop_uuid: Only transactions at this shop.
        concurrency: Pages requested at once (8), all through the client's limiter.
        on_progress: Gets the number of items committed so far, after every batch.

    Raises:
        ValueError: A bad argument, or a state file that fails its checks, belongs to
            another export or to other filters (the message names the file and field).
        TypeError: An argument no export takes.
    """
    filters = {"type": options.pop("type", None), "shop_uuid": options.pop("shop_uuid", None)}
    if filters["type"] not in (None, "credit_receptions", "reward_receptions"):
        raise ValueError(
            f"type must be 'credit_receptions' or 'reward_receptions', got {filters['type']!r}"
        )
    source = Source(
        "loyalty_transactions", "loyalty_transactions", filters, ("created_at",), LoyaltyTransaction
    )
    return _stream(client, source, options)


def stream_contacts(
    client: OAuthClient | RegisterClient, **options: Unpack[ExportOptions]
) -> ExportStream:
    """The contacts created at or after `since`, as `stream_loyalty_transactions` streams
    transactions. The API filters contacts by creation only: a contact changed after it
    was exported is not exported again (`contact_updated` webhooks carry the changes)."""
    source = Source("contacts", "contacts", {}, ("current_values", "created_at"), Contact)
    return _stream(client, source, options)


def _stream(client: BaseClient, source: Source, options: ExportOptions) -> ExportStream:
    unknown = set(options) - set(ExportOptions.__annotations__)
    if unknown:
        raise TypeError(f"an export takes no {', '.join(sorted(unknown))}")
    return ExportStream(
        client,
        source,
        since=options.get("since"),
        state=options.get("state"),
        concurrency=options.get("concurrency", EXPORT_CONCURRENCY),
        on_progress=options.get("on_progress"),
    )


async def export_loyalty_transactions(
    client: OAuthClient, out: str | os.PathLike[str], **options: Unpack[TransactionExportOptions]
) -> ExportResult:
    """Write loyalty transactions created at or after `since` to `out`: JSON Lines (each
    object as the API sent it, oldest first), or a SQLite database if `out` ends in
    `.sqlite`, `.sqlite3` or `.db` (upserted by uuid; see `write_sqlite`).

        await export_loyalty_transactions(piggy, "tx.jsonl", state="tx.state.json")

    With `state`, the export is incremental: the next run appends only what is new, and a
    killed run resumes. Without it, a JSON Lines `out` is replaced. The other arguments
    are those of `stream_loyalty_transactions`.

    Raises:
        ValueError: See `stream_loyalty_transactions`; also an output that does not hold
            what its state says was written (it is left untouched).
    """
    return await write_stream(stream_loyalty_transactions(client, **options), out)


async def export_contacts(
    client: OAuthClient | RegisterClient,
    out: str | os.PathLike[str],
    **options: Unpack[ExportOptions],
) -> ExportResult:
    """Write contacts created at or after `since` to `out`, as `export_loyalty_transactions`
    writes transactions."""
    return await write_stream(stream_contacts(client, **options), out)


SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


async def write_stream(
    stream: ExportStream, out: str | os.PathLike[str], format: str | None = None
) -> ExportResult:
    """Run `stream` into `out`: `format` "jsonl" or "sqlite", by default from its suffix."""
    if format is None:
        format = "sqlite" if Path(out).suffix.lower() in SQLITE_SUFFIXES else "jsonl"
    if format == "sqlite":
        from ._sqlite import write_sqlite

        return await write_sqlite(stream, out)
    if format != "jsonl":
        raise ValueError(f"format must be 'jsonl' or 'sqlite', got {format!r}")
    return await write_jsonl(stream, out)


async def write_jsonl(stream: ExportStream, out: str | os.PathLike[str]) -> ExportResult:
    """Run `stream` into the JSON Lines file `out`: appended to after what its state says
    was committed (a state file), or replaced (none)."""
    incremental = stream.has_state_file
    with _open_output(out, stream.state, incremental=incremental) as (path, file):
        async for batch in stream.batches():
            file.write(b"\n".join([item.text for item in batch._placed]) + b"\n")
            if incremental:  # the state names only what is on disk
                file.flush()
                os.fsync(file.fileno())
                stream.state.output_path, stream.state.committed = path, file.tell()
            await batch.commit()
    return stream.result()


@contextlib.contextmanager
def _open_output(
    out: str | os.PathLike[str], state: ExportState, *, incremental: bool
) -> Iterator[tuple[str, BinaryIO]]:
    """The output's absolute path, and the output opened for appending after its committed
    part (incremental runs) or emptied (one-off runs).

    Raises:
        ValueError: The output is shorter than its state says was committed.
    """
    path = os.path.abspath(out)
    if incremental and state.output_path == path:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size < state.committed:
            raise ValueError(
                f"{path!r} holds {size} bytes where its export state says {state.committed}"
                " were written: it was changed since; restore it, or start over with a new"
                " output and state file"
            )
    with open(path, "ab" if incremental else "wb") as file:
        if incremental and state.output_path == path and file.tell() > state.committed:
            file.truncate(state.committed)  # the uncommitted tail of a run that was killed
        yield path, file
