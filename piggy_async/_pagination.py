"""Pages and paginators for the API's list operations.

A paginated method returns an `AsyncPaginator` at once, without sending anything:

    page = await piggy.contacts.list(limit=50)          # one request: the first page
    async for contact in piggy.contacts.list():         # every contact, page by page
        ...
    async for page in piggy.contacts.list().pages():    # every page
        ...

The API answers with one of four `meta` shapes (`page`/`current_page`, `limit`/`per_page`,
numbers sometimes sent as strings); `Page` reads them all into the same fields.

Iteration ends at the last page the meta names, at a page shorter than the meta's page
size, once `total` items fit on the pages read, or at an empty page (the size asked for is
not trusted: the API caps it). A page with the same items as the one before means the
server ignored the page number: `PaginationError`, rather than the same items forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
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
    """

    __slots__ = ("_requested", "items", "last_page", "meta", "page", "per_page", "total")

    def __init__(self, items: list[T], meta: Any, *, requested_page: int) -> None:
        self.items = items
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
        if not self.items:
            return False
        if self.last_page is not None:
            return self._requested < self.last_page
        return self.per_page is None or len(self.items) >= self.per_page

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<Page {self.page}/{self.last_page if self.last_page is not None else '?'}: "
            f"{len(self.items)} items, total={self.total}>"
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

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]], *, start: int = 1) -> None:
        self._fetch = fetch
        self._start = start

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._start).__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page, from the first asked for, each fetched when the previous is done."""
        number = self._start
        previous: list[T] | None = None
        while True:
            page = await self._fetch(number)
            if page.items and page.items == previous:
                raise PaginationError(
                    f"page {number} has the same items as page {number - 1}: the API ignored "
                    "the page number, so the pages cannot be followed"
                )
            yield page
            if not self._has_next(page):
                return
            previous = page.items
            number += 1

    @staticmethod
    def _has_next(page: Page[T]) -> bool:
        """`page.has_next`, and with no `last_page` in the meta, what the total allows."""
        if not page.has_next or page.last_page is not None or page.per_page is None:
            return page.has_next
        return page.total is None or page._requested * page.per_page < page.total

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"<AsyncPaginator from page {self._start}>"
