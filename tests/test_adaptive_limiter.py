"""`AdaptiveLimiter` as a unit, on a `VirtualClock`: budget counting with requests in
flight, waiting for a known reset, the probe when the reset is unknown, a 429's pause, and
learning the window's length."""

from __future__ import annotations

import asyncio

import pytest

from piggy_async import VirtualClock
from piggy_async.limiters import AdaptiveLimiter, RateLimitState, WaitTooLong
from piggy_async.limiters._adaptive import _learn_window
from piggy_async.limiters._budget import Budget

KEY = "budget-key"


def counts(limit: int, remaining: int, **more: str) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining), **more}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


def limiter(clock: VirtualClock, spread: float = 0.0) -> AdaptiveLimiter:
    return AdaptiveLimiter(clock=clock, random=lambda: spread)


async def test_an_unknown_budget_lets_requests_go_and_knows_nothing(clock: VirtualClock) -> None:
    paced = limiter(clock)
    assert repr(paced) == "AdaptiveLimiter(no budget seen yet)"
    assert not paced.try_acquire(KEY), "first sight: through acquire"
    for _ in range(5):
        await paced.acquire(KEY)
    assert clock.sleeps == []
    assert paced.state(KEY) == RateLimitState()
    assert repr(paced) == "AdaptiveLimiter(budget-k: None/None left, 5 in flight)"


async def test_the_budget_left_counts_requests_in_flight(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 3))
    assert [paced.try_acquire(KEY) for _ in range(4)] == [True, True, True, False]
    paced.observe(KEY, 200, counts(10, 2))  # one answered: 2 left, 2 in flight
    assert not paced.try_acquire(KEY)
    paced.observe(KEY, 0, {})
    assert paced.try_acquire(KEY), "an attempt without an answer frees its place too"
    assert repr(paced).endswith("2/10 left, 2 in flight)")


async def test_in_flight_never_goes_below_zero(clock: VirtualClock) -> None:
    paced = limiter(clock)
    for _ in range(3):
        paced.observe(KEY, 200, counts(10, 2))
    assert [paced.try_acquire(KEY) for _ in range(3)] == [True, True, False]


async def test_a_spent_budget_waits_for_the_announced_reset(clock: VirtualClock) -> None:
    paced = limiter(clock, spread=1.0)
    paced.observe(KEY, 200, counts(10, 0, **{"X-RateLimit-Reset": "30"}))
    assert paced.state(KEY) == RateLimitState(10, 0, 30.0, 0.0)
    assert not paced.try_acquire(KEY)
    await paced.acquire(KEY)
    assert clock.sleeps == [30.25], "the reset, plus this waiter's share of the spread"


async def test_a_wait_past_max_wait_is_refused_without_sleeping(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 0, **{"X-RateLimit-Reset": "30"}))
    with pytest.raises(WaitTooLong) as caught:
        await paced.acquire(KEY, max_wait=29.9)
    assert (caught.value.wait, caught.value.rate_limited) == (30.0, False)
    assert clock.sleeps == []
    await paced.acquire(KEY, max_wait=30.0)
    assert clock.sleeps == [30.0]


async def test_a_reset_on_an_error_answer_or_without_counts_is_ignored(
    clock: VirtualClock,
) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 500, counts(10, 5, **{"X-RateLimit-Reset": "30"}))
    paced.observe(KEY, 200, {"X-RateLimit-Reset": "40"})
    assert paced.state(KEY).resets_in is None
    paced.observe(KEY, 200, counts(10, 5, **{"X-RateLimit-Reset": "soon"}))
    assert paced.state(KEY).resets_in is None
    paced.observe(KEY, 399, counts(10, 5, **{"X-RateLimit-Reset": "20"}))
    assert paced.state(KEY).resets_in == 20.0


