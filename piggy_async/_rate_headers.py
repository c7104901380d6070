"""Reading the API's rate-limit headers.

The API is Laravel-throttled: every response carries `X-RateLimit-Limit` and
`X-RateLimit-Remaining`; a 429 adds `Retry-After` (seconds, or an HTTP date as RFC 9110
allows) and sometimes `X-RateLimit-Reset` (a Unix time, or seconds from now). Values that are
not finite non-negative numbers are read as "wait forever", so a caller never sleeps on them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

_EPOCH_THRESHOLD = 1_000_000_000
"""A reset value above this is a Unix time (2001 onwards), below it a number of seconds."""


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number


def retry_after(
    headers: Mapping[str, str], wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds the server asked to wait, from `Retry-After` or `X-RateLimit-Reset`; None if
    it said nothing, `math.inf` if what it said is not a usable wait. `wall_clock` gives
    the seconds since the epoch that dates are counted from (the client's `Clock.wall`)."""
    value = headers.get("Retry-After")
    if value is not None:
        value = value.strip()
        seconds = _number(value)
        if seconds is None:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - wall_clock()
            except (TypeError, ValueError, IndexError, OverflowError):
                return math.inf
        return _usable(seconds)
    return reset_in(headers, wall_clock)


def reset_in(
    headers: Mapping[str, str], wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds until the budget renews, from `X-RateLimit-Reset` (seconds, or a Unix time);
    None if absent, `math.inf` if unusable."""
    reset = headers.get("X-RateLimit-Reset")
    if reset is None:
        return None
    seconds = _number(reset.strip())
    if seconds is None:
        return math.inf
    if seconds > _EPOCH_THRESHOLD:
        seconds -= wall_clock()
    return _usable(seconds)


def _usable(seconds: float) -> float:
    if math.isnan(seconds) or math.isinf(seconds):
        return math.inf
    return max(seconds, 0.0)


def budget(headers: Mapping[str, str]) -> tuple[int, int] | None:
    """`(limit, remaining)` from `X-RateLimit-Limit`/`-Remaining`, or None if absent or
    not whole numbers."""
    limit = headers.get("X-RateLimit-Limit")
    remaining = headers.get("X-RateLimit-Remaining")
    if limit is None or remaining is None:
        return None
    if not (limit.isdigit() and remaining.isdigit()):
        return None
    return int(limit), int(remaining)
