"""Reading every item created from a second on, each exactly once, oldest first, whatever
order the API returns items of the same second in, with several pages in flight.

The API sorts on a one-second `created_at` with nothing to break ties, so the items of one
second may come back in another order on every request, and a second whose items straddle
two pages may show some of them twice and others never. Items of different seconds keep
their order, and items created during the run come after all others, so the pages of the
open-ended window `created_at >= start` keep their layout while `meta.total` stays the same.

Pages are fetched ahead (up to `concurrency` at once) and taken in page order. Where two
neighbouring pages meet, the seam is trusted only if both state the same `total` and the
second they share (if any) shows no item on both: then the items of that second on the two
pages are as many as the second holds, all distinct, so all of them. Otherwise the seconds
at the seam are read again as a window bounded on both sides, its pages fetched until they
hold as many distinct items as that window's own `total` states. A second is handed on only
once a later second has been seen (the newest second of a run is handed on at its end,
as far as it was read: the next run takes up the rest).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from .._defaults import EXPORT_READINGS
from .._errors import PaginationError
from .._pagination import Page
from ._items import Items, Placed
from ._source import Fetch


class Reader:
    """Reads a source's pages through `fetch`; `requests` counts what it sent."""

    def __init__(self, fetch: Fetch, items: Items, *, concurrency: int) -> None:
        self._fetch = fetch
        self._items = items
        self.concurrency = concurrency
        self.requests = 0

    async def read(self, start: int, seen: frozenset[str]) -> AsyncIterator[list[Placed]]:
        """Runs of items created at or after second `start` (except those of `start` in
        `seen`), oldest first: every item up to the newest second when the run began, then
        those of that second read so far (the next run, starting there, takes the rest)."""
        probe = await self.get(start, None, 1, newest_first=True)
        placed = self._items.place(probe.items, count=not probe.has_next)
        if _nothing_new(probe, placed, seen):
            return
        oldest_first = sorted(placed[::-1], key=_second)  # the probe is newest first
        if not probe.has_next or not placed:  # one page holds everything from `start` on
            yield _fresh(oldest_first, start, seen)
            return
        if _only_newer(probe, oldest_first, start, seen):
            yield [item for item in oldest_first if item.second > start]
            return
        newest = max(item.second for item in placed)
        if newest > start:
            carry = _Carry(start, seen)
            async for run in self._sweep(start, newest, carry):
                yield run
            yield carry.flush()
        if any(item.second < newest for item in placed):  # the probe holds all of it
            final = [item for item in oldest_first if item.second == newest]
        else:
            final = await self.complete(newest, newest + 1, final=True)
        yield _fresh(final, start, seen)

    async def _sweep(self, start: int, end: int, carry: _Carry) -> AsyncIterator[list[Placed]]:
        """The items of the window `[start, end)`, which no item can join any more (they are
        created at the present second or later), its pages requested ahead."""
        ahead = _Ahead(self, start, end)
        page = await ahead.next()
        placed = self._items.place(page.items, count=True)
        try:
            while True:
                ahead.top_up(page)
                yield carry.take(placed)
                if not page.has_next:
                    return
                following = await ahead.next()
                placed = self._items.place(following.items, count=True)
                if not carry.joins(page, following, placed):
                    high = max(placed[0].second, carry.low) + 1 if placed else end
                    yield carry.replace(await self.complete(carry.low, min(high, end)))
                    if high >= end:
                        return
                    placed = [item for item in placed if item.second >= high]
                page = following
        finally:
            await ahead.close()

    async def complete(self, gte: int, lt: int, *, final: bool = False) -> list[Placed]:
        """Every item of the window `[gte, lt)`, oldest first: its pages read until their
        distinct items are as many as the window's `total` states. The `final` window (the
        newest second, maybe still being written to) is only read as far as it holds
        still: what it misses, the next run reads.

        Raises:
            PaginationError: They never added up.
        """
        found: dict[str, Placed] = {}
        for _ in range(EXPORT_READINGS):
            pages = await self._window(gte, lt)
            totals = {page.total for page in pages}
            placed = [self._items.place(page.items, count=False) for page in pages]
            found.update((item.uuid, item) for items in placed for item in items)
            unplaced = sum(len(page.items) for page in pages) - sum(map(len, placed))
            total = pages[0].total
            if total is None or (final and len(totals) > 1):
                break
            if len(totals) == 1 and len(found) + unplaced >= total:
                if len(found) + unplaced > total:  # some were deleted: read them afresh
                    found = {item.uuid: item for items in placed for item in items}
                    if len(found) + unplaced != total:
                        continue
                break
        else:
            if final:
                return sorted(found.values(), key=_second)
            raise PaginationError(
                f"the pages of the items created from {gte} to {lt} (epoch seconds) never"
                f" held as many items as the API counts in them, after {EXPORT_READINGS} readings"
            )
        return sorted(found.values(), key=_second)

    async def _window(self, gte: int, lt: int) -> list[Page[bytes]]:
        first = await self.get(gte, lt, 1)
        last = first.last_page or 1
        if not first.has_next or last < 2:
            return [first]
        gate = asyncio.Semaphore(self.concurrency)

        async def one(number: int) -> Page[bytes]:
            async with gate:
                return await self.get(gte, lt, number)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(number)) for number in range(2, last + 1)]
        return [first, *(task.result() for task in tasks)]

    async def get(
        self, gte: int, lt: int | None, number: int, *, newest_first: bool = False
    ) -> Page[bytes]:
        self.requests += 1
        return await self._fetch(gte, lt, number, newest_first)


