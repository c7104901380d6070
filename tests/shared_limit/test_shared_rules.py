"""The shared budget's rules that need no Redis, on the fake clock: what a report held
through an outage tells Redis, and how a process pacing alone shares the budget."""

from __future__ import annotations

import asyncio

import pytest

from piggy_async import VirtualClock
from piggy_async.limiters import RedisLimiter, WaitTooLong
from piggy_async.limiters._local_share import LocalShare
from piggy_async.limiters._observation import Observation
from piggy_async.limiters._redis_connection import own_options
from piggy_async.limiters._redis_report import Report, announced

KEY = "fingerprint-0f3a9c"
ANNOUNCED = {"announced": True}


def pause_sent(report: Report, wall: float) -> tuple[str, str]:
    """The pause's milliseconds as sent to Redis at `wall`, and whether the API named it."""
    args = report.args(wall)
    return args[3], args[6]


def test_a_pause_held_through_an_outage_is_sent_as_what_is_left_of_it() -> None:
    report = Report.of(3, Observation(600, 0, pause=30.0, **ANNOUNCED), 1000.0, resync=True)
    assert report.pause_until == 1030.0
    assert pause_sent(report, 1000.0) == ("30000", "1")
    assert pause_sent(report, 1025.5) == ("4500", "1")
    assert pause_sent(report, 1030.0) == ("", ""), "over: nothing to restart"


def test_the_latest_retry_after_stands_shorter_or_longer() -> None:
    long = Report.of(1, Observation(pause=30.0, **ANNOUNCED), 1000.0, resync=False)
    short = Report.of(1, Observation(pause=2.0, **ANNOUNCED), 1001.0, resync=False)
    backoff = Report.of(1, Observation(pause=0.5), 1002.0, resync=False)
    assert long.add(short).pause_until == 1003.0
    assert short.add(long).pause_until == 1030.0
    assert long.add(short).add(backoff).pause_until == 1003.0, "no Retry-After: the API's holds"
    assert backoff.add(Report.of(1, Observation(pause=0.5), 1000.0, resync=False)).pause_until == (
        1002.5
    )
    assert pause_sent(backoff, 1002.0) == ("500", ""), "a backoff teaches no window"


def test_reports_of_one_window_keep_the_least_left_and_of_an_outage_the_latest() -> None:
    def seen(remaining: int, *, resync: bool, opened: bool = False) -> Report:
        return Report.of(
            7, Observation(600, remaining, opened_window=opened), 1000.0, resync=resync
        )

    shared = seen(3, resync=False).add(seen(599, resync=False, opened=True))
    assert (shared.observation.remaining, shared.observation.opened_window) == (3, True)
    assert shared.args(1000.0)[:3] == ["7", "600", "3"]
    outage = seen(3, resync=True).add(seen(599, resync=True, opened=True))
    assert outage.observation.remaining == 599, "the API's window reset meanwhile"
    assert outage.args(1000.0) == ["-1", "600", "599", "", "", "", "", "1", ""]
    later = Report.of(9, Observation(600, 500), 1000.0, resync=False)
    assert seen(3, resync=False).add(later).args(1000.0)[:3] == ["9", "600", "500"]


def test_a_report_held_through_an_outage_says_how_long_ago_the_apis_window_opened() -> None:
    def seen(remaining: int, wall: float, age: float | None, *, resync: bool = True) -> Report:
        return Report.of(None, Observation(600, remaining), wall, resync=resync, window_age=age)

    held = seen(300, 1000.0, 1.25).add(seen(200, 1000.5, None))
    assert held.args(1001.0)[-2:] == ["1", "2250"], "opened at 998.75, sent at 1001"
    assert seen(100, 1000.0, 0.5).add(seen(590, 1001.0, 0.0)).args(1001.0)[-1] == "0"
    assert seen(300, 1000.0, 1.25, resync=False).args(1000.0)[-1] == "", "only after outages"


async def test_a_process_notes_when_the_api_opens_a_window() -> None:
    clock = VirtualClock()
    share = LocalShare(window=3.0, clock=clock, random=lambda: 0.0)
    assert share.window_age(KEY) is None
    for remaining in (400, 380, 384, 5):
        clock.advance(0.5)
        share.observe(KEY, Observation(600, remaining))
    assert share.window_age(KEY) is None, "answers overtaking one another open no window"
    share.observe(KEY, Observation(600, 590))
    clock.advance(1.0)
    assert share.window_age(KEY) == pytest.approx(1.0), "far more left: a new window"
    share.observe(KEY, Observation(600, 599, opened_window=True))
    assert share.window_age(KEY) == 0.0


