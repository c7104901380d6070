"""What an export reads: one list operation, its filters, and where each item says when it
was created; pages fetched as the API sent them: each item's JSON text, no models.

A window is a range of creation seconds, `[gte, lt)` (`lt` None: open-ended), asked for
with `created_at[gte]`/`created_at[lt]`, sorted by creation, the API's largest page.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Final

import attrs
import msgspec

from .. import operations
from .._client import BaseClient
from .._errors import MalformedResponseError
from .._operation import Operation
from .._pagination import Page
from .._responses import envelope as _envelope
from .._transport.attempt import Response
from .._unset import UNSET
from ._lines import item_text

PAGE_SIZE: Final = 100
"""The API's largest page."""

RawItem = dict[str, Any]
"""An item as decoded from JSON."""
Fetch = Callable[[int, int | None, int, bool], Coroutine[Any, Any, Page[bytes]]]
"""`fetch(gte, lt, page, newest_first)`: page `page` of the window `[gte, lt)` (epoch
seconds), oldest first or newest first."""


@attrs.frozen
class Source:
    """One export's list operation and how to read its items.

    Attributes:
        job: The export's name, as its state file records it.
        resource: The resource whose `list` operation is read.
        filters: The operation's other query parameters (part of the state's identity).
        created_at: The keys leading to the item's creation time (a string), from the top.
        model: The model the item should structure into (for the odd-item check).
    """

    job: str
    resource: str
    filters: dict[str, Any]
    created_at: tuple[str, ...]
    model: Any

    def fetcher(self, client: BaseClient) -> Fetch:
        """The function fetching this source's pages through `client`'s request path (its
        limiter, retries and deadline)."""
        operation = _list_operation(client.api, self.resource)
        query = {name: UNSET if value is None else value for name, value in self.filters.items()}

        def fetch(
            gte: int, lt: int | None, page: int, newest_first: bool
        ) -> Coroutine[Any, Any, Page[bytes]]:
            window = {
                **query,
                "created_at[gte]": datetime.fromtimestamp(gte, UTC),
                "created_at[lt]": UNSET if lt is None else datetime.fromtimestamp(lt, UTC),
                "sort": "-created_at" if newest_first else "created_at",
                "limit": PAGE_SIZE,
                "page": page,
            }
            decode = functools.partial(_text_page, page)
            return client._send(operation, None, window, None, {}, decode)

        return fetch


def _list_operation(api: str, resource: str) -> Operation[Any]:
    for operation in operations():
        if (operation.api, operation.resource, operation.name) == (api, resource, "list"):
            return operation
    raise TypeError(f"the {api} API has no {resource}.list")  # pragma: no cover


class _Envelope(msgspec.Struct):
    data: list[msgspec.Raw]
    meta: Any = None


_envelope_of = msgspec.json.Decoder(_Envelope).decode


def _text_page(number: int, operation: Operation[Any], response: Response) -> Page[bytes]:
    """A list response as page `number`, its items as their JSON text, each on one line:
    cut out of the body as sent (line breaks between values, the only place JSON holds
    them, taken out first), or, from a body msgspec does not take, decoded and written
    again. The texts cut out are `msgspec.Raw` views of the body: bytes-like, not `bytes`."""
    status, raw, _ = response
    try:
        body = raw.strip(b" \t\r\n")  # JSON's whitespace, no other
        if b"\n" in body or b"\r" in body:
            body = msgspec.json.format(body, indent=-1)
        if not body.isascii():
            body.decode()  # cutting items out checks no text, so the body's is checked first
        envelope = _envelope_of(body)
    except (msgspec.DecodeError, UnicodeDecodeError):
        data, meta = _envelope(operation, status, raw)
        if not isinstance(data, list):
            raise MalformedResponseError(
                "the list's `data` is not a list", status=status, body=raw
            ) from None
        return Page([item_text(item) for item in data], meta, requested_page=number)
    return Page(typing.cast(list[bytes], envelope.data), envelope.meta, requested_page=number)