def _nothing_new(first: Page[bytes], placed: list[Placed], seen: frozenset[str]) -> bool:
    """Whether the first page shows that every item from the start second on is in `seen`."""
    return (
        first.total is not None
        and first.total <= len(seen)
        and all(item.uuid in seen for item in placed)
    )


def _only_newer(
    probe: Page[bytes], oldest_first: list[Placed], start: int, seen: frozenset[str]
) -> bool:
    """Whether the newest-first `probe` reaches down into the start second and counts no
    more items there than `seen` holds: what is new is then all on it."""
    newer = sum(1 for item in oldest_first if item.second > start)
    return (
        probe.total is not None and newer < len(oldest_first) and probe.total - newer <= len(seen)
    )


def _second(item: Placed) -> int:
    return item.second


def _fresh(items: Iterable[Placed], start: int, seen: frozenset[str]) -> list[Placed]:
    """`items` but those exported by an earlier run (at the start second, in `seen`)."""
    return [item for item in items if not (item.second == start and item.uuid in seen)]


class _Carry:
    """The items of the newest second read so far, held back until a later one shows."""

    def __init__(self, start: int, seen: frozenset[str]) -> None:
        self._start = start
        self._seen = seen
        self.items: dict[str, Placed] = {}
        self.low = start
        """The second the carried items belong to (or the first not handed on)."""
        self._complete = False

    def take(self, placed: list[Placed]) -> list[Placed]:
        """Add a page's items; hand on those of every second before the page's newest."""
        low, carried = self.low, self.items
        pending = [item for item in placed if item.second >= low and item.uuid not in carried]
        if not pending:
            return []
        newest = max(item.second for item in pending)
        if newest == low:
            carried.update((item.uuid, item) for item in pending)
            return []
        older = [*carried.values(), *(item for item in pending if item.second < newest)]
        self.items = {item.uuid: item for item in pending if item.second == newest}
        self.low, self._complete = newest, False
        return _fresh(sorted(older, key=_second), self._start, self._seen)

    def joins(self, page: Page[bytes], following: Page[bytes], placed: list[Placed]) -> bool:
        """Whether `following` continues `page` with nothing missed at the seam."""
        if page.total != following.total:
            return False
        if not placed or not self.items:
            return True
        first = placed[0].second
        if first != self.low:
            return first > self.low
        return self._complete or not any(
            item.uuid in self.items for item in placed if item.second == first
        )

    def replace(self, window: list[Placed]) -> list[Placed]:
        """Take the items of a window read in full from `low` on (oldest first) in place of
        those carried: hand on all but its newest second, carried as complete."""
        if not window:
            self.items = {}
            return []
        newest = window[-1].second
        self.items = {item.uuid: item for item in window if item.second == newest}
        self.low, self._complete = newest, True
        return _fresh((item for item in window if item.second < newest), self._start, self._seen)

    def flush(self) -> list[Placed]:
        """Hand on whatever is carried (the end of the sweep)."""
        items, self.items = list(self.items.values()), {}
        return _fresh(items, self._start, self._seen)


class _Ahead:
    """The pages of the window `[start, end)`, requested up to `concurrency` ahead of the
    one being read and taken in order."""

    def __init__(self, reader: Reader, start: int, end: int) -> None:
        self._reader = reader
        self._window = (start, end)
        self._tasks: dict[int, asyncio.Task[Page[bytes]]] = {}
        self._reading = 0
        self._next = 1

    def top_up(self, page: Page[bytes]) -> None:
        """Request what `page` (the one being read) says follows, up to `concurrency`."""
        last = page.last_page if page.last_page is not None else self._reading + page.has_next
        while self._next <= min(last, self._reading + self._reader.concurrency):
            self._request(self._next)

    async def next(self) -> Page[bytes]:
        """The page after the one being read (which becomes the one being read)."""
        self._reading += 1
        if self._reading not in self._tasks:
            self._next = self._reading
            self._request(self._reading)
        return await self._tasks.pop(self._reading)

    def _request(self, number: int) -> None:
        start, end = self._window
        self._tasks[number] = asyncio.ensure_future(self._reader.get(start, end, number))
        self._next = number + 1

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
