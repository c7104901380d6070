"""Reading the API's rate-limit headers.

The API is Laravel-throttled: every response carries `X-RateLimit-Limit` and
`X-RateLimit-Remaining`; a 429 adds `Retry-After` (seconds, or an HTTP date as RFC 9110
allows) and sometimes `X-RateLimit-Reset` (a Unix time, or seconds from now). A wait is
read only when it is a plausible number of seconds: finite, not negative, and at most
`_defaults.MAX_RETRY_AFTER`; anything else (`inf`, `nan`, `-1`, `1e9`, a date years away,
garbage) reads as no wait at all, so nobody sleeps on it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

from ._defaults import MAX_RETRY_AFTER

_EPOCH_THRESHOLD = 1_000_000_000
"""A reset value above this is a Unix time (2001 onwards), below it a number of seconds."""


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def retry_after(
    headers: Mapping[str, str], wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds the server asked to wait, from `Retry-After` or else `X-RateLimit-Reset`;
    None if neither says a plausible number of seconds. `wall_clock` gives the seconds
    since the epoch that dates are counted from (the client's `Clock.wall`)."""
    value = headers.get("Retry-After")
    if value is not None:
        seconds = _retry_after_seconds(value.strip(), wall_clock)
        if seconds is not None:
            return seconds
    return reset_in(headers, wall_clock)


def _retry_after_seconds(value: str, wall_clock: Callable[[], float]) -> float | None:
    """A `Retry-After` value (seconds, or an HTTP date: a past one is now) as a wait."""
    seconds = _number(value)
    if seconds is not None:
        return _plausible(seconds)
    try:
        seconds = parsedate_to_datetime(value).timestamp() - wall_clock()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _plausible(max(seconds, 0.0))


def reset_in(
    headers: Mapping[str, str], wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds until the budget renews, from `X-RateLimit-Reset` (seconds, or a Unix time:
    a past one is now); None if absent or not a plausible wait."""
    reset = headers.get("X-RateLimit-Reset")
    seconds = None if reset is None else _number(reset.strip())
    if seconds is None:
        return None
    if seconds > _EPOCH_THRESHOLD:
        seconds = max(seconds - wall_clock(), 0.0)
    return _plausible(seconds)


def _plausible(seconds: float) -> float | None:
    """`seconds` if it is a wait worth sitting out (finite, 0 to `MAX_RETRY_AFTER`)."""
    if math.isfinite(seconds) and 0.0 <= seconds <= MAX_RETRY_AFTER:
        return seconds
    return None


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
