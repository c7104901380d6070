"""Pages and paginators for the API's list operations.

A paginated method returns an `AsyncPaginator` at once, without sending anything:

    page = await piggy.contacts.list(limit=50)          # one request: the first page
    async for contact in piggy.contacts.list():         # every contact, page by page
        ...
    async for page in piggy.contacts.list().pages():    # every page
        ...
    async for contact in piggy.contacts.list().prefetch(8):  # up to 8 pages in flight
        ...

The API answers with one of four `meta` shapes (`page`/`current_page`, `limit`/`per_page`,
numbers sometimes sent as strings); `Page` reads them all into the same fields.

Iteration ends at the last page the meta names, at a page shorter than the meta's page
size, once `total` items fit on the pages read, or at an empty page (the size asked for is
not trusted: the API caps it). A page with the same items as the one before means the
server ignored the page number: `PaginationError`, rather than the same items forever.

Pages are numbered, so what they hold moves when the list changes while it is read. Item
iteration skips an item whose `uuid` the previous page held: items created meanwhile in a
list sorted newest first (`sort="-created_at"`) push older ones onto the next page, and
they are not yielded twice. It cannot bring back what moved the other way (an item deleted
meanwhile pulls the next one onto a page already read), nor settle the order of items
created in the same second, which the API leaves open: such an item may come twice or not
at all where two pages meet. `piggy_async.bulk`'s exports are exact whatever the order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Mapping
from typing import Any, Generic, TypeVar

from ._errors import PaginationError

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list operation.

    Attributes:
        items: The page's items.
        page: This page's number (1-based).
        last_page: The number of the last page, if the API said.
        total: The number of items on all pages, if the API said.
        per_page: The page size, if the API said.
        meta: The response's `meta`, as sent.
        raw_items: The page's items that cannot be models at all (not an object, or a key
            that identifies one missing or unreadable), as sent; not in `items`, and
            counted with them when judging whether more pages follow.
    """

    __slots__ = (
        "_requested",
        "items",
        "last_page",
        "meta",
        "page",
        "per_page",
        "raw_items",
        "total",
    )

    def __init__(
        self,
        items: list[T],
        meta: Any,
        *,
        requested_page: int,
        raw_items: list[Any] | None = None,
    ) -> None:
        self.items = items
        self.raw_items: list[Any] = raw_items or []
        self.meta: Mapping[str, Any] = meta if isinstance(meta, Mapping) else {}
        self._requested = requested_page
        self.page = _number(self.meta, "page", "current_page") or requested_page
        self.last_page = _number(self.meta, "last_page")
        self.total = _number(self.meta, "total")
        self.per_page = _number(self.meta, "limit", "per_page")

    @property
    def has_next(self) -> bool:
        """Whether a later page may hold more items.

        Judged from the page that was asked for, not the one `meta` names, so a server that
        keeps answering `page: 1` cannot keep a loop going forever.
        """
        size = len(self.items) + len(self.raw_items)
        if not size:
            return False
        if self.last_page is not None:
            return self._requested < self.last_page
        if self.per_page is None:
            return True
        if size < self.per_page:
            return False
        return self.total is None or self._requested * self.per_page < self.total

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        raw = f" (+{len(self.raw_items)} raw)" if self.raw_items else ""
        return (
            f"<Page {self.page}/{self.last_page if self.last_page is not None else '?'}: "
            f"{len(self.items)} items{raw}, total={self.total}>"
        )


