"""`Limiter`: what a client asks of its rate limiter, and `RateLimitState`, what it reports.

The client calls `acquire` before every request it sends (retries included) and `observe`
with every response it gets, so a limiter can both pace requests and learn the API's budget
from its `X-RateLimit-*` and `Retry-After` headers. One limiter may serve several clients:
each call names the budget it draws from by `key`, a fingerprint of the client's
credentials (never the credentials themselves).

`try_acquire(key) -> bool` lets a request go without awaiting when it surely can (True
counts as an `acquire`); the client tries it first and awaits `acquire` only when it answers
False. It saves a coroutine on every request; a limiter with no such shortcut answers False.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol, runtime_checkable


class RateLimitState(NamedTuple):
    """One budget as a limiter last saw it.

    Attributes:
        limit: Requests allowed per window (`X-RateLimit-Limit`), if the API said.
        remaining: Requests left in this window (`X-RateLimit-Remaining`), if the API said.
        resets_in: Seconds until the window resets, if known.
        paused_for: Seconds until requests may be sent again after a 429 (0 if not paused).
    """

    limit: int | None = None
    remaining: int | None = None
    resets_in: float | None = None
    paused_for: float = 0.0


class WaitTooLong(Exception):
    """Raised by `Limiter.acquire` when the wait would exceed `max_wait`: a signal to the
    client, which raises the typed error its caller sees (never reaches users).

    Attributes:
        wait: The seconds the limiter would have waited.
        rate_limited: Whether the wait is a pause after a 429 (else pacing).
        max_wait: The seconds the caller had left, if the limiter knows.
        reason: What decided the wait, with its numbers (budget, window, share), or "".
    """

    def __init__(
        self,
        wait: float,
        *,
        rate_limited: bool,
        max_wait: float | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(f"the rate limiter would wait {wait:.3g} s" + (reason and f": {reason}"))
        self.wait = wait
        self.rate_limited = rate_limited
        self.max_wait = max_wait
        self.reason = reason


@runtime_checkable
class Limiter(Protocol):
    """Paces the requests of one or more clients; see the module docstring."""

    def try_acquire(self, key: str) -> bool:
        """Let a request on budget `key` go now, without waiting, if it surely may (True
        counts as an `acquire`); False sends the client to `acquire`."""
        ...

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        """Wait until a request may be sent on budget `key`.

        Raises `WaitTooLong` at once, without sleeping, when the wait would be longer than
        `max_wait` seconds (the caller's remaining deadline).
        """
        ...

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn from a response on budget `key`: its rate-limit headers, a 429's pause.

        Called once for every `acquire` that let a request go: with status 0 and no
        headers when the attempt got no answer (the connection failed, the call was
        cancelled), so a limiter can count the requests still in flight.
        """
        ...

    def state(self, key: str) -> RateLimitState:
        """The budget `key` as last seen, for dashboards and logs."""
        ...

    async def aclose(self) -> None:
        """Release what the limiter holds (connections); it is not used afterwards."""
        ...
