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
from typing import Final

from .._errors import PaginationError
from .._pagination import Page
from ._items import Items, Placed
from ._source import Fetch, RawItem

MAX_ROUNDS: Final = 50
"""Times the pages of one bounded window are read before its items are given up on."""


class Reader:
    """Reads a source's pages through `fetch`; `requests` counts what it sent."""

    def __init__(self, fetch: Fetch, items: Items, *, concurrency: int) -> None:
        self._fetch = fetch
        self._items = items
        self.concurrency = concurrency
        self.requests = 0

    async def read(self, start: int, seen: frozenset[str]) -> AsyncIterator[list[Placed]]:
        """Runs of items created at or after second `start` (except those of `start` in
        `seen`), oldest first, each run ending before a second still being read."""
        first = await self.get(start, None, 1)
        placed = self._items.place(first.items, count=True)
        if _nothing_new(first, placed, seen):
            return
        ahead = _Ahead(self, start)
        carry = _Carry(start, seen)
        page = first
        try:
            while True:
                ahead.top_up(page)
                settled = carry.take(placed)
                if settled:
                    yield settled
                if not page.has_next:
                    break
                following = await ahead.next()
                placed = self._items.place(following.items, count=True)
                if not carry.joins(page, following, placed):
                    settled, rest = await self._mend(carry, placed)
                    if settled:
                        yield settled
                    if rest is None:  # the rest was read as one window
                        break
                    placed = rest
                page = following
        finally:
            await ahead.close()
        last = carry.flush()
        if last:
            yield last

    async def _mend(
        self, carry: _Carry, placed: list[Placed]
    ) -> tuple[list[Placed], list[Placed] | None]:
        """Read the seconds at a seam again, from the carried one to the first of `placed`:
        what that settles, and the items of `placed` after them (None if `placed` is empty:
        the window then stayed open and holds everything left)."""
        high = max(placed[0].second, carry.low) + 1 if placed else None
        settled = carry.replace(await self.complete(carry.low, high))
        if high is None:
            return settled, None
        return settled, [item for item in placed if item.second >= high]

    async def complete(self, gte: int, lt: int | None) -> list[Placed]:
        """Every item of the window `[gte, lt)`, oldest first: its pages read until their
        distinct items are as many as the window's `total` states.

        Raises:
            PaginationError: They never added up.
        """
        found: dict[str, Placed] = {}
        for _ in range(MAX_ROUNDS):
            pages = await self._window(gte, lt)
            totals = {page.total for page in pages}
            placed = [self._items.place(page.items, count=False) for page in pages]
            this = {item.uuid: item for items in placed for item in items}
            unplaced = sum(len(page.items) for page in pages) - sum(map(len, placed))
            total = pages[0].total
            if total is None or (len(totals) == 1 and len(this) + unplaced >= total):
                return _oldest_first(this)
            found.update(this)
            if len(totals) == 1 and len(found) + unplaced >= total:
                return _oldest_first(found)
        raise PaginationError(
            f"the pages of the items created from {gte} to {lt} (epoch seconds) never held as"
            f" many items as the API counts in them, after {MAX_ROUNDS} readings"
        )

    async def _window(self, gte: int, lt: int | None) -> list[Page[RawItem]]:
        first = await self.get(gte, lt, 1)
        last = first.last_page or 1
        if not first.has_next or last < 2:
            return [first]
        gate = asyncio.Semaphore(self.concurrency)

        async def one(number: int) -> Page[RawItem]:
            async with gate:
                return await self.get(gte, lt, number)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(number)) for number in range(2, last + 1)]
        return [first, *(task.result() for task in tasks)]

    async def get(self, gte: int, lt: int | None, number: int) -> Page[RawItem]:
        self.requests += 1
        return await self._fetch(gte, lt, number)


def _nothing_new(first: Page[RawItem], placed: list[Placed], seen: frozenset[str]) -> bool:
    """Whether the first page shows that every item from the start second on is in `seen`."""
    return (
        first.total is not None
        and first.total <= len(seen)
        and all(item.uuid in seen for item in placed)
    )


def _oldest_first(items: dict[str, Placed]) -> list[Placed]:
    return sorted(items.values(), key=lambda item: item.second)


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
        if not placed:
            return []
        newest = max(item.second for item in placed)
        pending = [*self.items.values(), *(i for i in placed if i.uuid not in self.items)]
        if newest == self.low:
            self.items = {item.uuid: item for item in pending}
            return []
        self.items = {item.uuid: item for item in pending if item.second == newest}
        self.low, self._complete = newest, False
        return self._fresh(item for item in pending if item.second < newest)

    def joins(self, page: Page[RawItem], following: Page[RawItem], placed: list[Placed]) -> bool:
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
        return self._fresh(item for item in window if item.second < newest)

    def flush(self) -> list[Placed]:
        """Hand on whatever is carried (the end of the run)."""
        items, self.items = list(self.items.values()), {}
        return self._fresh(sorted(items, key=lambda item: item.second))

    def _fresh(self, items: Iterable[Placed]) -> list[Placed]:
        """`items` but those exported by an earlier run (at the start second, in `seen`)."""
        start, seen = self._start, self._seen
        return [item for item in items if not (item.second == start and item.uuid in seen)]


class _Ahead:
    """The pages of the open-ended window after the first, requested up to `concurrency`
    ahead of the one being read and taken in order."""

    def __init__(self, reader: Reader, start: int) -> None:
        self._reader = reader
        self._start = start
        self._tasks: dict[int, asyncio.Task[Page[RawItem]]] = {}
        self._reading = 1
        self._next = 2

    def top_up(self, page: Page[RawItem]) -> None:
        """Request what `page` (the one being read) says follows, up to `concurrency`."""
        last = page.last_page if page.last_page is not None else self._reading + page.has_next
        while self._next <= min(last, self._reading + self._reader.concurrency):
            self._request(self._next)
            self._next += 1

    async def next(self) -> Page[RawItem]:
        """The page after the one being read (which becomes the one being read)."""
        self._reading += 1
        if self._reading not in self._tasks:
            self._request(self._reading)
            self._next = self._reading + 1
        return await self._tasks.pop(self._reading)

    def _request(self, number: int) -> None:
        coroutine = self._reader.get(self._start, None, number)
        self._tasks[number] = asyncio.ensure_future(coroutine)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
