"""`Watchdog`: the time limit of every attempt in flight, kept with one timer.

Every attempt needs a limit, but arming a timer for each (aiohttp's `timeout=`, or
`asyncio.timeout`) costs about as much as all the rest of the SDK's work on a request: each
makes a timer handle, pushes it on the event loop's heap, and cancels it again when the
answer comes, which is nearly always. The watchdog instead notes each attempt's deadline in a
dict and keeps one timer, for the earliest deadline it knows:

- A new attempt whose deadline is later than the timer's (the steady state: the same limit,
  counted from later) costs a dict entry and nothing else.
- When the timer fires, attempts that finished since are long gone from the dict; those
  overdue are cancelled, and the timer is set again for the earliest deadline left. With
  answers arriving well within their limits, that is about one wake-up per limit's length,
  whatever the request rate.
- A cancelled attempt's task gets `CancelledError` at the await it is suspended in, always
  inside the attempt (the task is watched only while it is in there); the attempt turns it
  into a timeout with `release()`, the way `asyncio.timeout` does, and a cancellation from
  anyone else stays a cancellation.

An attempt has two limits: until it has a connection, only the call's deadline (aiohttp
bounds the wait for a pooled connection and the opening of a new one); from then on, its
read timeout too, counted from the moment the pool's connector reports the connection
(`connected`). The timer sleeps on the client's `Clock`, so a test's `VirtualClock` decides
when a deadline passes.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any, Literal

from .._clock import Clock, sleep_until_deadline

Phase = Literal["connecting", "reading"]
"""Where an attempt was when its time ran out: getting a connection, or after it."""


class Watchdog:
    """Cancels the tasks whose attempt outlives its deadline, on one event loop."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._deadlines: dict[asyncio.Task[Any], float] = {}
        self._reading: dict[asyncio.Task[Any], float] = {}
        """Attempts still getting a connection: the seconds they may read once they have it."""
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = math.inf

    def watch(self, task: asyncio.Task[Any], deadline: float, reading: float) -> None:
        """Cancel `task` if it is still watched at `deadline` (clock time), or `reading`
        seconds after it has its connection, whichever comes first."""
        self._reading[task] = reading
        self._deadlines[task] = deadline
        if deadline < self._timer_at:  # sooner than anything watched: wake up for it
            self._arm(deadline)

    def now(self) -> float:
        """The time on the clock the deadlines are kept on."""
        return self._clock.now()

    def connected(self, task: asyncio.Task[Any]) -> None:
        """`task` has its connection: from now on its read timeout counts."""
        deadline = self._deadlines.get(task)
        if deadline is None:
            return  # not an attempt's, or cancelled already (still "connecting" then)
        reading = self._reading.pop(task, math.inf)
        by = self._clock.now() + reading
        if by < deadline:
            self._deadlines[task] = by
            if by < self._timer_at:
                self._arm(by)

    def release(self, task: asyncio.Task[Any]) -> Phase | None:
        """Stop watching `task`; None if it finished in time, else the phase in which its
        time ran out and the watchdog cancelled it."""
        connecting = self._reading.pop(task, None) is not None
        if self._deadlines.pop(task, None) is not None:
            return None
        return "connecting" if connecting else "reading"

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = None, math.inf

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = when
        self._timer = asyncio.get_running_loop().create_task(self._wake_at(when))

    async def _wake_at(self, when: float) -> None:
        await sleep_until_deadline(self._clock, when)
        self._timer, self._timer_at = None, math.inf
        now = self._clock.now()
        overdue = [task for task, deadline in self._deadlines.items() if deadline <= now]
        for task in overdue:
            del self._deadlines[task]
            task.cancel("the attempt ran out of time")
        if self._deadlines:
            self._arm(min(self._deadlines.values()))

    def __repr__(self) -> str:
        wake = ""
        if self._timer is not None:
            wake = f", next check in {self._timer_at - self._clock.now():.1f} s"
        return f"Watchdog({len(self._deadlines)} attempts watched{wake})"
