"""The two limiters that do not learn: `NoLimiter` and `FixedRateLimiter`."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping

from .. import _defaults
from .._clock import SYSTEM_CLOCK, Clock
from ._base import RateLimitState, WaitTooLong
from ._observation import Observation
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

    def try_acquire(self, key: str) -> bool:
        """Book the request if its slot has come (no wait); else False, booking nothing."""
        return self._book(key, 0.0, only_now=True) == 0.0

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        wait = self._book(key, max_wait, only_now=False)
        if wait > 0:
            await self._clock.sleep(wait)

    def _book(self, key: str, max_wait: float | None, *, only_now: bool) -> float:
        """Book the next slot of `key` and return the wait until it; `WaitTooLong` past
        `max_wait`, or (`only_now`) -1 without booking if there would be a wait."""
        # GCRA: each key has a theoretical arrival time (TAT) that every request pushes one
        # interval further; a request may go `burst - 1` intervals ahead of it.
        pause = self._pauses.get(key)
        now = self._clock.now()
        paused = pause.wake_delay(now) if pause else 0.0
        interval = 1.0 / self._rate
        tat = max(self._next_free.get(key, now), now + paused)
        wait = max(tat - (self._burst - 1) * interval - now, paused)
        if only_now and wait > 0:
            return -1.0
        if max_wait is not None and wait > max_wait:
            raise WaitTooLong(wait, rate_limited=paused > 0)
        self._next_free[key] = tat + interval
        return wait

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        if status == 429:
            seen = Observation.from_response(status, headers, self._clock.wall)
            pause = self._pauses.setdefault(key, Pause(self._random))
            pause.start(
                self._clock.now(), _defaults.BACKOFF_BASE if seen.pause is None else seen.pause
            )

    def state(self, key: str) -> RateLimitState:
        pause = self._pauses.get(key)
        return RateLimitState(paused_for=pause.remaining(self._clock.now()) if pause else 0.0)

    async def aclose(self) -> None:
        """Nothing to release: other clients may share it."""

    def __repr__(self) -> str:
        return f"FixedRateLimiter(rate={self._rate}/s, burst={self._burst})"
