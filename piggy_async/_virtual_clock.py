"""`VirtualClock`: the one fake clock, for tests of the client and of `FakePiggy` alike."""

from __future__ import annotations

import asyncio
import heapq
import itertools

from ._clock import is_deadline_wait

_WALL_START = 1_700_000_000.0
"""Where a `VirtualClock`'s wall time starts by default: November 2023."""


class VirtualClock:
    """Time that moves only when something sleeps or a test calls `advance`.

    `sleep(s)` returns at once (after letting other tasks run) with the clock at least `s`
    later than when it was called: concurrent sleepers share one timeline, so the order and
    spacing of their wake-ups is what real sleeping would give, without the wait. `sleeps`
    records every such wait.

    Waits for a deadline (the transport's bound on an attempt) do not move time: they end
    when time reaches them, through `advance` or another sleeper, so a test decides when a
    hanging server's attempt runs out of time:

        clock = VirtualClock()
        async with FakePiggy(clock=clock) as server, OAuthClient(..., clock=clock) as piggy:
            ...
            clock.advance(60)  # a rate-limit window, a token's lifetime, a deadline passes

    `now()` (monotonic) starts at `start`, `wall()` (the epoch) at `wall_start`; both move
    together.
    """

    def __init__(self, start: float = 1000.0, *, wall_start: float = _WALL_START) -> None:
        self._now = start
        self._wall_offset = wall_start - start
        self.sleeps: list[float] = []
        self._deadlines: list[tuple[float, int, asyncio.Future[None]]] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driving = False

    def now(self) -> float:
        return self._now

    def wall(self) -> float:
        return self._now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        wake = self._now + max(seconds, 0.0)
        if is_deadline_wait():
            await self._reached(wake)
            return
        self.sleeps.append(seconds)
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        if not self._driving:
            self._driving = True
            asyncio.get_running_loop().call_soon(self._wake_next)
        await future

    def advance(self, seconds: float) -> None:
        """Move time `seconds` forward, ending the deadline waits it passes."""
        if not seconds >= 0:
            raise ValueError(f"time only moves forward, got {seconds!r} seconds")
        self._move_to(self._now + seconds)

    async def _reached(self, wake: float) -> None:
        if wake <= self._now:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._deadlines, (wake, next(self._order), future))
        await future  # a cancelled waiter's entry is dropped when time passes it

    def _wake_next(self) -> None:
        """Wake the sleeper due first, once the tasks that were ready have had their turn
        (and so could start sleeps of their own); then the next, one per loop turn."""
        while self._sleepers:
            wake, _, future = heapq.heappop(self._sleepers)
            if not future.done():  # not cancelled
                self._move_to(max(self._now, wake))
                future.set_result(None)
                break
        if self._sleepers:
            asyncio.get_running_loop().call_soon(self._wake_next)
        else:
            self._driving = False

    def _move_to(self, when: float) -> None:
        self._now = when
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= when:
            future = heapq.heappop(deadlines)[2]
            if not future.done():
                future.set_result(None)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.3f})"
