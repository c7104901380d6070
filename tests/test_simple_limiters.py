"""`NoLimiter`, `FixedRateLimiter`, `Observation`, `Pause` and `LocalShare` as units, on a
`VirtualClock`."""

from __future__ import annotations

import pytest

from piggy_async import VirtualClock
from piggy_async.limiters import FixedRateLimiter, Limiter, NoLimiter, RateLimitState, WaitTooLong
from piggy_async.limiters._local_share import LocalShare
from piggy_async.limiters._observation import Observation
from piggy_async.limiters._pause import Pause

KEY = "budget-key"
NOW = 1_700_000_000.0


def wall() -> float:
    return NOW


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


async def test_no_limiter_lets_everything_through_and_learns_nothing() -> None:
    limiter = NoLimiter()
    assert isinstance(limiter, Limiter)
    assert limiter.try_acquire(KEY)
    await limiter.acquire(KEY, max_wait=0)
    limiter.observe(KEY, 429, {"Retry-After": "60"})
    assert limiter.state(KEY) == RateLimitState()
    assert limiter.try_acquire(KEY), "a 429 does not pause it"
    await limiter.aclose()
    assert repr(limiter) == "NoLimiter()"


async def test_a_fixed_rate_spaces_requests_evenly(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(4, clock=clock)
    assert isinstance(limiter, Limiter)
    for _ in range(4):
        await limiter.acquire(KEY)
    assert clock.sleeps == [0.25, 0.25, 0.25]
    assert clock.now() == 1000.75
    assert repr(limiter) == "FixedRateLimiter(rate=4/s, burst=1)"


async def test_a_burst_goes_at_once_then_the_rate_holds(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(2, burst=3, clock=clock)
    for _ in range(5):
        await limiter.acquire(KEY)
    assert clock.sleeps == [0.5, 0.5]


async def test_keys_are_paced_apart(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(1, clock=clock)
    await limiter.acquire("a")
    await limiter.acquire("b")
    assert clock.sleeps == []


async def test_idle_time_is_not_saved_up_past_the_burst(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(1, burst=2, clock=clock)
    await limiter.acquire(KEY)
    clock.advance(100)
    for _ in range(3):
        await limiter.acquire(KEY)
    assert clock.sleeps == [1.0]


async def test_try_acquire_takes_a_free_slot_and_never_waits(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(2, clock=clock)
    assert limiter.try_acquire(KEY)
    assert not limiter.try_acquire(KEY), "the next slot is 0.5 s away"
    clock.advance(0.5)
    assert limiter.try_acquire(KEY), "a refused try booked nothing"
    await limiter.acquire(KEY)
    assert clock.sleeps == [0.5]


async def test_a_wait_past_max_wait_is_refused_and_books_nothing(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(1, clock=clock)
    await limiter.acquire(KEY)
    with pytest.raises(WaitTooLong) as caught:
        await limiter.acquire(KEY, max_wait=0.99)
    assert (caught.value.wait, caught.value.rate_limited) == (1.0, False)
    await limiter.acquire(KEY, max_wait=1.0)
    assert clock.sleeps == [1.0]


async def test_a_429_pauses_the_key_until_its_retry_after(clock: VirtualClock) -> None:
    limiter = FixedRateLimiter(100, clock=clock, random=lambda: 0.0)
    limiter.observe(KEY, 200, {"Retry-After": "9"})
    assert limiter.state(KEY) == RateLimitState(), "only a 429 pauses"
    limiter.observe(KEY, 429, {"Retry-After": "3"})
    assert limiter.state(KEY).paused_for == 3.0
    assert not limiter.try_acquire(KEY)
    with pytest.raises(WaitTooLong) as caught:
        await limiter.acquire(KEY, max_wait=2)
    assert caught.value.rate_limited
    await limiter.acquire(KEY)
    assert clock.sleeps == [3.0]
    limiter.observe("other", 429, {"Retry-After": "never"})
    assert limiter.state("other").paused_for == 0.5, "an unusable wait: the backoff base"
    await limiter.aclose()


@pytest.mark.parametrize("rate, burst", [(0, 1), (-1, 1), (float("inf"), 1), (1, 0)])
def test_a_fixed_rate_refuses_nonsense(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="rate"):
        FixedRateLimiter(rate, burst=burst)


def test_an_observation_reads_a_success() -> None:
    seen = Observation.from_response(
        200,
        {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59", "X-RateLimit-Reset": "20"},
        wall,
    )
    assert seen == Observation(60, 59, pause=None, resets_in=20.0, opened_window=True)
    later = Observation.from_response(
        200, {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "58"}, wall
    )
    assert not later.opened_window
    assert Observation.from_response(200, {}, wall) == Observation()
    unusable = Observation.from_response(200, {"X-RateLimit-Reset": "x"}, wall)
    assert unusable.resets_in is None


def test_an_observation_reads_a_429s_pause() -> None:
    dated = {"Retry-After": "Tue, 14 Nov 2023 22:13:40 GMT"}  # NOW + 20 s
    assert Observation.from_response(429, dated, wall).pause == 20.0
    assert Observation.from_response(429, {"Retry-After": "nan"}, wall).pause == 0.5
    assert Observation.from_response(429, {}, wall).pause == 0.5
    assert Observation.from_response(429, {"X-RateLimit-Reset": "20"}, wall).resets_in is None


def test_merged_observations_keep_the_least_left_and_the_longest_pause() -> None:
    old = Observation(60, 10, pause=2.0, resets_in=5.0, opened_window=True)
    new = Observation(None, 20, pause=None, resets_in=None)
    assert old.merge(new) == Observation(60, 10, pause=2.0, resets_in=5.0, opened_window=True)
    assert new.merge(old) == Observation(60, 10, pause=2.0, resets_in=5.0, opened_window=True)
    assert Observation().merge(Observation()) == Observation()
    assert Observation(remaining=3).merge(Observation()).remaining == 3


def test_a_pause_only_grows_and_spreads_its_wake_ups() -> None:
    pause = Pause(lambda: 1.0)
    assert pause.wake_delay(100.0) == 0.0
    pause.start(100.0, 10.0)
    pause.start(100.0, 5.0)
    assert pause.remaining(104.0) == 6.0
    assert pause.wake_delay(100.0) == 12.0, "10 s, plus a spread of 20% of it"
    assert pause.wake_delay(109.5) == 0.75, "at least a quarter second of spread"
    assert pause.remaining(111.0) == 0.0
    assert pause.wake_delay(110.0) == 0.0


async def test_a_local_share_paces_at_its_share_of_the_budget(clock: VirtualClock) -> None:
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    share.share(KEY, limit=120, members=2, pause=0.0, window=60.0)
    for _ in range(3):
        await share.acquire(KEY, None)
    # 120 a minute between 2 processes, less the 5% margin: one a second and a bit
    assert clock.sleeps == [pytest.approx(60 * 2 / 114)] * 2
    with pytest.raises(WaitTooLong):
        await share.acquire(KEY, 0.5)
    share.observe(KEY, Observation(120, 7, pause=4.0))
    assert share.state(KEY) == RateLimitState(120, 7, None, 4.0)


async def test_a_local_share_sends_one_request_to_learn_an_unknown_limit(
    clock: VirtualClock,
) -> None:
    share = LocalShare(window=60.0, clock=clock, random=lambda: 0.0)
    await share.acquire(KEY, None)  # the one that learns
    with pytest.raises(WaitTooLong):
        await share.acquire(KEY, 0.5)
    share.observe(KEY, Observation(limit=60, remaining=59))
    await share.acquire(KEY, None)
    assert share.state(KEY).limit == 60
