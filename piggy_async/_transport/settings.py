"""`CallSettings`: what one call may spend, a client's or a `with_options` view's."""

from __future__ import annotations

import ssl as _ssl

import aiohttp
import attrs

from .hooked import Hooks
from .policy import RetryPolicy


@attrs.frozen
class CallSettings:
    """What one call may spend: its retry policy, its deadline and its timeouts."""

    policy: RetryPolicy
    timeout: float
    """Seconds for the whole call: attempts, waits, the limiter, the pool and the token."""
    read_timeout: float
    """Seconds one attempt may take once it has a connection, to the answer's last byte."""
    connect_timeout: float
    """Seconds to open a new connection."""
    pool_timeout: float
    """Seconds to get a connection: a free one from the pool, or a new one opened."""
    max_body: int
    ssl: _ssl.SSLContext | bool = True
    """How the server's certificate is checked: a context, True (the system's) or False."""
    proxy: str | None = None
    """The proxy to send through; None: the environment's (`HTTPS_PROXY`, `NO_PROXY`)."""
    hooks: Hooks | None = None
    """The request hooks; None when there are none."""
    connect_limit: aiohttp.ClientTimeout = attrs.field(init=False)
    """What aiohttp bounds itself: getting a connection (`connect`: the wait for a free one
    and the opening of a new one) and opening one (`sock_connect`). It arms a timer only
    when the pool has no idle connection; the read timeout is the watchdog's to keep."""

    def __attrs_post_init__(self) -> None:
        limit = aiohttp.ClientTimeout(
            total=None,
            connect=self.pool_timeout,
            sock_connect=self.connect_timeout,
        )
        object.__setattr__(self, "connect_limit", limit)
