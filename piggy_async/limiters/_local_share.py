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

import attrs

from .. import _defaults
from .._transport.clock import Clock
from ._base import RateLimitState, WaitTooLong
from ._observation import Observation
from ._pause import Pause


@attrs.define
class _Budget:
    pause: Pause
    limit: int | None = None
    members: int = 1
    remaining: int | None = None
    next_free: float = 0.0
    learning: asyncio.Event | None = None


class LocalShare:
    def __init__(self, *, window: float, clock: Clock, random: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self._random = random
        self._budgets: dict[str, _Budget] = {}

    def _budget(self, key: str) -> _Budget:
        budget = self._budgets.get(key)
        if budget is None:
            budget = self._budgets[key] = _Budget(Pause(self._random))
        return budget

    def share(self, key: str, *, limit: int | None, members: int, pause: float) -> None:
        """What Redis last said about budget `key`, to carry on from if it goes away."""
        budget = self._budget(key)
        if limit is not None:
            budget.limit = limit
        budget.members = max(members, 1)
        budget.pause.start(self._clock.now(), pause)

    async def acquire(self, key: str, max_wait: float | None) -> None:
        budget = self._budget(key)
        while (limit := budget.limit) is None:
            if budget.learning is None:
                budget.learning = asyncio.Event()
                return
            if max_wait is not None and max_wait < _defaults.LEARNING_LEASE:
                raise WaitTooLong(_defaults.LEARNING_LEASE, rate_limited=False)
            try:
                async with asyncio.timeout(_defaults.LEARNING_LEASE):
                    await budget.learning.wait()
            except TimeoutError:
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
        budget = self._budget(key)
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
        budget = self._budget(key)
        return RateLimitState(
            limit=budget.limit,
            remaining=budget.remaining,
            paused_for=budget.pause.remaining(self._clock.now()),
        )
