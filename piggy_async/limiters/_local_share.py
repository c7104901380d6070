"""`LocalShare`: one process pacing itself at its share of a budget, without Redis.

`RedisLimiter` falls back to it while Redis is out of reach. Alone, a process cannot know
what the others send, so it assumes each of the `members` processes last seen sharing the
budget sends as much as it does and spaces its requests evenly at `limit / members` per
window: together they stay within the budget without talking to each other. The API's own
answers still count: a 429 pauses this process until the reset, and while the limit is
unknown one request at a time goes out to learn it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .. import _defaults
from .._clock import Clock, wait_for_event
from ._base import RateLimitState, WaitTooLong
from ._budget import Budgets
from ._observation import Observation


class LocalShare:
    def __init__(self, *, window: float, clock: Clock, random: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self._budgets = Budgets(random)

    def share(self, key: str, *, limit: int | None, members: int, pause: float) -> None:
        """What Redis last said about budget `key`, to carry on from if it goes away."""
        budget = self._budgets[key]
        if limit is not None:
            budget.limit = limit
        budget.members = max(members, 1)
        budget.pause.start(self._clock.now(), pause)

    async def acquire(self, key: str, max_wait: float | None) -> None:
        budget = self._budgets[key]
        while (limit := budget.limit) is None:
            if budget.learning is None:
                budget.learning = asyncio.Event()
                return
            if max_wait is not None and max_wait < _defaults.LEARNING_LEASE:
                raise WaitTooLong(_defaults.LEARNING_LEASE, rate_limited=False)
            lease = _defaults.LEARNING_LEASE
            if not await wait_for_event(self._clock, budget.learning, lease):
                budget.learning = None
        now = self._clock.now()
        paused = budget.pause.wake_delay(now)
        wait = max(budget.next_free - now, paused)
        if max_wait is not None and wait > max_wait:
            raise WaitTooLong(wait, rate_limited=paused > 0)
        budget.next_free = now + wait + self._window * budget.members / limit
        if wait > 0:
            await self._clock.sleep(wait)

    def observe(self, key: str, observation: Observation) -> None:
        budget = self._budgets[key]
        if observation.limit is not None:
            budget.limit = observation.limit
        if observation.remaining is not None:
            budget.remaining = observation.remaining
        if observation.pause is not None:
            budget.pause.start(self._clock.now(), observation.pause)
        if budget.learning is not None:
            budget.learning.set()
            budget.learning = None

    def state(self, key: str) -> RateLimitState:
        budget = self._budgets[key]
        return RateLimitState(
            limit=budget.limit,
            remaining=budget.remaining,
            paused_for=budget.pause.remaining(self._clock.now()),
        )
