"""`Clock`: the transport's and the limiters' one source of time.

Everything that waits (backoff, `Retry-After`, the limiter's pacing) asks the clock, so a
test passes a `VirtualClock` and runs every wait instantly and deterministically.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic time in seconds, and a way to wait."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real time: `time.monotonic` and `asyncio.sleep`."""

    __slots__ = ()

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class VirtualClock:
    """Time that moves only when something sleeps: `sleep(s)` returns at once (after letting
    other tasks run) with the clock at least `s` later than when it was called.

    Concurrent sleepers share one timeline, so the order and spacing of their wake-ups is
    what real sleeping would give, without the wait. `sleeps` records every requested wait.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self._now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self._now = max(self._now, wake)

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.3f})"


SYSTEM_CLOCK = SystemClock()
