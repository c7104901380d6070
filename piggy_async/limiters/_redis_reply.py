"""`Reply`: what one run of the shared budget's script answered, and why it asks to wait."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ._redis_script import WHY


@attrs.frozen
class Reply:
    granted: int
    wait: float
    """Seconds the requests not granted wait, for the reason `why` names."""
    why: str | None
    epoch: int
    limit: int | None
    used: int
    ends_in: float
    paused_for: float
    members: int
    window: float
    learned: bool
    """Whether `window` was learned from the API (else it is the limiter's guess)."""

    @classmethod
    def parse(cls, values: Sequence[int | bytes]) -> Reply:
        granted, wait, why, epoch, limit, used, ends_in, pause, members, window, learned = map(
            int, values
        )
        return cls(
            granted=granted,
            wait=wait / 1000,
            why=WHY.get(why),
            epoch=epoch,
            limit=limit if limit > 0 else None,
            used=used,
            ends_in=ends_in / 1000,
            paused_for=pause / 1000,
            members=members,
            window=window / 1000,
            learned=bool(learned),
        )

    @property
    def paused(self) -> bool:
        return self.why == "paused"

    def reason(self) -> str:
        """Why the requests not granted wait, with the numbers that decided."""
        window = f"{self.window:g} s ({'learned' if self.learned else 'not learned yet'})"
        budget = f"{self.limit} per {window} shared by {self.members} processes"
        if self.why == "paused":
            return f"a 429 paused the budget of {budget}"
        if self.why == "learning":
            return "the budget's limit is unknown: another request is learning it"
        if self.why == "spread":
            return f"the last requests of the budget of {budget} are spread over its window"
        return f"the budget of {budget} is spent until its window ends"
