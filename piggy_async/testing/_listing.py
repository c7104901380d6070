"""Listing: the `created_at[...]` filters, `sort`, and pages in the documented `meta` shapes.

The API pages in four `meta` styles, or with none at all (spec/README.md, "Pagination");
`paginate` slices any sequence and answers in the style its operation documents, so
stateful lists and synthesized ones page the same way.
"""

from __future__ import annotations

import itertools
import math
import operator
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

import attrs

from piggy_async import Pagination

from ._call import Call
from ._replies import Reply, invalid_input

MAX_PAGE_SIZE = 100
"""The largest page the API serves on most lists; larger `limit`s are cut to it."""
UNDOCUMENTED_SIZE = 30
"""The page size where the spec names no default (Laravel's own)."""

_BOUNDS: dict[str, Callable[[datetime, datetime], bool]] = {
    "created_at[gt]": operator.gt,
    "created_at[gte]": operator.ge,
    "created_at[lt]": operator.lt,
    "created_at[lte]": operator.le,
}


class Dated(Protocol):
    created_at: datetime


D = TypeVar("D", bound=Dated)
T = TypeVar("T")


def created_within(items: Iterable[D], args: Mapping[str, Any]) -> list[D]:
    """The items inside every `created_at[gt|gte|lt|lte]` bound the call gave."""
    bounds = [(compare, args[key]) for key, compare in _BOUNDS.items() if key in args]
    return [
        item for item in items if all(compare(item.created_at, bound) for compare, bound in bounds)
    ]


def by_creation(items: list[D], sort: str, ties: random.Random | None = None) -> list[D]:
    """`created_at`: oldest first; `-created_at`: newest first (the exact mirror).

    Items created in the same second come in creation order, or, given `ties`, in an order
    drawn from it afresh on every call: the API sorts on a one-second `created_at` with
    nothing to break ties, so a client may not rely on their order from one request to
    the next.
    """
    key = operator.attrgetter("created_at")
    ordered = sorted(items, key=key)
    if ties is not None:
        seconds = [list(group) for _, group in itertools.groupby(ordered, key=key)]
        for same_second in seconds:
            ties.shuffle(same_second)
        ordered = [item for same_second in seconds for item in same_second]
    return ordered[::-1] if sort == "-created_at" else ordered


def paginate(call: Call, items: Sequence[T], render: Callable[[T], Any]) -> Reply:
    """The page of `items` the call asked for, rendered, with its operation's `meta`; as
    many items as asked for, or as the spec documents the API gives when not asked."""
    pagination = call.operation.pagination
    if pagination is None:
        raise TypeError(f"{call.operation!r} is not paginated")
    page: int = call.args.get("page", 1)
    asked: int = call.args.get(pagination.size, pagination.default_size or UNDOCUMENTED_SIZE)
    size = min(asked, MAX_PAGE_SIZE)
    _check_bounds(pagination, page, size)
    start = (page - 1) * size
    chunk = [render(item) for item in items[start : start + size]]
    window = _Window(page=page, size=size, total=len(items), count=len(chunk))
    meta, links = _STYLES[pagination.meta](window, str(call.url.with_query(None)))
    return Reply(chunk, meta, links)


def _check_bounds(pagination: Pagination, page: int, size: int) -> None:
    errors = {
        name: [f"The {name} field must be at least 1."]
        for name, value in (("page", page), (pagination.size, size))
        if value < 1
    }
    if errors:
        raise invalid_input(errors)


@attrs.frozen
class _Window:
    """Where a page sits in the whole list."""

    page: int
    size: int
    total: int
    count: int

    @property
    def first(self) -> int | None:
        return (self.page - 1) * self.size + 1 if self.count else None

    @property
    def last(self) -> int | None:
        return (self.page - 1) * self.size + self.count if self.count else None

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.total / self.size))


_Meta = tuple[dict[str, Any] | list[Any], dict[str, Any] | None]


def _viewing(window: _Window, url: str) -> _Meta:
    return {
        "page": window.page,
        "limit": window.size,
        "viewing_from": window.first,
        "viewing_to": window.last,
        "last_page": window.last_page,
        "total": window.total,
    }, None


def _short(window: _Window, url: str) -> _Meta:
    return {
        "page": window.page,
        "per_page": window.size,
        "last_page": window.last_page,
        "total": window.total,
    }, None


def _minimal(window: _Window, url: str) -> _Meta:
    return {
        "current_page": window.page,
        "last_page": window.last_page,
        "per_page": window.size,
        "total": window.total,
    }, None


def _laravel(window: _Window, url: str) -> _Meta:
    """Laravel's paginator: page links in `meta`, first/last/prev/next at the top level,
    `per_page` as a string (as the docs show it)."""

    def link(number: int) -> str | None:
        return f"{url}?page={number}" if 1 <= number <= window.last_page else None

    numbered = [
        {"url": link(number), "label": str(number), "active": number == window.page}
        for number in range(1, window.last_page + 1)
    ]
    return {
        "current_page": window.page,
        "from": window.first,
        "last_page": window.last_page,
        "links": [
            {"url": link(window.page - 1), "label": "&laquo; Previous", "active": False},
            *numbered,
            {"url": link(window.page + 1), "label": "Next &raquo;", "active": False},
        ],
        "path": url,
        "per_page": str(window.size),
        "to": window.last,
        "total": window.total,
    }, {
        "first": link(1),
        "last": link(window.last_page),
        "prev": link(window.page - 1),
        "next": link(window.page + 1),
    }


def _none(window: _Window, url: str) -> _Meta:
    """No paging information: `meta` is the empty list the docs show."""
    return [], None


_STYLES: dict[str, Callable[[_Window, str], _Meta]] = {
    "none": _none,
    "viewing": _viewing,
    "short": _short,
    "minimal": _minimal,
    "laravel": _laravel,
}
