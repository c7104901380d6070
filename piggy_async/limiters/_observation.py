"""`Observation`: what one response says about its budget, read from its headers.

The API reports `X-RateLimit-Limit` and `X-RateLimit-Remaining` on every response and
`Retry-After` (seconds) on a 429; a reset header (`X-RateLimit-Reset`, seconds from now or
a Unix time) is read when present. Unparseable values are ignored rather than trusted.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import attrs

_EPOCH_THRESHOLD = 1e9
"""A reset value this large is a Unix time, not a number of seconds from now."""


@attrs.frozen
class Observation:
    limit: int | None = None
    remaining: int | None = None
    pause: float | None = None
    """Seconds every request must wait: a 429's `Retry-After` (1 s if it gave none)."""
    resets_in: float | None = None

    @classmethod
    def from_response(
        cls, status: int, headers: Mapping[str, str], *, now: float | None = None
    ) -> Observation:
        lower = {name.lower(): value for name, value in headers.items()}
        limit = _number(lower.get("x-ratelimit-limit"))
        remaining = _number(lower.get("x-ratelimit-remaining"))
        reset = _number(lower.get("x-ratelimit-reset"))
        if reset is not None and reset > _EPOCH_THRESHOLD:
            reset -= time.time() if now is None else now
        pause = None
        if status == 429:
            retry_after = _number(lower.get("retry-after"))
            pause = max(retry_after if retry_after is not None else reset or 1.0, 0.0)
        return cls(
            limit=int(limit) if limit is not None and limit >= 1 else None,
            remaining=max(int(remaining), 0) if remaining is not None else None,
            pause=pause,
            resets_in=max(reset, 0.0) if reset is not None else None,
        )

    def merge(self, newer: Observation) -> Observation:
        """One observation worth both: the lowest remaining, the longest pause."""
        return Observation(
            limit=newer.limit if newer.limit is not None else self.limit,
            remaining=_least(self.remaining, newer.remaining),
            pause=max(self.pause or 0.0, newer.pause or 0.0) or None,
            resets_in=newer.resets_in if newer.resets_in is not None else self.resets_in,
        )


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _least(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return b if a is None else a
    return min(a, b)
