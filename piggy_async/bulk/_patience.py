"""Job-level patience: a bulk job waits through an outage instead of stopping.

The transport already retries each call a few times over some seconds. An outage that
outlasts that (the token endpoint answering 503, the API in maintenance, connections
reset) surfaces as an error; a job with `Patience` then waits and tries the same item
again, for up to `max_pause` seconds counted from the outage's first error. The first
success ends the outage; past the patience, the error stops the job as before.

Every wait is on the client's clock, so a test with a `VirtualClock` never waits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs

from .._clock import Clock
from .._defaults import PAUSE_RETRY_BASE, PAUSE_RETRY_CAP
from .._errors import APIConnectionError, PiggyError, ServerError


def is_outage(error: PiggyError) -> bool:
    """Whether the error is the service's trouble, which waiting may cure: a 5xx (the API's
    or the token endpoint's, maintenance included) or a connection that failed."""
    return isinstance(error, ServerError | APIConnectionError)


@attrs.frozen
class Outage:
    """What a job waits for, and until when it will.

    Attributes:
        cause: The error that is waited out, as its message says it.
        until: When the job gives up (wall-clock time, UTC).
    """

    cause: str
    until: datetime


class Patience:
    """One job's outage state, shared by its workers; `on_change` hears of each outage's
    start (with it) and end (with None)."""

    def __init__(
        self, clock: Clock, max_pause: float, on_change: Callable[[Outage | None], None]
    ) -> None:
        if not max_pause >= 0:
            raise ValueError(f"max_pause must be a number of seconds >= 0, got {max_pause!r}")
        self._clock = clock
        self._max_pause = max_pause
        self._on_change = on_change
        self._deadline: float | None = None

    async def wait(self, error: PiggyError, attempt: int) -> None:
        """Wait before try `attempt + 1` of an item that failed with the outage `error`.

        Raises:
            PiggyError: `error` itself, once the outage has lasted `max_pause`.
        """
        now = self._clock.now()
        if self._deadline is None:
            self._deadline = now + self._max_pause
            until = datetime.now(UTC) + timedelta(seconds=self._max_pause)
            self._on_change(Outage(str(error), until.replace(microsecond=0)))
        left = self._deadline - now
        if left <= 0:
            raise error
        await self._clock.sleep(min(PAUSE_RETRY_BASE * 2**attempt, PAUSE_RETRY_CAP, left))

    def recovered(self) -> None:
        """An item succeeded: the outage, if any, is over."""
        if self._deadline is not None:
            self._deadline = None
            self._on_change(None)
