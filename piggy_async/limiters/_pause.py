"""`Pause`: the stop every limiter makes after a 429, ended with spread-out wake-ups.

A 429 means the key's budget is spent until the window resets, for every request of the
client, not only the one that got it: the pause holds them all. When it ends, each waiter
wakes at its own random moment within a short spread, so the first requests of the new
window do not arrive in one instant.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .. import _defaults


class Pause:
    """Until when requests on one budget must wait after a 429."""

    __slots__ = ("_random", "until")

    def __init__(self, rng: Callable[[], float] = random.random) -> None:
        self.until = 0.0
        self._random = rng

    def start(self, now: float, seconds: float) -> None:
        self.until = max(self.until, now + seconds)

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
