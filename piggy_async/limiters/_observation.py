"""`Observation`: what one response says about its budget, read from its headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from .. import _defaults
from .. import _rate_headers as rate_headers


@attrs.define
class Observation:
    """Not frozen: one is made for every answer, and a frozen class sets each field through
    `object.__setattr__`, twice the cost. Nothing changes one once made."""

    limit: int | None = None
    remaining: int | None = None
    pause: float | None = None
    """Seconds every request must wait: a 429's `Retry-After` (or the backoff base)."""
    resets_in: float | None = None
    opened_window: bool = False
    """Whether it answered the first request of the API's window (one of the limit used):
    that window then ends within one window's length from now."""
    announced: bool = False
    """Whether `pause` is the API's own `Retry-After`, which says when its window ends
    (else the backoff base: the 429 did not say); `RedisLimiter` tells (`announced`)."""

    @classmethod
    def from_response(
        cls, status: int, headers: Mapping[str, str], wall_clock: Callable[[], float]
    ) -> Observation:
        """What a response with `status` and `headers` says; `wall_clock` (a `Clock`'s
        `wall`) is what HTTP dates and Unix times are counted from."""
        seen = rate_headers.budget(headers)
        limit, remaining = seen if seen is not None else (None, None)
        opened = seen is not None and seen[1] == seen[0] - 1
        if status == 429:
            wait = rate_headers.retry_after(headers, wall_clock)
            pause = _defaults.BACKOFF_BASE if wait is None else wait
            return cls(limit, remaining, pause=pause, opened_window=opened)
        resets_in = rate_headers.reset_in(headers, wall_clock)
        return cls(limit, remaining, resets_in=resets_in, opened_window=opened)

    def merge(self, newer: Observation) -> Observation:
        """One observation worth both: the lowest remaining, the longest pause, and whether
        either opened the window."""
        return Observation(
            limit=newer.limit if newer.limit is not None else self.limit,
            remaining=_least(self.remaining, newer.remaining),
            pause=max(self.pause or 0.0, newer.pause or 0.0) or None,
            resets_in=newer.resets_in if newer.resets_in is not None else self.resets_in,
            opened_window=self.opened_window or newer.opened_window,
        )


def _least(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return b if a is None else a
    return min(a, b)
