"""`Pool`: one client's connections: an aiohttp session bound to one event loop, the proxy
read once, and the watchdog that keeps the time limits of its attempts."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Mapping

import aiohttp
from yarl import URL

from .._errors import ClientStateError
from .attempt import env_proxy
from .watchdog import Watchdog


class Pool:
    """Opened on first use, in the event loop it is first used in; closed for good."""

    def __init__(
        self, *, owner: str, headers: Mapping[str, str], connection_limit: int, host: URL
    ) -> None:
        self._owner = owner
        self._headers = dict(headers)
        self._connection_limit = connection_limit
        self._host = host
        self.session: aiohttp.ClientSession | None = None
        """None until opened, and again once closed."""
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
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit),
                headers=self._headers,
            )
            # Read once: aiohttp's trust_env would look the proxy up in a thread per request
            self.proxy = env_proxy(self._host)
            self.watchdog = Watchdog(loop)
        elif loop is not self.loop:
            raise ClientStateError(
                f"{self._owner} was opened on another event loop: create one client per event loop"
            )
        return self.session

    async def close(self) -> None:
        self.closed = True
        if self.session is not None:
            session, self.session = self.session, None
            self.watchdog.close()
            await session.close()

    def __del__(self) -> None:
        if self.session is not None and not self.closed:
            warnings.warn(
                f"{self._owner} was never closed: use `async with {self._owner}(...)` or "
                "`await client.close()`, or its connections stay open",
                ResourceWarning,
                source=self,
                stacklevel=1,
            )
