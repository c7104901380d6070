"""What an export reads: one list operation, its filters, and where each item says when it
was created; pages fetched as the API sent them (decoded JSON, no models).

A window is a range of creation seconds, `[gte, lt)` (`lt` None: open-ended), asked for
with `created_at[gte]`/`created_at[lt]`, sorted by creation, the API's largest page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Final

import attrs

from .. import operations
from .._client import BaseClient
from .._errors import MalformedResponseError
from .._operation import Operation
from .._pagination import Page
from .._responses import envelope as _envelope
from .._transport.attempt import Response
from .._unset import UNSET

PAGE_SIZE: Final = 100
"""The API's largest page."""

RawItem = dict[str, Any]
Fetch = Callable[[int, int | None, int, bool], Coroutine[Any, Any, Page[RawItem]]]
"""`fetch(gte, lt, page, newest_first)`: page `page` of the window `[gte, lt)` (epoch
seconds), oldest first or newest first."""


@attrs.frozen
class Source:
    """One export's list operation and how to read its items.

    Attributes:
        job: The export's name, as its state file records it.
        resource: The resource whose `list` operation is read.
        filters: The operation's other query parameters (part of the state's identity).
        created_at: The item's creation time as sent (a string), or None if it has none.
        model: The model the item should structure into (for the odd-item check).
    """

    job: str
    resource: str
    filters: dict[str, Any]
    created_at: Callable[[RawItem], object]
    model: Any

    def fetcher(self, client: BaseClient) -> Fetch:
        """The function fetching this source's pages through `client`'s request path (its
        limiter, retries and deadline)."""
        operation = _list_operation(client.api, self.resource)
        query = {name: UNSET if value is None else value for name, value in self.filters.items()}

        def fetch(
            gte: int, lt: int | None, page: int, newest_first: bool
        ) -> Coroutine[Any, Any, Page[RawItem]]:
            window = {
                **query,
                "created_at[gte]": datetime.fromtimestamp(gte, UTC),
                "created_at[lt]": UNSET if lt is None else datetime.fromtimestamp(lt, UTC),
                "sort": "-created_at" if newest_first else "created_at",
                "limit": PAGE_SIZE,
                "page": page,
            }
            decode = functools.partial(_raw_page, page)
            return client._send(operation, None, window, None, {}, decode)

        return fetch


def _list_operation(api: str, resource: str) -> Operation[Any]:
    for operation in operations():
        if (operation.api, operation.resource, operation.name) == (api, resource, "list"):
            return operation
    raise TypeError(f"the {api} API has no {resource}.list")  # pragma: no cover


def _raw_page(number: int, operation: Operation[Any], response: Response) -> Page[RawItem]:
    """A list response as page `number`, its items as decoded."""
    status, raw, _ = response
    data, meta = _envelope(operation, status, raw)
    if not isinstance(data, list):
        raise MalformedResponseError("the list's `data` is not a list", status=status, body=raw)
    return Page(data, meta, requested_page=number)


def transaction_created_at(item: RawItem) -> object:
    return item.get("created_at")


def contact_created_at(item: RawItem) -> object:
    values = item.get("current_values")
    return values.get("created_at") if isinstance(values, dict) else None
