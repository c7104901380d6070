"""`Clock` and `ManualClock`: the fake's single notion of time.

Rate-limit windows, token expiry and `created_at` stamps all read one injectable clock
(seconds since the epoch), so a test moves time with `clock.advance(...)` instead of
sleeping.
"""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]
"""Returns the current time in seconds since the epoch, like `time.time`."""


class ManualClock:
    """A clock that only moves when told to.

        clock = ManualClock()
        async with FakePiggy(clock=clock, rate_limit=RateLimit(limit=1)) as server:
            ...                   # spend the budget
            clock.advance(60)     # the window resets, no sleep needed

    It starts at `start` (November 2023 by default), in seconds since the epoch.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.now += seconds

    def __repr__(self) -> str:
        return f"ManualClock(now={self.now})"
