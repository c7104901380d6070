"""`AdaptiveLimiter`: the default limiter, which learns the API's budget as it goes.

It starts knowing nothing and lets requests through. Every response's `X-RateLimit-Limit`
and `-Remaining` tell it how much of the window's budget is left; requests it let through
whose answers are not back yet count as spent. Then:

- While budget is left, requests go at once: a limiter must cost nothing when the budget is
  ample (the common case), and a job that fits in the budget should not be slowed.
- When it is spent and the window's end is known (a reset header, or the length learned
  from an earlier 429's `Retry-After`), requests wait for the next window, so none runs
  into a 429.
- When it is spent and the window's end is unknown, one request goes as a probe while the
  others wait for its answer: either a new window has begun, or a 429 names the wait.
- A 429 pauses every request on the budget until its `Retry-After`; they wake spread out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping

from .. import _defaults
from .._clock import SYSTEM_CLOCK, Clock, wait_for_event
from ._base import RateLimitState, WaitTooLong
from ._budget import Budget, Budgets
from ._observation import Observation

_WINDOW_START_LAG = 0.1
"""Seconds by which a window's first answer may trail the window's real start."""


class AdaptiveLimiter:
    """Paces requests within the budget the API reports; see the module docstring.

    Args:
        clock: Time and sleeping (a `VirtualClock` in tests).
        random: The source of the wake-up spread.
    """

    def __init__(
        self, *, clock: Clock = SYSTEM_CLOCK, random: Callable[[], float] = random.random
    ) -> None:
        self._clock = clock
        self._random = random
        self._budgets = Budgets(random)

    def try_acquire(self, key: str) -> bool:
        """Let a request go at once if the budget surely allows it (no pause, budget left
        or unknown); False sends the caller to `acquire`. The client's fast path."""
        budget = self._budgets.get(key)
        if budget is None:
            return False
        if budget.pause.until and budget.pause.until > self._clock.now():
            return False
        remaining = budget.remaining
        if remaining is not None and remaining - budget.in_flight <= 0:
            return False
        budget.in_flight += 1
        return True

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        budget = self._budgets[key]
        while True:
            now = self._clock.now()
            wait = budget.pause.wake_delay(now)
            paused = wait > 0
            if not paused:
                left = budget.left()
                if left is None or left > 0:
                    break  # budget to spare
                reset = budget.next_window(now)
                if reset is None:  # spent, and when it renews is unknown:
                    if budget.in_flight == 0:
                        break  # with none in flight, this one goes as the probe
                    await self._await_answer(budget, max_wait)  # else wait for news
                    continue
                # spent until `reset`: wake then, each waiter at its own moment
                wait = reset - now + _defaults.PAUSE_SPREAD_MIN * self._random()
            if max_wait is not None and wait > max_wait:
                raise WaitTooLong(wait, rate_limited=paused)
            await self._clock.sleep(wait)
            if max_wait is not None:
                max_wait -= wait
        budget.in_flight += 1

    async def _await_answer(self, budget: Budget, max_wait: float | None) -> None:
        budget.waiting += 1
        try:
            if not await wait_for_event(self._clock, budget.news, max_wait):
                raise WaitTooLong(max_wait or 0.0, rate_limited=False)
        finally:
            budget.waiting -= 1

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        budget = self._budgets[key]
        if budget.in_flight > 0:
            budget.in_flight -= 1
        seen = Observation.from_response(status, headers, self._clock.wall)
        if seen.limit is not None and seen.remaining is not None:
            self._count(budget, seen.limit, seen.remaining)
        if seen.pause is not None:
            self._pause(budget, seen.pause, self._clock.now())
        elif status < 400 and seen.remaining is not None and seen.resets_in is not None:
            budget.reset_at = self._clock.now() + seen.resets_in
        budget.tell_waiters()

    def _count(self, budget: Budget, limit: int, remaining: int) -> None:
        """Take the API's count; more left than last time means a new window began (the
        clock is read only then: an ordinary answer costs no reading)."""
        if budget.window_start is None or budget.remaining is None or remaining > budget.remaining:
            budget.window_start = self._clock.now()
        budget.limit, budget.remaining = limit, remaining

    @staticmethod
    def _pause(budget: Budget, wait: float, now: float) -> None:
        """After a 429: hold every request `wait` seconds, then start the next window."""
        if budget.window_start is not None and budget.window_start <= now:
            _learn_window(budget, now + wait - budget.window_start, wait)
        budget.pause.start(now, wait)
        budget.remaining = budget.limit  # the next window's budget, if known
        budget.in_flight = 0  # what was in flight meets the same 429 or the new window
        budget.window_start = None  # the next window begins with its first request

    def state(self, key: str) -> RateLimitState:
        budget = self._budgets.get(key)
        if budget is None:
            return RateLimitState()
        now = self._clock.now()
        reset = budget.next_window(now)
        return RateLimitState(
            limit=budget.limit,
            remaining=budget.remaining,
            resets_in=None if reset is None else reset - now,
            paused_for=budget.pause.remaining(now),
        )

    async def aclose(self) -> None:
        """Nothing to release: what it learned stays, for other clients sharing it."""

    def __repr__(self) -> str:
        budgets = ", ".join(
            f"{key[:8]}: {budget.remaining}/{budget.limit} left, {budget.in_flight} in flight"
            for key, budget in self._budgets.items()
        )
        return f"AdaptiveLimiter({budgets or 'no budget seen yet'})"


def _learn_window(budget: Budget, seen: float, wait: float) -> None:
    """Learn the window's length from a 429 met `seen` seconds after it began.

    `Retry-After` comes in whole seconds, rounded up, so `seen` overstates the window by up
    to a second. Laravel windows last whole seconds: round down (allowing for the window
    having begun a little before its first answer arrived), and keep the shortest length
    seen, as every sighting is an upper bound.
    """
    if wait.is_integer():
        seen = max(1.0, math.floor(seen + _WINDOW_START_LAG))
    budget.window = seen if budget.window is None else min(budget.window, seen)