def _number(meta: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


class AsyncPaginator(Generic[T]):
    """Awaitable for the first page; async-iterable over every item of every page."""

    __slots__ = ("_fetch", "_start")

    def __init__(
        self, fetch: Callable[[int], Coroutine[Any, Any, Page[T]]], *, start: int = 1
    ) -> None:
        self._fetch = fetch
        self._start = start

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._start).__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page, from the first asked for, each fetched when the previous is done."""
        async for page in self._pages_from(self._start):
            yield page

    async def _pages_from(
        self, number: int, previous: list[T] | None = None
    ) -> AsyncIterator[Page[T]]:
        while True:
            page = await self._fetch(number)
            if page.items and page.items == previous:
                raise PaginationError(
                    f"page {number} has the same items as page {number - 1}: the API ignored "
                    "the page number, so the pages cannot be followed"
                )
            yield page
            if not page.has_next:
                return
            previous = page.items
            number += 1

    async def __aiter__(self) -> AsyncIterator[T]:
        async for item in _unseen_items(self.pages(), []):
            yield item

    def prefetch(self, pages: int) -> AsyncIterator[T]:
        """Every item, in order, with up to `pages` pages fetched at once.

        The first page says how many there are (`last_page`); the later ones are then
        requested ahead, each through the client's normal request path, while at most
        `pages` pages are in flight or waiting to be consumed. The first error is raised
        and the other requests are cancelled; so are they when the loop is left early
        (`contextlib.aclosing` does it at once, else the event loop when it finalises the
        iterator). Without a `last_page` the pages are fetched one after the other, and so
        are those past the first page's `last_page` if the list grew meanwhile.

            async for transaction in piggy.loyalty_transactions.list(limit=100).prefetch(8):
                ...
        """
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            raise ValueError(f"pages must be a positive integer, got {pages!r}")
        return self._prefetch(pages)

    async def _prefetch(self, ahead: int) -> AsyncIterator[T]:
        first = await self._fetch(self._start)
        if not first.has_next or first.last_page is None:
            for item in first.items:
                yield item
            if first.has_next:  # the end is unknown: one page after the other
                later = self._pages_from(self._start + 1, first.items)
                async for item in _unseen_items(later, first.items):
                    yield item
            return
        numbers = iter(range(self._start + 1, first.last_page + 1))
        queue: deque[asyncio.Task[Page[T]]] = deque()

        def top_up(pages: int) -> None:
            while len(queue) < pages and (number := next(numbers, 0)):
                queue.append(asyncio.ensure_future(self._fetch(number)))

        try:
            page, previous = first, list[T]()
            while True:
                top_up(ahead - 1)  # the page being read is one of the `ahead`
                for item in _unseen(page.items, previous):
                    yield item
                top_up(ahead)
                if not queue:
                    break
                previous, page = page.items, await _first_in_order(queue)
        finally:
            for task in queue:
                task.cancel()
            await asyncio.gather(*queue, return_exceptions=True)
        if page.has_next:  # the list grew while it was read: the rest one after the other
            later = self._pages_from(first.last_page + 1, page.items)
            async for item in _unseen_items(later, page.items):
                yield item

    def __repr__(self) -> str:
        return f"<AsyncPaginator from page {self._start}>"


def _unseen(items: list[T], previous: list[T]) -> list[T]:
    """`items` but those with a `uuid` the previous page held: items created while a list
    sorted newest first is read push the older ones down, onto the next page."""
    if not previous:
        return items
    seen = {uuid for item in previous if (uuid := getattr(item, "uuid", None)) is not None}
    if not seen:
        return items
    return [item for item in items if getattr(item, "uuid", None) not in seen]


async def _unseen_items(pages: AsyncIterator[Page[T]], previous: list[T]) -> AsyncIterator[T]:
    """The items of `pages`, those its page before held (`previous` for the first) left out."""
    async for page in pages:
        for item in _unseen(page.items, previous):
            yield item
        previous = page.items


async def _first_in_order(queue: deque[asyncio.Task[Page[T]]]) -> Page[T]:
    """The head of `queue`, taken off it once done; any failure in the queue is raised as
    soon as it happens, not when its turn comes."""
    head = queue[0]
    while not head.done():
        done, _ = await asyncio.wait(queue, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                queue.remove(task)
                return task.result()  # raises it; the caller cancels the rest
    queue.popleft()
    return head.result()
