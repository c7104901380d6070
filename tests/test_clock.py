"""The one `Clock`: the system's, and `VirtualClock`, the fake that the client and
`FakePiggy` share; the names it replaced still work, with a warning."""

from __future__ import annotations

import asyncio
import time

import pytest

from piggy_async import ClientCredentialsAuth, Clock, SystemClock, VirtualClock
from piggy_async._clock import sleep_until_deadline, wait_for_event
from piggy_async.testing import FakePiggy


def test_the_system_clock_reads_real_time() -> None:
    clock = SystemClock()
    assert isinstance(clock, Clock)
    assert abs(clock.now() - time.monotonic()) < 1
    assert abs(clock.wall() - time.time()) < 1
    assert repr(clock) == "SystemClock()"


async def test_the_system_clock_sleeps() -> None:
    before = time.monotonic()
    await SystemClock().sleep(0.01)
    assert time.monotonic() - before >= 0.009


async def test_virtual_sleeps_move_time_in_wake_up_order() -> None:
    clock = VirtualClock(start=10.0, wall_start=5000.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    await asyncio.gather(sleeper("late", 3.0), sleeper("early", 1.0))
    assert woke == [("early", 11.0), ("late", 13.0)]
    assert clock.sleeps == [3.0, 1.0]
    assert clock.wall() == 5003.0, "wall time moves with it"
    await clock.sleep(-1.0)
    assert clock.now() == 13.0, "a negative sleep is no sleep"
    assert repr(clock) == "VirtualClock(now=13.000)"


async def test_a_deadline_wait_ends_only_when_time_reaches_it() -> None:
    clock = VirtualClock()
    waiting = asyncio.ensure_future(sleep_until_deadline(clock, clock.now() + 5))
    await asyncio.sleep(0)
    clock.advance(4.9)
    await asyncio.sleep(0)
    assert not waiting.done(), "a deadline does not pull time forward"
    await clock.sleep(0.1)  # another sleeper moves time to it
    await waiting
    assert clock.sleeps == [0.1], "deadline waits are not recorded as sleeps"
    await sleep_until_deadline(clock, clock.now() - 1)  # already passed: returns


async def test_a_cancelled_deadline_wait_leaves_nothing_behind() -> None:
    clock = VirtualClock()
    waiting = asyncio.ensure_future(sleep_until_deadline(clock, clock.now() + 5))
    await asyncio.sleep(0)
    waiting.cancel()
    clock.advance(10)
    with pytest.raises(asyncio.CancelledError):
        await waiting


def test_time_only_moves_forward() -> None:
    clock = VirtualClock()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(float("nan"))
    assert clock.wall() == 1_700_000_000.0


async def test_waiting_for_an_event_is_bounded_on_the_clock() -> None:
    clock = VirtualClock()
    event = asyncio.Event()
    waiting = asyncio.ensure_future(wait_for_event(clock, event, 2.0))
    await asyncio.sleep(0)
    clock.advance(2.0)
    assert await waiting is False
    event.set()
    assert await wait_for_event(clock, event, 2.0) is True
    assert await wait_for_event(clock, event, None) is True


async def test_fake_piggy_and_the_client_share_one_clock() -> None:
    clock = VirtualClock()
    async with FakePiggy(clock=clock) as server:
        contact = server.state.add_contact("a@example.com", channel="api")
        assert contact.created_at.timestamp() == clock.wall() // 1


def test_the_replaced_names_still_work_with_a_warning() -> None:
    from piggy_async import testing

    with pytest.warns(DeprecationWarning, match="VirtualClock"):
        manual = testing.ManualClock(1_600_000_000.0)
    assert manual() == 1_600_000_000.0
    manual.advance(5)
    assert manual() == manual.wall() == 1_600_000_005.0
    with pytest.warns(DeprecationWarning, match=r"piggy_async\.Clock"):
        assert testing.Clock is Clock
    with pytest.raises(AttributeError):
        testing.NoSuchThing  # noqa: B018


async def test_a_plain_function_as_a_clock_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="Clock"):
        FakePiggy(clock=lambda: 1_600_000_000.0)
    with pytest.warns(DeprecationWarning, match="Clock"):
        auth = ClientCredentialsAuth("cid", "secret", clock=lambda: 5.0)
    assert auth.current() is None
