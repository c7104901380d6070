"""`Watchdog`: the time limit of every attempt in flight, kept with one timer.

Every attempt needs a limit, but arming a timer for each (aiohttp's `timeout=`, or
`asyncio.timeout`) costs about as much as all the rest of the SDK's work on a request: each
makes a timer handle, pushes it on the event loop's heap, and cancels it again when the
answer comes, which is nearly always. The watchdog instead notes each attempt's deadline in a
dict and arms one timer, for the earliest deadline it knows:

- A new attempt whose deadline is later than the armed one (the steady state: the same
  limit, counted from later) costs a dict entry and nothing else.
- When the timer fires, attempts that finished since are long gone from the dict; those
  overdue are cancelled, and the timer is armed again for the earliest deadline left. With
  answers arriving well within their limits, that is about one wake-up per limit's length,
  whatever the request rate.
- A cancelled attempt's task gets `CancelledError` at the await it is suspended in, always
  inside the attempt (the task is watched only while it is in there); the attempt turns it
  into a timeout with `release()`, the way `asyncio.timeout` does, and a cancellation from
  anyone else stays a cancellation.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any


class Watchdog:
    """Cancels the tasks whose attempt outlives its deadline, on one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._deadlines: dict[asyncio.Task[Any], float] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf

    def watch(self, task: asyncio.Task[Any], seconds: float) -> None:
        """Cancel `task` if it is still watched `seconds` from now."""
        deadline = self._loop.time() + seconds
        self._deadlines[task] = deadline
        if deadline < self._timer_at:  # sooner than anything watched: wake up for it
            self._arm(deadline)

    def release(self, task: asyncio.Task[Any]) -> bool:
        """Stop watching `task`; True if its time ran out and the watchdog cancelled it."""
        return self._deadlines.pop(task, None) is None  # gone: the watchdog took it out

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = None, math.inf

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = self._loop.call_at(when, self._fire), when

    def _fire(self) -> None:
        self._timer, self._timer_at = None, math.inf
        now = self._loop.time()
        overdue = [task for task, deadline in self._deadlines.items() if deadline <= now]
        for task in overdue:
            del self._deadlines[task]
            task.cancel("the attempt ran out of time")
        if self._deadlines:
            self._arm(min(self._deadlines.values()))

    def __repr__(self) -> str:
        wake = ""
        if self._timer is not None:
            wake = f", next check in {self._timer_at - self._loop.time():.1f} s"
        return f"Watchdog({len(self._deadlines)} attempts watched{wake})"
