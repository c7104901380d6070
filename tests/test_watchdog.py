"""`Watchdog` as a unit, on a `VirtualClock`: one timer for every attempt, the read timeout
counted from the connection, and `release` telling a timeout from an answer in time."""

from __future__ import annotations

import asyncio
import math

import pytest

from piggy_async import VirtualClock
from piggy_async._transport.watchdog import Watchdog


class CountingClock(VirtualClock):
    """Counts the deadline waits started: each is the watchdog's one timer being set."""

    def __init__(self) -> None:
        super().__init__()
        self.timers: list[float] = []

    async def _reached(self, wake: float) -> None:
        self.timers.append(wake - self.now())
        await super()._reached(wake)


@pytest.fixture
def clock() -> CountingClock:
    return CountingClock()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def hang(watchdog: Watchdog, deadline: float, reading: float) -> str | None:
    """An attempt that never gets an answer: the phase in which its time ran out."""
    task = asyncio.current_task()
    assert task is not None
    watchdog.watch(task, deadline, reading)
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        phase = watchdog.release(task)
        task.uncancel()
        return phase
    return "answered"


async def test_one_timer_serves_attempts_that_answer_in_time(clock: CountingClock) -> None:
    watchdog = Watchdog(clock)
    task = asyncio.current_task()
    assert task is not None
    for _ in range(100):
        watchdog.watch(task, clock.now() + 60, 30)
        assert watchdog.release(task) is None, "answered in time"
        clock.advance(0.01)
    await settle()
    assert len(clock.timers) == 1, "later deadlines need no timer of their own"
    watchdog.watch(task, clock.now() + 1, 30)
    await settle()
    assert clock.timers[1:] == [pytest.approx(1)], "a sooner deadline resets the one timer"
    watchdog.release(task)
    watchdog.close()
    assert repr(watchdog) == "Watchdog(0 attempts watched)"


async def test_the_deadline_ends_an_attempt_still_connecting(clock: CountingClock) -> None:
    watchdog = Watchdog(clock)
    attempt = asyncio.ensure_future(hang(watchdog, clock.now() + 5, 1))
    await settle()
    clock.advance(4.99)
    await settle()
    assert not attempt.done()
    clock.advance(0.01)
    assert await attempt == "connecting", "the read timeout starts only with the connection"


async def test_the_read_timeout_counts_from_the_connection(clock: CountingClock) -> None:
    watchdog = Watchdog(clock)
    attempt = asyncio.ensure_future(hang(watchdog, clock.now() + 60, 2))
    await settle()
    clock.advance(3)  # connecting took 3 s
    watchdog.connected(attempt)
    await settle()
    clock.advance(1.99)
    await settle()
    assert not attempt.done()
    clock.advance(0.01)
    assert await attempt == "reading"
    assert "0 attempts watched" in repr(watchdog)


async def test_the_deadline_wins_over_a_longer_read_timeout(clock: CountingClock) -> None:
    watchdog = Watchdog(clock)
    attempt = asyncio.ensure_future(hang(watchdog, clock.now() + 1, 30))
    await settle()
    watchdog.connected(attempt)
    clock.advance(1)
    assert await attempt == "reading"


async def test_connected_ignores_tasks_not_watched_or_already_cancelled(
    clock: CountingClock,
) -> None:
    watchdog = Watchdog(clock)
    task = asyncio.current_task()
    assert task is not None
    watchdog.connected(task)
    assert "0 attempts watched" in repr(watchdog)
    attempt = asyncio.ensure_future(hang(watchdog, clock.now() + 1, 30))
    await settle()
    clock.advance(1)
    await settle()
    watchdog.connected(attempt)  # too late: it stays a timeout while connecting
    assert await attempt == "connecting"


async def test_overdue_attempts_go_and_the_timer_is_set_for_the_next(
    clock: CountingClock,
) -> None:
    watchdog = Watchdog(clock)
    first = asyncio.ensure_future(hang(watchdog, clock.now() + 1, math.inf))
    second = asyncio.ensure_future(hang(watchdog, clock.now() + 3, math.inf))
    await settle()
    assert "2 attempts watched, next check in 1.0 s" in repr(watchdog)
    clock.advance(1)
    assert await first == "connecting"
    await settle()
    assert not second.done()
    assert "1 attempts watched, next check in 2.0 s" in repr(watchdog)
    clock.advance(2)
    assert await second == "connecting"
