"""`TransportEvent`: what a client reports to `on_event` (counters, dashboards, tracing).

One small record per thing that happened, so users count with `Counter(e.kind for e in ...)`:

- `request`: an attempt is about to be sent (`attempt` 1 for the first).
- `response`: it was answered (`status`, `elapsed` seconds).
- `retry`: a failed attempt will be retried after `delay` seconds (`reason` says why).
- `wait`: the call waited `delay` seconds for the rate limiter before an attempt.
- `rate_limited`: the API answered 429 (`delay` is its `Retry-After`, if it gave one).
- `resolved`: a write with its natural key given, whose outcome was unknown after `attempt`
  sends (`reason` says why), was found by its key: the call returns what landed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

EventKind = Literal["request", "response", "retry", "wait", "rate_limited", "resolved"]


class TransportEvent(NamedTuple):
    kind: EventKind
    operation: str
    """`resource.name`, e.g. `contacts.get`."""
    attempt: int
    status: int | None = None
    delay: float | None = None
    elapsed: float | None = None
    reason: str | None = None


EventHook = Callable[[TransportEvent], None]


def both(first: EventHook, then: EventHook) -> EventHook:
    """An event hook calling `first`, then `then`."""

    def hook(event: TransportEvent) -> None:
        first(event)
        then(event)

    return hook
