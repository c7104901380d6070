"""The shared budget learns and recovers: the window learned from the API and shared, the
`window=` guess, a pause held through an outage, a shorter `Retry-After`, the share a
process takes before it has heard of the others, and what a refusal says."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

import pytest
from conftest import KEY, HeldClock, learn, paused_by_another, set_times
from raw_server import closed_port

from piggy_async import APITimeoutError, OAuthClient, VirtualClock
from piggy_async.limiters import RedisLimiter, WaitTooLong
from piggy_async.testing import FakePiggy, RateLimit, RedisServer


async def test_two_answers_that_opened_windows_teach_every_process_the_window(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    first = limiters()  # guesses a minute
    await learn(first, 4)  # its answer opened the API's window
    await set_times(redis_server, start=-3.2)  # ... 3.2 s ago, as if it had
    await first.acquire(KEY)
    # this one's answer opened the API's next window: the API's last 3.2 s at most
    first.observe(KEY, 200, {"X-RateLimit-Limit": "4", "X-RateLimit-Remaining": "3"})
    await first.aclose()

    other = limiters(window=600.0)  # another process, another guess
    for _ in range(3):
        await other.acquire(KEY)
    with pytest.raises(WaitTooLong) as spent:
        await other.acquire(KEY, max_wait=0.5)
    assert 2.5 < spent.value.wait <= 3.3, "the window's end, learned: 3 s, not 600"
    assert "4 per 3 s (learned) shared by 2 processes" in spent.value.reason
    assert spent.value.max_wait == pytest.approx(0.5, abs=0.1)


async def test_a_429_says_how_long_the_window_is(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    seer = limiters()
    await learn(seer, 100)
    await set_times(redis_server, start=-2.4)  # the window opened 2.4 s ago
    seer.observe(KEY, 429, {"Retry-After": "1", "X-RateLimit-Remaining": "0"})
    await seer.aclose()
    other = limiters()
    with pytest.raises(WaitTooLong) as paused:
        await other.acquire(KEY, max_wait=0.1)
    assert paused.value.rate_limited
    assert "a 429 paused the budget of 100 per 3 s (learned)" in paused.value.reason


async def test_the_window_in_the_url_is_the_first_guess(redis_server: RedisServer) -> None:
    limiter = RedisLimiter(redis_server.url + "?window=5", timeout=0.5)
    try:
        await learn(limiter, 2)
        await limiter.acquire(KEY)
        with pytest.raises(WaitTooLong) as spent:
            await limiter.acquire(KEY, max_wait=0.5)
        assert 4.5 < spent.value.wait <= 5.4
        assert "2 per 5 s (not learned yet)" in spent.value.reason
        assert limiter.shared
    finally:
        await limiter.aclose()
    with pytest.raises(ValueError, match="disagree"):
        RedisLimiter(redis_server.url + "?window=5", window=60)
    with pytest.raises(ValueError, match="window="):
        RedisLimiter(redis_server.url + "?window=0")
    for nonsense in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="window"):
            RedisLimiter(redis_server.url, window=nonsense)


async def test_a_pause_seen_while_redis_was_down_is_not_restarted_when_it_is_back(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    clock = VirtualClock()
    limiter = limiters(clock=clock, retry_interval=5.0, random=lambda: 0.0)
    await learn(limiter, 100)
    assert limiter._flusher is not None
    await limiter._flusher  # the answer is reported before Redis goes, not failed later
    redis_server.kill()
    await limiter.acquire(KEY)  # paced alone
    limiter.observe(KEY, 429, {"Retry-After": "30", "X-RateLimit-Remaining": "0"})
    assert not limiter.shared
    clock.advance(25.0)  # Redis is out of reach for 25 s of the 30 s pause
    redis_server.start()
    with pytest.raises(WaitTooLong) as paused:
        await limiter.acquire(KEY, max_wait=1.0)  # Redis is tried again beside it
    assert limiter._prober is not None
    await limiter._prober
    assert limiter.shared
    assert paused.value.rate_limited
    assert 4.5 < paused.value.wait <= 5.0, "what was left of it, not 30 s again"
    other = limiters(random=lambda: 0.0)  # another process: Redis holds what is left too
    with pytest.raises(WaitTooLong) as refused:
        await other.acquire(KEY, max_wait=0.0)
    assert 4.0 < refused.value.wait <= 5.0


async def test_a_shorter_retry_after_ends_the_shared_wait_early(
    limiters: Callable[..., RedisLimiter],
) -> None:
    await paused_by_another(limiters)
    clock = HeldClock()
    limiter = limiters(clock=clock, random=lambda: 0.0)
    patient = asyncio.create_task(limiter.acquire(KEY))
    await clock.asleep.wait()
    assert 29 < clock.sleeps[-1] <= 30
    clock.asleep.clear()
    limiter.observe(KEY, 429, {"Retry-After": "2"})  # the API's latest word: 2 s more
    await clock.asleep.wait()
    assert 1.5 < clock.sleeps[-1] <= 2
    assert 1.5 < limiter.state(KEY).paused_for <= 2
    patient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await patient


async def test_a_process_that_loses_redis_before_hearing_of_the_others_paces_at_a_quarter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = VirtualClock()
    limiter = RedisLimiter(f"redis://127.0.0.1:{closed_port()}/0?window=60", clock=clock)
    try:
        with caplog.at_level(logging.WARNING, "piggy_async.limiters"):
            await learn(limiter, 120)  # Redis never answered: learned alone
        for _ in range(3):
            await limiter.acquire(KEY)
        assert clock.sleeps == [pytest.approx(60 * 4 / 114)] * 2, "4 assumed processes, less 5%"
        assert not limiter.shared
    finally:
        await limiter.aclose()


async def test_a_call_refused_for_its_deadline_says_the_numbers_that_decided(
    redis_server: RedisServer,
) -> None:
    async with FakePiggy(rate_limit=RateLimit(3, 60), clock=VirtualClock()) as server:
        uuid = server.state.add_contact("late@example.com", channel="api").uuid
        limiter = RedisLimiter(redis_server.url + "?window=60")
        options = {"api_key": server.oauth_key, "base_url": server.url, "timeout": 5}
        async with OAuthClient(**options, limiter=limiter) as piggy:
            for _ in range(3):
                await piggy.contacts.get(uuid)
            with pytest.raises(APITimeoutError) as refused:
                await piggy.contacts.get(uuid)
    message = str(refused.value)
    assert "(the budget of 3 per 60 s (not learned yet) shared by 1 processes is spent" in message
    pattern = r"would wait (\d+\.\d) s .* past the (\d\.\d) s left of the call's 5 s"
    waited = re.search(pattern, message)
    assert waited, message
    assert float(waited[1]) > 55 and float(waited[2]) <= 5


async def test_the_window_the_api_opens_after_a_pause_is_spent_from_its_first_answer(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    """A request paced alone while Redis hung is answered once Redis is back and a 429's
    pause is over: its answer opened the API's next window, whose budget is there to spend
    now, not one window later."""
    clock = VirtualClock()
    limiter = limiters(clock=clock, retry_interval=5.0, random=lambda: 0.0)
    await learn(limiter, 100)
    assert limiter._flusher is not None
    await limiter._flusher
    await set_times(redis_server, start=None, learned=3.0)
    redis_server.freeze()
    await limiter.acquire(KEY)  # paced alone, granted in no window of the shared model
    redis_server.thaw()
    clock.advance(5.0)
    await limiter.acquire(KEY)  # Redis is tried again beside it
    assert limiter._prober is not None
    await limiter._prober
    assert limiter.shared
    limiter.observe(KEY, 429, {"Retry-After": "1", "X-RateLimit-Remaining": "0"})
    await limiter._flusher
    with pytest.raises(WaitTooLong):
        await limiter.acquire(KEY, max_wait=0.0)
    await set_times(redis_server, pause=-0.01, end=-0.01)  # the pause is over
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    await limiter._flusher
    for _ in range(80):
        await limiter.acquire(KEY, max_wait=0.0)
    assert limiter.state(KEY).remaining == 19


@pytest.mark.parametrize(
    ("seen_open", "ends_in"),
    [(2.0, 1.0), (3.5, None)],
    ids=["seen open", "seen open longer ago than a window"],
)
async def test_after_an_outage_the_api_s_count_is_placed_in_the_window_it_was_seen_in(
    limiters: Callable[..., RedisLimiter],
    redis_server: RedisServer,
    seen_open: float,
    ends_in: float | None,
) -> None:
    """Alone, a process saw the API open a window and spend 60 of its 100 in it; once
    Redis is back, the budget ends with that window, 3 s after it opened, not 3 s after
    Redis heard of it. Seen open longer ago than a window, a later window may have opened
    unseen: the count goes in the window open now, which ends no sooner."""
    clock = VirtualClock()
    limiter = limiters(clock=clock, retry_interval=1.0, random=lambda: 0.0)
    await learn(limiter, 100)
    assert limiter._flusher is not None
    await limiter._flusher
    await set_times(redis_server, learned=3.0)
    redis_server.freeze()
    await limiter.acquire(KEY)  # paced alone from here
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    clock.advance(seen_open)
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "40"})
    redis_server.thaw()
    await limiter.acquire(KEY)  # Redis is tried again beside it, with what it missed
    assert limiter._prober is not None
    await limiter._prober
    state = limiter.state(KEY)
    assert state.remaining == 40
    if ends_in is None:
        assert state.resets_in is not None and state.resets_in > 50, "the first guess's window"
    else:
        assert state.resets_in == pytest.approx(ends_in, abs=0.1)