async def test_a_429_pauses_every_request_until_its_retry_after(clock: VirtualClock) -> None:
    paced = limiter(clock, spread=1.0)
    paced.observe(KEY, 200, counts(10, 4))
    paced.try_acquire(KEY)
    paced.observe(KEY, 429, counts(10, 0, **{"Retry-After": "5"}))
    assert paced.state(KEY) == RateLimitState(10, 10, None, 5.0), "the next window's budget"
    assert not paced.try_acquire(KEY)
    with pytest.raises(WaitTooLong) as caught:
        await paced.acquire(KEY, max_wait=5.9)
    assert caught.value.rate_limited
    await paced.acquire(KEY)
    assert clock.sleeps == [6.0], "5 s, then a share of a spread of 20% of the pause"
    assert paced.try_acquire(KEY), "the pause is over, and in flight was cleared"


async def test_a_short_pause_spreads_over_at_least_a_quarter_second(clock: VirtualClock) -> None:
    paced = limiter(clock, spread=1.0)
    paced.observe(KEY, 429, {"Retry-After": "1"})
    await paced.acquire(KEY)
    assert clock.sleeps == [1.25]


async def test_a_429_without_a_usable_wait_pauses_the_backoff_base(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 429, {"Retry-After": "later"})
    assert paced.state(KEY).paused_for == 0.5
    clock.advance(0.5)
    assert paced.state(KEY).paused_for == 0.0


async def test_with_the_reset_unknown_one_probe_goes_and_the_rest_wait_for_its_answer(
    clock: VirtualClock,
) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 0))
    await paced.acquire(KEY)  # none in flight: the probe
    waiter = asyncio.ensure_future(paced.acquire(KEY))
    await asyncio.sleep(0)
    assert not waiter.done(), "waits for news of the budget"
    paced.observe(KEY, 200, counts(10, 9))  # the probe's answer: a new window
    await waiter
    assert clock.sleeps == []


async def test_waiting_for_the_probe_is_bounded_by_max_wait(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 0))
    await paced.acquire(KEY)
    waiter = asyncio.ensure_future(paced.acquire(KEY, max_wait=2.0))
    await asyncio.sleep(0)
    clock.advance(2.0)
    with pytest.raises(WaitTooLong) as caught:
        await waiter
    assert caught.value.wait == 2.0
    assert not caught.value.rate_limited


async def test_the_window_is_learned_from_a_429_and_then_waited_for(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 9))  # the window's first answer
    clock.advance(3.0)
    paced.observe(KEY, 429, counts(10, 0, **{"Retry-After": "57"}))
    clock.advance(57.0)
    paced.observe(KEY, 200, counts(10, 9))  # a new window begins now
    paced.observe(KEY, 200, counts(10, 0))
    assert paced.state(KEY).resets_in == 60.0, "a 60 s window, from its first answer"
    clock.advance(10.0)
    await paced.acquire(KEY)
    assert clock.sleeps == [50.0]


async def test_more_left_than_before_marks_a_new_window(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 5))
    clock.advance(4.0)
    paced.observe(KEY, 200, counts(10, 4))  # the same window
    clock.advance(4.0)
    paced.observe(KEY, 200, counts(10, 4))  # still the same: not more than before
    paced.observe(KEY, 429, counts(10, 0, **{"Retry-After": "2"}))
    assert paced._budgets[KEY].window == 10.0, "8 s seen + 2 s asked, from the first answer"


def test_learning_rounds_whole_second_waits_down_and_keeps_the_shortest() -> None:
    budget = Budget(lambda: 0.0)
    _learn_window(budget, 60.95, 57.0)
    assert budget.window == 61.0, "rounded down, allowing 0.1 s of lag"
    _learn_window(budget, 60.85, 57.0)
    assert budget.window == 60.0
    _learn_window(budget, 75.0, 57.0)
    assert budget.window == 60.0, "the shortest sighting stays"
    other = Budget(lambda: 0.0)
    _learn_window(other, 0.3, 1.0)
    assert other.window == 1.0, "never under a second"
    fractional = Budget(lambda: 0.0)
    _learn_window(fractional, 2.75, 1.5)
    assert fractional.window == 2.75, "a fractional wait is taken as it is"


