"""`capture_responses()`: the status, headers and body of every answer, behind typed results
and errors alike.

    with piggy_async.capture_responses() as responses:
        contact = await piggy.contacts.get(uuid)
    responses[-1].status, responses[-1].headers["X-RateLimit-Remaining"]

Every answer is recorded, error answers (a 429 that was retried, the 400 a call raised)
as well as successes, in the order they came; an attempt that got no answer is not, nor
the token request of client credentials (its body is the token).

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
    """One answer (a success or an error status) as it came off the wire."""

    operation: str
    """`resource.name`, e.g. `contacts.get`."""
    status: int
    headers: Mapping[str, str]
    body: bytes
    attempt: int = 1
    """The call's attempt it answered: 1 for the first."""


_SINK: ContextVar[list[RawResponse] | None] = ContextVar("piggy_async_responses", default=None)


@contextmanager
def capture_responses() -> Iterator[list[RawResponse]]:
    """Record every answer to the calls made inside the `with` block, errors included."""
    sink: list[RawResponse] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def record(operation: Operation[Any], response: Response, attempt: int) -> None:
    sink = _SINK.get()
    if sink is not None:
        status, body, headers = response
        sink.append(RawResponse(operation.label, status, headers, body, attempt))
