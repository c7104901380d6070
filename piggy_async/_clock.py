"""`Clock`: the SDK's one source of time.

Everything that reads the time or waits asks the client's clock: the transport (deadlines,
backoff, `Retry-After`), credentials (token expiry), the limiters (pacing, pauses), the
watchdog that bounds each attempt, and `FakePiggy` (rate-limit windows, `created_at`). A
test passes one `VirtualClock` to all of them and no wait is real.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from typing import Protocol, runtime_checkable

_DEADLINE_WAIT: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "piggy_async_deadline_wait", default=False
)


@runtime_checkable
class Clock(Protocol):
    """Monotonic time and wall time in seconds, and a way to wait.

    `sleep` is also how the transport waits for an attempt's deadline: a fake clock that
    moves time forward for whoever sleeps must not do so for that wait (a deadline passes
    when time has moved for other reasons), and tells it by `is_deadline_wait()`.
    """

    def now(self) -> float:
        """Monotonic seconds: what intervals and deadlines are measured in."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch, like `time.time`: for HTTP dates and Unix times."""
        ...

    async def sleep(self, seconds: float) -> None: ...


def is_deadline_wait() -> bool:
    """Whether the current `Clock.sleep` waits for a deadline rather than spending time."""
    return _DEADLINE_WAIT.get()


async def sleep_until_deadline(clock: Clock, deadline: float) -> None:
    """Sleep until `clock.now()` reaches `deadline`, marked as a wait for a deadline (see
    `Clock`). Run it as a task of its own: the mark stays in that task."""
    _DEADLINE_WAIT.set(True)  # in this task's own context only
    await clock.sleep(deadline - clock.now())


class SystemClock:
    """Real time: `time.monotonic`, `time.time` and `asyncio.sleep`."""

    __slots__ = ()

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK = SystemClock()


async def wait_for_event(clock: Clock, event: asyncio.Event, seconds: float | None) -> bool:
    """Wait for `event`, at most `seconds` of `clock`'s time (None: no limit); False if
    that time passed first."""
    if seconds is None:
        await event.wait()
        return True
    timer = asyncio.ensure_future(sleep_until_deadline(clock, clock.now() + seconds))
    waiter = asyncio.ensure_future(event.wait())
    try:
        done, _ = await asyncio.wait((timer, waiter), return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        waiter.cancel()
    return waiter in done
