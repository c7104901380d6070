"""`CallSettings`: what one call may spend, a client's or a `with_options` view's."""

from __future__ import annotations

import ssl as _ssl

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
    ssl: _ssl.SSLContext | bool = True
    """How the server's certificate is checked: a context, True (the system's) or False."""
    proxy: str | None = None
    """The proxy to send through; None: the environment's (`HTTPS_PROXY`, `NO_PROXY`)."""
    connect_limit: aiohttp.ClientTimeout = attrs.field(init=False)
    """What aiohttp bounds itself: opening a connection. The attempt's whole time is the
    transport's watchdog's to keep (cheaper than a timer per request)."""

    first_attempt: float = attrs.field(init=False)
    """The first attempt's seconds: the whole deadline is still ahead of it."""

    def __attrs_post_init__(self) -> None:
        limit = aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout)
        object.__setattr__(self, "connect_limit", limit)
        object.__setattr__(self, "first_attempt", self.attempt_seconds(self.timeout))

    def attempt_seconds(self, left: float) -> float:
        """Seconds one attempt may take, connecting plus reading, within what is `left` of
        the deadline."""
        return min(left, self.connect_timeout + self.read_timeout)
