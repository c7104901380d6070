"""Per-key rate limiting in fixed windows, reported the way the API reports it.

Every API response carries `X-RateLimit-Limit` and `X-RateLimit-Remaining` (recorded
production responses show a budget of 5000); a request over budget is answered 429 with
`Retry-After`, the whole seconds until its key's window resets, as Laravel's throttle does.
"""

from __future__ import annotations

import math

import attrs

from ._clock import Clock


@attrs.frozen
class RateLimit:
    """The budget: `limit` requests per key in each window of `window` seconds.

    The default is production's: 5000 (the recorded `X-RateLimit-Limit`) per minute (the
    window is undocumented; a minute is Laravel's). Benchmarks that send more than that
    must raise it, e.g. `RateLimit(limit=10**9)`, as production would refuse them too.
    """

    limit: int = attrs.field(default=5000, validator=attrs.validators.ge(1))
    window: float = attrs.field(default=60.0, validator=attrs.validators.gt(0))


@attrs.frozen
class Quota:
    """Where one request leaves its key's budget."""

    limit: int
    remaining: int
    retry_after: int | None = None
    """Seconds until the window resets; set only when the request is over budget."""

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
        }
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@attrs.define
class _Window:
    resets_at: float
    used: int = 0


class RateLimiter:
    """Counts requests per key; a window opens with a key's first request after the last
    one closed. Keys are API keys and peer addresses, so the table stays small."""

    def __init__(self, config: RateLimit, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._windows: dict[str, _Window] = {}

    def take(self, key: str) -> Quota:
        """Count one request against `key`; one over budget is refused and not counted."""
        now = self._clock()
        window = self._windows.get(key)
        if window is None or now >= window.resets_at:
            window = self._windows[key] = _Window(now + self._config.window)
        limit = self._config.limit
        if window.used >= limit:
            return Quota(limit, 0, retry_after=max(1, math.ceil(window.resets_at - now)))
        window.used += 1
        return Quota(limit, limit - window.used)
