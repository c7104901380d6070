"""The two limiters that do not learn: `NoLimiter` and `FixedRateLimiter`."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping

from .._transport import headers as rate_headers
from .._transport.clock import SYSTEM_CLOCK, Clock
from ._base import RateLimitState, WaitTooLong
from ._pause import Pause


class NoLimiter:
    """Sends every request at once and learns nothing: for a budget managed elsewhere."""

    def try_acquire(self, key: str) -> bool:
        return True

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        return None

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        return None

    def state(self, key: str) -> RateLimitState:
        return RateLimitState()

    async def aclose(self) -> None:
        return None

    def __repr__(self) -> str:
        return "NoLimiter()"


class FixedRateLimiter:
    """At most `rate` requests per second per key, in bursts of up to `burst`: a token
    bucket, refilled continuously. A 429 still pauses the key until its `Retry-After`.

    Each request books the next free slot when it arrives and sleeps exactly until then,
    so waiters go in arrival order without polling.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = random.random,
    ) -> None:
        if not (rate > 0 and math.isfinite(rate)) or burst < 1:
            raise ValueError("rate must be a positive number and burst at least 1")
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._random = random
        self._next_free: dict[str, float] = {}
        """Per key: the theoretical arrival time of the next request."""
        self._pauses: dict[str, Pause] = {}

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        # GCRA: each key has a theoretical arrival time (TAT) that every request pushes one
        # interval further; a request may go `burst - 1` intervals ahead of it.
        pause = self._pauses.get(key)
        now = self._clock.now()
        paused = pause.wake_delay(now) if pause else 0.0
        interval = 1.0 / self._rate
        tat = max(self._next_free.get(key, now), now + paused)
        wait = max(tat - (self._burst - 1) * interval - now, paused)
        if max_wait is not None and wait > max_wait:
            raise WaitTooLong(wait, rate_limited=paused > 0)
        self._next_free[key] = tat + interval
        if wait > 0:
            await self._clock.sleep(wait)

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        if status == 429:
            wait = rate_headers.retry_after(headers)
            pause = self._pauses.setdefault(key, Pause(self._random))
            pause.start(self._clock.now(), 1.0 if wait is None or math.isinf(wait) else wait)

    def state(self, key: str) -> RateLimitState:
        pause = self._pauses.get(key)
        return RateLimitState(paused_for=pause.remaining(self._clock.now()) if pause else 0.0)

    async def aclose(self) -> None:
        """Nothing to release: other clients may share it."""

    def __repr__(self) -> str:
        return f"FixedRateLimiter(rate={self._rate}/s, burst={self._burst})"
