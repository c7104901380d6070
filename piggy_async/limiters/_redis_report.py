"""`Report`: what responses taught about one budget, held until the next round trip to Redis.

Reports on the same window merge (the least left, the answer that opened the window);
of two windows, the later one's counts stand. A 429's pause is held as the wall-clock time
it ends (the injected `Clock`'s `wall`), never as a duration, so a report held through a
Redis outage tells Redis only the pause still left when it is finally sent; a later
`Retry-After` replaces an earlier one, shorter or longer, as the API's latest word.

A report made while Redis is out of reach is a `resync`: its remaining is the API's
latest count, not the least of the outage, and Redis counts it in the window open when
the report arrives, whatever window the requests were granted in. It says when this
process saw the API open the window of that count (`opened_at`, wall-clock), if it did,
so Redis knows when that window ends.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import attrs

from .. import _rate_headers as rate_headers
from ._observation import Observation


@attrs.frozen
class Report:
    epoch: int | None
    """The window (of the shared model) the requests were granted in, if known."""
    observation: Observation
    """What the answers said, but their pause, which is `pause_until`."""
    pause_until: float | None = None
    """Wall-clock seconds at which a 429's pause ends."""
    announced: bool = False
    """Whether that pause is the API's own `Retry-After`."""
    resync: bool = False
    opened_at: float | None = None
    """Of a resync: wall-clock seconds at which the API's window of its count opened."""

    @classmethod
    def of(
        cls,
        epoch: int | None,
        seen: Observation,
        wall: float,
        *,
        resync: bool,
        window_age: float | None = None,
    ) -> Report:
        """The report of one answer, observed at wall-clock time `wall`, `window_age`
        seconds after the API's window was seen to open."""
        pause_until = None if seen.pause is None else wall + seen.pause
        observation = attrs.evolve(seen, pause=None, announced=False)
        opened_at = None if window_age is None or not resync else wall - window_age
        return cls(epoch, observation, pause_until, seen.announced, resync, opened_at)

    def add(self, newer: Report) -> Report:
        """One report worth this one and a `newer` one."""
        if self.resync or newer.resync:
            remaining = newer.observation.remaining
            observation = attrs.evolve(
                newer.observation,
                limit=newer.observation.limit or self.observation.limit,
                remaining=self.observation.remaining if remaining is None else remaining,
                opened_window=False,
            )
            epoch = newer.epoch
        elif self.epoch == newer.epoch:
            epoch, observation = newer.epoch, self.observation.merge(newer.observation)
        else:  # of two windows, the later one's counts
            later = newer if _order(newer.epoch) >= _order(self.epoch) else self
            epoch, observation = later.epoch, later.observation
        pause_until, announced = self._pause_with(newer)
        resync = self.resync or newer.resync
        opened_at = self.opened_at if newer.opened_at is None else newer.opened_at
        return Report(epoch, observation, pause_until, announced, resync, opened_at)

    def _pause_with(self, newer: Report) -> tuple[float | None, bool]:
        """The API's latest `Retry-After` stands; the client's own backoff base only where
        the API named none, the longer of two."""
        if newer.pause_until is None or (self.announced and not newer.announced):
            return self.pause_until, self.announced
        if newer.announced or self.pause_until is None:
            return newer.pause_until, newer.announced
        return max(self.pause_until, newer.pause_until), False

    def args(self, wall: float) -> list[str]:
        """The script's observation arguments (6-10, 15-18), the pause as what is left of it
        at wall-clock time `wall` ('' once it is over), the window's opening as how long ago."""
        seen = self.observation
        left = None if self.pause_until is None else self.pause_until - wall
        pause = left is not None and left > 0
        age = None if self.opened_at is None else wall - self.opened_at
        return [
            "-1" if self.resync or self.epoch is None else str(self.epoch),
            "" if seen.limit is None else str(seen.limit),
            "" if seen.remaining is None else str(seen.remaining),
            ms(left) if pause else "",
            ms(seen.resets_in),
            "1" if seen.opened_window and not self.resync else "",
            "1" if pause and self.announced else "",
            "1" if self.resync else "",
            ms(age),
        ]


def announced(status: int, headers: Mapping[str, str], wall: Callable[[], float]) -> bool:
    """Whether an answer is a 429 that says when the API's window ends (a usable
    `Retry-After`), rather than leaving the client to its backoff."""
    if status != 429:
        return False
    wait = rate_headers.retry_after(headers, wall)
    return wait is not None and math.isfinite(wait)


def _order(epoch: int | None) -> int:
    return -1 if epoch is None else epoch


def ms(seconds: float | None) -> str:
    """Seconds as the script takes them: whole milliseconds, '' for none."""
    return "" if seconds is None else str(round(seconds * 1000))
