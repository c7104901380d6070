"""`capture_responses()`: the status, headers and body behind typed results.

    with piggy_async.capture_responses() as responses:
        contact = await piggy.contacts.get(uuid)
    responses[-1].status, responses[-1].headers["X-RateLimit-Remaining"]

A context variable holds the list, so only calls made inside the block (and in tasks it
starts) are recorded, and calls elsewhere pay one lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from .._operation import Operation
from .attempt import Response


class RawResponse(NamedTuple):
    """One successful answer as it came off the wire."""

    operation: str
    """`resource.name`, e.g. `contacts.get`."""
    status: int
    headers: Mapping[str, str]
    body: bytes


_SINK: ContextVar[list[RawResponse] | None] = ContextVar("piggy_async_responses", default=None)


@contextmanager
def capture_responses() -> Iterator[list[RawResponse]]:
    """Record every successful response of the calls made inside the `with` block."""
    sink: list[RawResponse] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def record(operation: Operation[Any], response: Response) -> None:
    sink = _SINK.get()
    if sink is not None:
        status, body, headers = response
        sink.append(RawResponse(operation.label, status, headers, body))
