"""`LocalShare`: one process pacing itself at its share of a budget, without Redis.

`RedisLimiter` falls back to it while Redis is out of reach. Alone, a process cannot know
what the others send, so it assumes each of the `members` processes last seen sharing the
budget sends as much as it does and spaces its requests evenly at `limit / members` per
window, less a margin of 5% for requests that arrive closer together than they were sent:
together they stay within the budget without talking to each other. Before Redis
has said how many share it, a process assumes `SHARED_MEMBERS_UNKNOWN` (4) do, so one
that loses Redis early sends a quarter of the budget, not all of it. The window is the one
Redis last reported (learned from the API), else the limiter's guess. The API's own
answers still count: a 429 pauses this process until its `Retry-After` (a later, shorter
one ends the pause early), while the limit is unknown one request at a time goes out
to learn it, and when the API opens a window is noted (`window_age`), for Redis to hear
once it is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .. import _defaults
from .._clock import Clock, wait_for_event
from ._base import RateLimitState, WaitTooLong
from ._budget import Budget, Budgets
from ._observation import Observation
from ._pause import Alarm

_MARGIN = _defaults.SHARED_ALONE_MARGIN


class LocalShare:
    def __init__(self, *, window: float, clock: Clock, random: Callable[[], float]) -> None:
        self._window = window
        self._clock = clock
        self._budgets = Budgets(random)
        self._alarms: dict[str, Alarm] = {}

    def share(
        self, key: str, *, limit: int | None, members: int, pause: float, window: float
    ) -> None:
        """What Redis last said about budget `key`, to carry on from if it goes away."""
        budget = self._budgets[key]
        if limit is not None:
            budget.limit = limit
        budget.members = max(members, 1)
        budget.window = window
        budget.pause.start(self._clock.now(), pause)

    async def acquire(self, key: str, max_wait: float | None) -> None:
        budget = self._budgets[key]
        limit = await self._limit(budget, max_wait)
        if limit is None:
            return  # this one goes out to learn it
        deadline = None if max_wait is None else self._clock.now() + max_wait
        while True:
            await self._sit_out_pause(key, budget, limit, deadline)
            now = self._clock.now()
            members = budget.members or _defaults.SHARED_MEMBERS_UNKNOWN
            spacing = self._window_of(budget) * members / (limit * (1 - _MARGIN))
            wait = max(budget.next_free - now, 0.0)
            if deadline is not None and now + wait > deadline:
                reason = (
                    f"Redis is unreachable: pacing alone at 1/{members} of "
                    f"{self._budget(budget, limit)}, one request every {spacing:.3g} s"
                )
                raise WaitTooLong(wait, rate_limited=False, max_wait=deadline - now, reason=reason)
            budget.next_free = now + wait + spacing
            if wait > 0:
                await self._clock.sleep(wait)
            if not budget.pause.remaining(self._clock.now()):
                return  # else a 429 came while it waited its turn: wait it out first

    async def _sit_out_pause(
        self, key: str, budget: Budget, limit: int, deadline: float | None
    ) -> None:
        while (paused := budget.pause.wake_delay(now := self._clock.now())) > 0:
            if deadline is not None and now + paused > deadline:
                reason = f"a 429 paused the budget of {self._budget(budget, limit)}"
                raise WaitTooLong(paused, rate_limited=True, max_wait=deadline - now, reason=reason)
            alarm = self._alarms.setdefault(key, Alarm())
            await alarm.sleep(self._clock, paused)

    async def _limit(self, budget: Budget, max_wait: float | None) -> int | None:
        """The budget's limit; None if it is unknown and the caller is the one to learn it."""
        while (limit := budget.limit) is None:
            if budget.learning is None:
                budget.learning = asyncio.Event()
                return None
            lease = _defaults.LEARNING_LEASE
            if max_wait is not None and max_wait < lease:
                reason = "the budget's limit is unknown: another request is learning it"
                raise WaitTooLong(lease, rate_limited=False, max_wait=max_wait, reason=reason)
            if not await wait_for_event(self._clock, budget.learning, lease):
                budget.learning = None
        return limit

    def _window_of(self, budget: Budget) -> float:
        return budget.window or self._window

    def _budget(self, budget: Budget, limit: int) -> str:
        members = budget.members or f"{_defaults.SHARED_MEMBERS_UNKNOWN} (assumed)"
        return f"{limit} per {self._window_of(budget):g} s shared by {members} processes"

    def observe(self, key: str, observation: Observation) -> None:
        budget = self._budgets[key]
        if observation.limit is not None:
            budget.limit = observation.limit
        if observation.remaining is not None:
            if _opened(budget, observation.remaining, observation.opened_window):
                budget.window_start = self._clock.now()
            budget.remaining = observation.remaining
        if observation.pause is not None:
            if observation.announced:
                budget.pause.renew(self._clock.now(), observation.pause)
            else:
                budget.pause.start(self._clock.now(), observation.pause)
            if key in self._alarms:
                self._alarms[key].ring()
        if budget.learning is not None:
            budget.learning.set()
            budget.learning = None

    def window_age(self, key: str) -> float | None:
        """Seconds since this process saw the API open its window of now, if it saw that."""
        start = self._budgets[key].window_start
        return None if start is None else self._clock.now() - start

    def state(self, key: str) -> RateLimitState:
        budget = self._budgets[key]
        return RateLimitState(
            limit=budget.limit,
            remaining=budget.remaining,
            paused_for=budget.pause.remaining(self._clock.now()),
        )


def _opened(budget: Budget, remaining: int, first: bool) -> bool:
    """Whether an answer leaving `remaining` shows the API opened a window since the last:
    it answered the window's first request, or far more is left than the last answer
    left (answers of one window that overtake one another differ by the requests in
    flight at most)."""
    if first:
        return True
    last, limit = budget.remaining, budget.limit
    return last is not None and limit is not None and remaining - last > limit / 2
