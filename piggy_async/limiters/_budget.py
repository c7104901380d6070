"""`Budget`: what a limiter knows of one key's API budget, and `Budgets`, one per key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ._pause import Pause


class Budget:
    """One key's budget as a limiter knows it; each limiter uses the part it keeps.

    `limit`/`remaining` are the API's last word, `pause` the stop after a 429. The
    adaptive limiter also counts what is `in_flight` and learns the `window` from when it
    began (`window_start`) and any announced reset (`reset_at`); a local share paces at
    `members` processes' share, its next request not before `next_free`, and notes when
    the API opened its window (`window_start`) for Redis to hear after an outage.
    """

    __slots__ = (
        "in_flight",
        "learning",
        "limit",
        "members",
        "news",
        "next_free",
        "pause",
        "remaining",
        "reset_at",
        "waiting",
        "window",
        "window_start",
    )

    def __init__(self, rng: Callable[[], float]) -> None:
        self.limit: int | None = None
        self.remaining: int | None = None
        self.pause = Pause(rng)
        self.in_flight = 0
        self.window_start: float | None = None
        self.window: float | None = None
        self.reset_at: float | None = None
        self.members = 0
        """Processes sharing the budget, as Redis last said (0: not heard yet)."""
        self.next_free = 0.0
        self.news = asyncio.Event()
        """Set by the next answer on this budget, for those `waiting` to hear of it."""
        self.waiting = 0
        self.learning: asyncio.Event | None = None
        """While the limit is unknown: set when the one request sent to learn it returns."""

    def left(self) -> int | None:
        """Requests the budget still allows, counting those in flight as spent."""
        if self.remaining is None:
            return None
        return self.remaining - self.in_flight

    def next_window(self, now: float) -> float | None:
        """When the next window begins, if that is known and still ahead of `now`."""
        if self.reset_at is not None and self.reset_at > now:
            return self.reset_at
        if self.window_start is not None and self.window is not None:
            end = self.window_start + self.window
            return end if end > now else None
        return None

    def tell_waiters(self) -> None:
        """Wake those waiting for news of this budget."""
        if self.waiting:
            self.news.set()
            self.news = asyncio.Event()


class Budgets(dict[str, Budget]):
    """The budgets of one limiter, by key, each made on first use."""

    def __init__(self, rng: Callable[[], float]) -> None:
        super().__init__()
        self._random = rng

    def __missing__(self, key: str) -> Budget:
        budget = self[key] = Budget(self._random)
        return budget
