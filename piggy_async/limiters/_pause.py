"""`Pause`: the stop every limiter makes after a 429, ended with spread-out wake-ups.

A 429 means the key's budget is spent until the window resets, for every request of the
client, not only the one that got it: the pause holds them all. When it ends, each waiter
wakes at its own random moment within a short spread, so the first requests of the new
window do not arrive in one instant. A waiter sleeping through a pause wakes early when
told (`Alarm`), so a later, shorter `Retry-After` ends its wait.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from .. import _defaults
from .._clock import Clock


class Pause:
    """Until when requests on one budget must wait after a 429."""

    __slots__ = ("_random", "until")

    def __init__(self, rng: Callable[[], float] = random.random) -> None:
        self.until = 0.0
        self._random = rng

    def start(self, now: float, seconds: float) -> None:
        self.until = max(self.until, now + seconds)

    def renew(self, now: float, seconds: float) -> None:
        """The API's latest `Retry-After`: the pause ends `seconds` after `now`, earlier or
        later than it would have."""
        self.until = now + seconds

    def remaining(self, now: float) -> float:
        return max(self.until - now, 0.0)

    def wake_delay(self, now: float) -> float:
        """How long a waiter arriving at `now` sleeps: to the end of the pause, plus its own
        share of the spread (0 when there is no pause)."""
        left = self.until - now
        if left <= 0:
            return 0.0
        spread = max(left * _defaults.PAUSE_SPREAD, _defaults.PAUSE_SPREAD_MIN)
        return left + spread * self._random()


class Alarm:
    """Ends at once the sleeps taken through it when rung: a waiter told of a shorter pause,
    or of a new window, wakes to count again."""

    __slots__ = ("_sleeping",)

    def __init__(self) -> None:
        self._sleeping: set[asyncio.Future[None]] = set()

    def ring(self) -> None:
        for sleeper in self._sleeping:
            sleeper.cancel()  # at once: a fake clock skips it from now on

    async def sleep(self, clock: Clock, seconds: float) -> None:
        """Sleep `seconds` of `clock`'s time, or until rung."""
        sleeper = asyncio.ensure_future(clock.sleep(seconds))
        self._sleeping.add(sleeper)
        try:
            await sleeper
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise  # the sleeper itself was cancelled, not woken
        finally:
            self._sleeping.discard(sleeper)
