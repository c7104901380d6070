"""`Pool`: one client's connections: an aiohttp session bound to one event loop, the proxy
read once, and the watchdog that keeps the time limits of its attempts.

The session is the pool's own, or one the user passed in (then the SDK's default headers go
with each request instead, and closing the client leaves the session open); a connector the
user passed in is likewise used and never closed."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from .._clock import Clock
from .._errors import ClientStateError
from .attempt import env_proxy
from .body import ACCEPT_ENCODING
from .watchdog import Watchdog


class _Connector(aiohttp.TCPConnector):
    """Tells the watchdog when an attempt has its connection: its read timeout starts then."""

    def __init__(self, watchdog: Watchdog, *, limit: int) -> None:
        super().__init__(limit=limit)
        self._watchdog = watchdog

    async def connect(
        self,
        req: Any,
        traces: Any,
        timeout: Any,  # noqa: ASYNC109 (aiohttp's own signature)
    ) -> aiohttp.connector.Connection:
        connection = await super().connect(req, traces, timeout)
        task = asyncio.current_task()
        if task is not None:
            self._watchdog.connected(task)
        return connection


class Pool:
    """Opened on first use, in the event loop it is first used in; closed for good."""

    def __init__(
        self,
        *,
        owner: str,
        headers: Mapping[str, str],
        connection_limit: int,
        host: URL,
        session: aiohttp.ClientSession | None = None,
        connector: aiohttp.BaseConnector | None = None,
        clock: Clock,
    ) -> None:
        self._owner = owner
        self._clock = clock
        self._headers = {"Accept-Encoding": ACCEPT_ENCODING, **headers}
        self._connection_limit = connection_limit
        self._host = host
        self._user_session = session
        self._user_connector = connector
        self.session: aiohttp.ClientSession | None = None
        """None until opened, and again once closed."""
        self.headers: dict[str, str] | None = None if session is None else self._headers
        """The SDK's default headers, to send with each request: a user's session does not
        have them (the pool's own session sends them itself)."""
        self.loop: asyncio.AbstractEventLoop | None = None
        self.proxy: str | None = None
        self.watchdog: Watchdog
        self.closed = False

    def open(self) -> aiohttp.ClientSession:
        """The session, opened on first use; `ClientStateError` once closed or from another
        event loop."""
        if self.closed:
            raise ClientStateError(f"{self._owner} is closed: create a new client to send requests")
        loop = asyncio.get_running_loop()
        if self.session is None:
            self.loop = loop
            self.watchdog = Watchdog(self._clock)
            self.session = self._user_session or self._own_session()
            # Read once: aiohttp's trust_env would look the proxy up in a thread per request
            self.proxy = env_proxy(self._host)
        elif loop is not self.loop:
            raise ClientStateError(
                f"{self._owner} was opened on another event loop: create one client per event loop"
            )
        if self.session.closed:
            raise ClientStateError(
                f"the session passed to {self._owner} is closed: pass an open one"
            )
        return self.session

    def _own_session(self) -> aiohttp.ClientSession:
        connector = self._user_connector or _Connector(self.watchdog, limit=self._connection_limit)
        return aiohttp.ClientSession(
            connector=connector,
            connector_owner=self._user_connector is None,
            headers=self._headers,
        )

    def here(self) -> aiohttp.ClientSession:
        """The session, open on the running event loop: `open()` unless it is already."""
        session = self.session
        if session is None or self.loop is not asyncio.get_running_loop():
            return self.open()  # opens the pool, or says why it can't
        return session

    async def close(self) -> None:
        self.closed = True
        if self.session is not None:
            session, self.session = self.session, None
            self.watchdog.close()
            if session is not self._user_session:
                await session.close()

    def __del__(self) -> None:
        if self.session is not None and not self.closed and self._user_session is None:
            warnings.warn(
                f"{self._owner} was never closed: use `async with {self._owner}(...)` or "
                "`await client.close()`, or its connections stay open",
                ResourceWarning,
                source=self,
                stacklevel=1,
            )
