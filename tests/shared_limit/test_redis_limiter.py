"""`RedisLimiter` against a real redis-server: several limiters on one Redis behave like the
processes of one deployment (each has its own connections and member id)."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Callable

import pytest
from conftest import (
    KEY,
    HeldClock,
    Slept,
    StopAtSleep,
    everything_stored,
    learn,
    paused_by_another,
    set_times,
)
from raw_server import closed_port

from piggy_async import VirtualClock
from piggy_async.limiters import Limiter, RedisLimiter, WaitTooLong
from piggy_async.testing import RedisServer


async def test_every_limiter_draws_from_one_budget_learned_from_headers(
    limiters: Callable[..., RedisLimiter],
) -> None:
    first, second = limiters(), limiters()
    assert isinstance(first, Limiter)
    await first.acquire(KEY)
    with pytest.raises(WaitTooLong) as learning:
        await second.acquire(KEY, max_wait=0)  # one request at a time until the limit is known
    assert not learning.value.rate_limited

    first.observe(KEY, 200, {"X-RateLimit-Limit": "4", "X-RateLimit-Remaining": "3"})
    await first.acquire(KEY)  # carries the observation: 2 of 4 used
    await second.acquire(KEY)
    await second.acquire(KEY)
    for limiter in (first, second):
        with pytest.raises(WaitTooLong) as spent:
            await limiter.acquire(KEY, max_wait=1)
        assert not spent.value.rate_limited
        assert 55 < spent.value.wait < 62  # until the 60 s window ends
    state = second.state(KEY)
    assert (state.limit, state.remaining, state.paused_for) == (4, 0, 0.0)
    assert state.resets_in is not None and 55 < state.resets_in <= 61


async def test_a_429_seen_by_one_pauses_all_and_they_wake_spread_out(
    limiters: Callable[..., RedisLimiter],
) -> None:
    seer = limiters()
    await learn(seer, 100)
    seer.observe(KEY, 429, {"Retry-After": "30", "X-RateLimit-Remaining": "0"})
    await seer.aclose()  # reports what it saw before letting go

    early = limiters(random=lambda: 0.0, clock=StopAtSleep())
    late = limiters(random=lambda: 1.0, clock=StopAtSleep())
    with pytest.raises(WaitTooLong) as refused:
        await early.acquire(KEY, max_wait=5)
    assert refused.value.rate_limited
    with pytest.raises(Slept) as early_wake:
        await early.acquire(KEY)
    with pytest.raises(Slept) as late_wake:
        await late.acquire(KEY)
    assert 29 < early_wake.value.seconds <= 30
    # spread over a fifth of the pause
    assert late_wake.value.seconds - early_wake.value.seconds == pytest.approx(6.0, abs=0.2)
    assert 29 < late.state(KEY).paused_for <= 30


@pytest.mark.parametrize("learned", [True, False])
async def test_the_last_of_a_window_is_spread_over_the_time_left(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer, learned: bool
) -> None:
    limiter = limiters()
    await learn(limiter, 20)
    if learned:
        await set_times(redis_server, learned=60.0)
    for _ in range(18):  # the last 2 (10%) are spread over the window's 60 s: 1 left
        await limiter.acquire(KEY)
    with pytest.raises(WaitTooLong) as paced:
        await limiter.acquire(KEY, max_wait=0.5)
    assert not paced.value.rate_limited
    if learned:
        assert 25 < paced.value.wait < 35
    else:  # one a second at least, while a guess: the API's next window shows itself soon
        assert 0.5 < paced.value.wait <= 1.25
    assert limiter.state(KEY).remaining == 1


async def test_an_answer_from_an_earlier_window_does_not_count_in_the_next(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = limiters()
    await learn(limiter, 10)
    await limiter.acquire(KEY)  # this task's request goes out in window 1

    await set_times(redis_server, end=None)  # window 1 is over

    async def in_the_next_window() -> None:
        await limiter.acquire(KEY, max_wait=0)
        limiter.observe(KEY, 200, {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9"})

    await asyncio.create_task(in_the_next_window())
    # the answer to this task's window-1 request arrives late: 0 left, of window 1
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0"})
    await limiter.acquire(KEY, max_wait=0)
    assert limiter.state(KEY).remaining == 8


async def test_the_budget_key_never_reaches_redis(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = limiters()
    await learn(limiter, 50)
    await limiter.acquire(KEY)
    limiter.observe(KEY, 429, {"Retry-After": "1"})
    await limiter.aclose()
    stored = await everything_stored(redis_server.url)
    assert len(stored) > 2
    assert not [item for item in stored if KEY.encode() in item or b"0f3a9c" in item]


async def test_unreachable_redis_paces_locally_warns_once_and_rejoins(
    limiters: Callable[..., RedisLimiter],
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = VirtualClock()
    limiter = limiters(clock=clock, retry_interval=5.0, window=60.0)
    other = limiters()
    await learn(limiter, 100)
    await limiter.acquire(KEY)
    await other.acquire(KEY)
    await limiter.acquire(KEY)  # and learns that two members share the budget

    redis_server.kill()
    with caplog.at_level(logging.WARNING, "piggy_async.limiters"):
        for _ in range(10):
            await limiter.acquire(KEY)
    assert not limiter.shared
    assert len(caplog.records) == 1
    assert "unreachable" in caplog.records[0].getMessage()
    # alone, at its share: 100 requests a minute between 2 members, less 5%: one per 1.26 s
    assert clock.sleeps and all(wait == pytest.approx(60 * 2 / 95) for wait in clock.sleeps)
    assert repr(limiter).startswith(f"<RedisLimiter {redis_server.url} local")

    redis_server.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING, "piggy_async.limiters"):
        clock.advance(5.0)
        await limiter.acquire(KEY)  # goes on alone: Redis is tried again beside it
        assert limiter._prober is not None
        await limiter._prober
    assert limiter.shared
    assert "back" in caplog.records[0].getMessage()


async def test_a_hung_redis_does_not_hold_requests(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = limiters(timeout=0.1)
    await learn(limiter, 100_000)
    redis_server.freeze()
    try:
        async with asyncio.timeout(5):  # fails the test instead of hanging it
            for _ in range(20):
                await limiter.acquire(KEY, max_wait=1)
        assert not limiter.shared
        limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100000", "X-RateLimit-Remaining": "5"})
    finally:
        redis_server.thaw()
    assert limiter.state(KEY).remaining == 5


async def test_the_redis_password_stays_out_of_reprs_and_logs(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RedisLimiter(f"redis://piggy:hunter2@127.0.0.1:{redis_server.port}/0")
    try:
        assert "hunter2" not in repr(limiter)
        assert f"piggy:***@127.0.0.1:{redis_server.port}/0" in repr(limiter)
        with caplog.at_level(logging.WARNING, "piggy_async.limiters"):
            await limiter.acquire(KEY)  # the server refuses the password: paced alone
        assert not limiter.shared
        assert caplog.records and "hunter2" not in caplog.text
    finally:
        await limiter.aclose()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:hunter2@127.0.0.1:{port}/0", "redis://***@127.0.0.1:{port}/0"),
        ("redis://127.0.0.1:{port}/0?password=hunter2", "127.0.0.1:{port}/0?password=***"),
        (
            "rediss://u:hunter2@127.0.0.1:{port}/0?db=0&password=hunter2",
            "u:***@127.0.0.1:{port}/0?db=0&password=***",
        ),
    ],
)
async def test_no_form_of_redis_password_reaches_reprs_or_warnings(
    caplog: pytest.LogCaptureFixture, url: str, shown: str
) -> None:
    port = closed_port()
    limiter = RedisLimiter(url.format(port=port))
    try:
        assert shown.format(port=port) in repr(limiter)
        with caplog.at_level(logging.WARNING, "piggy_async.limiters"):
            await limiter.acquire(KEY)  # nobody listens: "unreachable", paced alone
        assert not limiter.shared
        assert "unreachable" in caplog.text
        assert "hunter2" not in repr(limiter) + caplog.text
    finally:
        await limiter.aclose()


def test_a_unix_socket_url_shows_no_password() -> None:
    limiter = RedisLimiter("unix://:hunter2@/run/redis.sock?db=0&password=hunter2")
    assert "hunter2" not in repr(limiter)
    assert "unix://***@/run/redis.sock?db=0&password=***" in repr(limiter)


def test_a_url_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="Redis URL"):
        RedisLimiter("127.0.0.1:6379")


def test_importing_the_sdk_does_not_need_redis() -> None:
    code = "import sys, piggy_async, piggy_async.limiters; assert 'redis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_redis_installed_the_error_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r"piggy_async\[redis\]"):
        RedisLimiter("redis://127.0.0.1:6379/0")


async def test_concurrent_acquires_are_granted_together_within_the_budget(
    limiters: Callable[..., RedisLimiter],
) -> None:
    limiter = limiters()
    await learn(limiter, 10)
    await limiter.acquire(KEY)  # 2 of 10 used
    outcomes = await asyncio.gather(
        *(limiter.acquire(KEY, max_wait=1) for _ in range(20)), return_exceptions=True
    )
    assert outcomes.count(None) == 8
    refused = [outcome for outcome in outcomes if isinstance(outcome, WaitTooLong)]
    assert len(refused) == 12
    assert all(55 < error.wait < 62 for error in refused)


async def test_the_answer_that_opened_the_apis_window_says_when_it_ends(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = limiters(guard=0.0)
    await learn(limiter, 100)
    await set_times(redis_server, end=None)  # the learning request's window is over
    await limiter.acquire(KEY)  # the next one opens, when the API's own began is not known
    await set_times(redis_server, end=58.0)
    await limiter.acquire(KEY)
    assert limiter.state(KEY).resets_in is not None and limiter.state(KEY).resets_in <= 58
    # a burst's answers, reported together: the API's window began with the first of them
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "40"})
    await limiter.acquire(KEY)
    state = limiter.state(KEY)
    assert state.resets_in is not None and 59.5 < state.resets_in <= 60
    assert state.remaining == 39


async def test_a_wait_past_max_wait_is_refused_at_once_while_others_wait(
    limiters: Callable[..., RedisLimiter],
) -> None:
    await paused_by_another(limiters)
    clock = HeldClock()
    limiter = limiters(clock=clock)
    patient = asyncio.create_task(limiter.acquire(KEY))
    await clock.asleep.wait()  # the patient one sleeps out the pause
    with pytest.raises(WaitTooLong) as refused:
        await limiter.acquire(KEY, max_wait=1)
    assert refused.value.rate_limited
    assert 29 < refused.value.wait < 37
    patient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await patient


async def test_a_late_request_that_opened_the_apis_next_window_moves_the_budget_there(
    limiters: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = limiters(guard=0.0)
    await learn(limiter, 100)
    for _ in range(90):
        await limiter.acquire(KEY)
    await set_times(redis_server, end=0.1, start=-60.0)  # the window of a minute ago ends
    # the last request granted in this window reached the API after its window ended
    limiter.observe(KEY, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    await limiter.acquire(KEY, max_wait=0)
    state = limiter.state(KEY)
    assert state.resets_in is not None and 59 < state.resets_in <= 60
    assert state.remaining == 98


async def test_a_limiter_shared_by_clients_outlives_the_first_one_closed(
    limiters: Callable[..., RedisLimiter],
) -> None:
    limiter = limiters()
    await learn(limiter, 100)
    await limiter.aclose()  # as the first of two clients sharing it closes
    await limiter.acquire(KEY)
    assert limiter.shared
    assert limiter.state(KEY).remaining == 98
