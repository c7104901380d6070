"""`ExportStream`: an export's exact, resumable stream of items, in batches a sink stores
and then commits.

    stream = stream_loyalty_transactions(piggy, state="tx.state")
    async for batch in stream.batches():
        await db.store(batch.items)
        await batch.commit()          # only now does the state move past these items
    print(stream.result())

Each item comes once, oldest first, as the API sent it: `batch.lines` holds each one's JSON
text, `batch.items` the same decoded (on first use). A run stopped anywhere (an error,
Ctrl-C, a kill) resumes after the last committed batch: a sink that stores a batch and is
stopped before committing gets that batch again, so it should store idempotently (the
SQLite sink upserts by uuid; the JSON Lines sink cuts its file back to what was committed).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from .._client import BaseClient
from .._json import decode
from ._items import Items, Placed
from ._reader import Reader
from ._source import RawItem, Source
from ._state import ExportState, load_state, save_state
from ._types import ExportResult


class ExportBatch:
    """Items created one after the other, oldest first, as the API sent them.

    Attributes:
        cursor: The creation second of the newest of them.
    """

    def __init__(self, stream: ExportStream, placed: list[Placed]) -> None:
        self._stream = stream
        self._placed = placed
        self.cursor = datetime.fromtimestamp(placed[-1].second, UTC)
        self.committed = False

    @functools.cached_property
    def lines(self) -> list[bytes]:
        """Each item's JSON text as the API sent it (UTF-8, on one line: line breaks between
        its values, if the API sent any, are taken out)."""
        return [bytes(item.text) for item in self._placed]

    @functools.cached_property
    def items(self) -> list[RawItem]:
        """The items as decoded JSON objects (decoded when first read)."""
        return [decode(item.text, status=200) for item in self._placed]

    async def commit(self) -> None:
        """Record that the batch is stored: the state (saved, with a state file) moves past
        it, and the progress callback hears of it."""
        if not self.committed:
            self.committed = True
            self._stream._commit(self)

    def __len__(self) -> int:
        return len(self._placed)

    def __repr__(self) -> str:
        return f"<ExportBatch {len(self._placed)} items up to {self.cursor.isoformat()}>"


class ExportStream:
    """One run of an export: use `batches()` once, then read `result()`.

    Made by `stream_loyalty_transactions` and `stream_contacts`, which check the arguments
    and load the state at once (a state file that fails its checks raises there).
    """

    def __init__(
        self,
        client: BaseClient,
        source: Source,
        *,
        since: datetime | None,
        state: str | os.PathLike[str] | None,
        concurrency: int,
        on_progress: Callable[[int], None] | None,
    ) -> None:
        if since is not None and since.tzinfo is None:
            raise ValueError(f"since must be timezone-aware (datetime(..., tzinfo=UTC)): {since}")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
        self._path = None if state is None else os.fspath(state)
        self.state = (
            ExportState(source.job, source.filters)
            if self._path is None
            else load_state(self._path, source.job, source.filters)
        )
        self._since = since
        self._items = Items(source)
        self._reader = Reader(source.fetcher(client), self._items, concurrency=concurrency)
        self._on_progress = on_progress
        self._written = 0
        self._open: ExportBatch | None = None
        self._used = False

    @property
    def has_state_file(self) -> bool:
        """Whether the stream resumes from and saves to a state file."""
        return self._path is not None

    async def batches(self) -> AsyncIterator[ExportBatch]:
        """The run's batches; each must be committed before the next is asked for.

        Raises:
            RuntimeError: The previous batch was not committed, or the stream was used.
        """
        if self._used:
            raise RuntimeError("an ExportStream runs once: make another for the next run")
        self._used = True
        cursor = None if self.state.cursor is None else int(self.state.cursor.timestamp())
        since = None if self._since is None else math.ceil(self._since.timestamp())
        start = max(cursor or 0, since or 0)
        seen = frozenset(self.state.seen) if start == cursor else frozenset()
        async for placed in self._reader.read(start, seen):
            if not placed:
                continue
            if self._open is not None and not self._open.committed:
                raise RuntimeError("commit each batch (`await batch.commit()`) before the next")
            self._open = ExportBatch(self, placed)
            yield self._open

    def _commit(self, batch: ExportBatch) -> None:
        newest = batch._placed[-1].second
        self._items.check(batch._placed)
        self.state.advance(batch.cursor, (p.uuid for p in batch._placed if p.second == newest))
        if self._path is not None:
            save_state(self._path, self.state)
        self._written += len(batch._placed)
        if self._on_progress is not None:
            self._on_progress(self._written)

    def result(self) -> ExportResult:
        """What this run exported so far, and the odd items it met."""
        odd, unplaced = self._items.odd, self._items.unplaced
        return ExportResult(
            written=self._written,
            requests=self._reader.requests,
            cursor=self.state.cursor,
            odd=sum(odd.values()),
            unplaced=sum(unplaced.values()),
            problems={**odd, **unplaced},
        )