async def test_a_429_before_the_window_began_teaches_nothing(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 429, {"Retry-After": "5"})
    assert paced._budgets[KEY].window is None


async def test_state_reports_the_pause_and_the_known_reset(clock: VirtualClock) -> None:
    paced = limiter(clock)
    assert paced.state("other") == RateLimitState()
    paced.observe(KEY, 200, counts(100, 40, **{"X-RateLimit-Reset": "12"}))
    clock.advance(2.0)
    assert paced.state(KEY) == RateLimitState(100, 40, 10.0, 0.0)
    clock.advance(10.0)
    assert paced.state(KEY).resets_in is None, "a reset in the past is no reset"
    await paced.aclose()


async def test_the_last_request_of_the_budget_goes_at_once(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 2))
    assert paced.try_acquire(KEY)  # one in flight, one left
    last = asyncio.ensure_future(paced.acquire(KEY))
    await asyncio.sleep(0)
    assert last.done(), "one left: no wait for news"


async def test_an_answer_frees_the_one_request_in_flight(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 1))
    assert paced.try_acquire(KEY)
    paced.observe(KEY, 200, counts(10, 1))
    assert paced.try_acquire(KEY)


async def test_a_429_clears_what_was_in_flight(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(1, 1))
    assert paced.try_acquire(KEY)
    assert paced.try_acquire(KEY) is False
    paced.observe(KEY, 429, counts(1, 0, **{"Retry-After": "1"}))
    clock.advance(1)
    assert paced.try_acquire(KEY), "the new window's one request"


async def test_a_short_pause_still_counts_as_rate_limited(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 429, {"Retry-After": "0.5"})
    with pytest.raises(WaitTooLong) as caught:
        await paced.acquire(KEY, max_wait=0.1)
    assert caught.value.rate_limited


async def test_a_client_error_teaches_no_reset(clock: VirtualClock) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 400, counts(10, 5, **{"X-RateLimit-Reset": "30"}))
    assert paced.state(KEY).resets_in is None


async def test_the_fast_path_answers_a_plain_no(clock: VirtualClock) -> None:
    paced = limiter(clock)
    assert paced.try_acquire(KEY) is False, "a budget never seen"
    paced.observe(KEY, 429, counts(10, 0, **{"Retry-After": "5"}))
    assert paced.try_acquire(KEY) is False, "a pause"
    clock.advance(5)
    assert paced.try_acquire(KEY) is True


async def test_a_request_let_through_by_acquire_counts_as_one_in_flight(
    clock: VirtualClock,
) -> None:
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 3))
    await paced.acquire(KEY)
    assert [paced.try_acquire(KEY) for _ in range(3)] == [True, True, False]


async def probe_out(clock: VirtualClock) -> AdaptiveLimiter:
    """A limiter whose budget is spent, its reset unknown, and the probe sent."""
    paced = limiter(clock)
    paced.observe(KEY, 200, counts(10, 0))
    await paced.acquire(KEY)
    return paced


async def test_a_waiter_that_gives_up_leaves_the_others_waiting_for_the_answer(
    clock: VirtualClock,
) -> None:
    paced = await probe_out(clock)
    impatient = asyncio.ensure_future(paced.acquire(KEY, max_wait=1.0))
    patient = asyncio.ensure_future(paced.acquire(KEY))
    await asyncio.sleep(0)
    clock.advance(1.0)
    with pytest.raises(WaitTooLong):
        await impatient

    paced.observe(KEY, 200, counts(10, 9))  # the probe's answer
    await asyncio.wait_for(patient, timeout=1.0)


async def test_no_wait_at_all_is_refused_at_once_while_the_probe_is_out(
    clock: VirtualClock,
) -> None:
    paced = await probe_out(clock)
    with pytest.raises(WaitTooLong) as caught:
        await paced.acquire(KEY, max_wait=0)
    assert (caught.value.wait, caught.value.rate_limited) == (0.0, False)