async def test_a_process_that_never_heard_how_many_share_paces_at_a_quarter() -> None:
    clock = VirtualClock()
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    await share.acquire(KEY, None)  # the one that learns the limit
    share.observe(KEY, Observation(limit=120, remaining=119))
    for _ in range(3):
        await share.acquire(KEY, None)
    assert clock.sleeps == [pytest.approx(60 * 4 / 114)] * 2, "120 a minute, 4 assumed, less 5%"
    with pytest.raises(WaitTooLong) as refused:
        await share.acquire(KEY, 0.5)
    assert "1/4 of 120 per 60 s shared by 4 (assumed) processes" in refused.value.reason
    assert "one request every 2.11 s" in refused.value.reason
    assert refused.value.max_wait == 0.5


async def test_alone_a_process_paces_at_its_share_of_the_learned_window() -> None:
    clock = VirtualClock()
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    share.share(KEY, limit=600, members=2, pause=0.0, window=3.0)
    for _ in range(3):
        await share.acquire(KEY, None)
    assert clock.sleeps == [pytest.approx(3 * 2 / 570)] * 2, "600 per 3 s for 2, less 5%"


async def test_a_shorter_retry_after_ends_a_local_pause_early() -> None:
    clock = VirtualClock()
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    share.share(KEY, limit=600, members=1, pause=0.0, window=3.0)
    share.observe(KEY, Observation(600, 0, pause=30.0, **ANNOUNCED))
    started = clock.now()

    async def answer_later() -> None:
        await clock.sleep(1.0)
        share.observe(KEY, Observation(600, 0, pause=2.0, **ANNOUNCED))

    await asyncio.gather(share.acquire(KEY, None), answer_later())
    assert clock.now() - started == pytest.approx(3.0), "1 s, then the 2 s it said"
    assert share.state(KEY).paused_for == 0.0


async def test_a_429_during_a_turn_already_waited_for_holds_it() -> None:
    clock = VirtualClock()
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    share.share(KEY, limit=60, members=1, pause=0.0, window=60.0)
    await share.acquire(KEY, None)
    started = clock.now()

    async def answered_429() -> None:
        await clock.sleep(0.5)  # while the next waits its turn, one second after the first
        share.observe(KEY, Observation(60, 0, pause=10.0, **ANNOUNCED))

    await asyncio.gather(share.acquire(KEY, None), answered_429())
    assert clock.now() - started == pytest.approx(10.5)


@pytest.mark.parametrize(
    ("url", "left", "window", "timeout"),
    [
        ("redis://h:6379/0", "redis://h:6379/0", 60.0, 0.25),
        ("redis://h:6379/0?window=3", "redis://h:6379/0", 3.0, 0.25),
        ("redis://h/0?timeout=2&window=3", "redis://h/0", 3.0, 2.0),
        (
            "redis://:pw@h/0?password=pw&window=2.5&db=1",
            "redis://:pw@h/0?password=pw&db=1",
            2.5,
            0.25,
        ),
    ],
)
def test_the_limiters_own_options_are_taken_out_of_the_redis_url(
    url: str, left: str, window: float, timeout: float
) -> None:
    assert own_options(url, {}) == (left, {"window": window, "timeout": timeout})


async def test_the_limiter_takes_its_options_from_the_url() -> None:
    limiter = RedisLimiter("redis://h:6379/0?timeout=2&window=3")
    assert (limiter._timeout, limiter._local._window) == (2.0, 3.0)
    await limiter.aclose()


def test_an_argument_and_the_url_must_agree() -> None:
    url = "redis://h:6379/0?timeout=1"
    assert own_options(url, {"timeout": 1.0, "window": 5.0})[1] == {"window": 5.0, "timeout": 1.0}
    with pytest.raises(ValueError, match=r"timeout=2 and the URL's timeout=1 disagree"):
        own_options(url, {"timeout": 2.0})


@pytest.mark.parametrize("name", ["window", "timeout"])
@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf", "a", "", "1&{name}=2"])
def test_an_option_in_the_url_that_is_not_a_positive_number_is_refused(
    name: str, value: str
) -> None:
    with pytest.raises(ValueError, match=f"{name}="):
        own_options(f"redis://h:6379/0?{name}={value.format(name=name)}", {})


def test_only_a_429_with_a_usable_retry_after_says_when_the_window_ends() -> None:
    def wall() -> float:
        return 1_700_000_000.0

    assert announced(429, {"Retry-After": "3"}, wall)
    assert announced(429, {"X-RateLimit-Reset": "3"}, wall)
    assert not announced(429, {}, wall), "the client's own backoff teaches nothing"
    assert not announced(429, {"Retry-After": "nan"}, wall)
    assert not announced(200, {"Retry-After": "3"}, wall)
