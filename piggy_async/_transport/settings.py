"""`CallSettings`: what one call may spend, a client's or a `with_options` view's."""

from __future__ import annotations

import aiohttp
import attrs

from .policy import RetryPolicy


@attrs.frozen
class CallSettings:
    """What one call may spend: its retry policy, its deadline and its timeouts."""

    policy: RetryPolicy
    timeout: float
    """Seconds for the whole call: attempts, waits, the limiter, the pool and the token."""
    read_timeout: float
    connect_timeout: float
    max_body: int
    first_attempt: aiohttp.ClientTimeout = attrs.field(init=False)
    """The first attempt's timeouts, made once: the whole deadline is still ahead of it."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "first_attempt", self.attempt_timeout(self.timeout))

    def attempt_timeout(self, left: float) -> aiohttp.ClientTimeout:
        """One timer bounds the attempt: connecting plus reading, within what is `left` of
        the deadline. (aiohttp's `sock_read` would re-arm a timer for every chunk read.)"""
        return aiohttp.ClientTimeout(
            total=min(left, self.connect_timeout + self.read_timeout),
            sock_connect=self.connect_timeout,
        )
