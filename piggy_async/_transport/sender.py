"""`Transport`: sends one operation call as one or more attempts.

    deadline ── limiter.acquire ── authorization ── HTTP attempt ── limiter.observe
        ▲                                                               │
        └──────── wait (Retry-After or backoff) ◄── retry? (RetryPolicy) ┘

One `Transport` serves a client and every `with_options` view of it: it owns the
connection pool, the credentials, the limiter and the retry quota; each call brings its
`CallSettings` (retry policy, deadline, timeouts).
"""

from __future__ import annotations

import asyncio
import logging
import random
import urllib.request
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import attrs
from yarl import URL

from .. import _defaults
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientStateError,
    OutcomeUnknownError,
    ResponseTooLargeError,
    error_from_response,
)
from .._operation import Operation
from ..limiters import Limiter, WaitTooLong
from . import headers as rate_headers
from .capture import record
from .clock import Clock
from .events import EventHook, TransportEvent
from .policy import RetryPolicy
from .quota import RetryQuota

logger = logging.getLogger("piggy_async")

Response = tuple[int, bytes, Mapping[str, str]]
PostToken = Callable[[bytes], Awaitable[Response]]
"""Sends the token request's JSON body to the token endpoint, under the retry policy."""

TOKEN_OPERATION: Operation[Any] = Operation(
    api="oauth",
    resource="oauth",
    name="token",
    method="POST",
    path=_defaults.TOKEN_PATH,
    summary="Fetch an access token (client credentials)",
    data_type=Any,
    data_spec="any",
    retry_safe=True,  # asking for another token twice does no harm
)


_NOTICEABLE_WAIT = 0.001
"""Seconds: a limiter that let a request through at once took less than this."""


@attrs.frozen
class CallSettings:
    """What one call may spend: its retry policy, its deadline and its timeouts."""

    policy: RetryPolicy
    timeout: float
    """Seconds for the whole call: attempts, waits, the limiter, the pool and the token."""
    read_timeout: float
    connect_timeout: float
    max_body: int


class _Failed(Exception):
    """An attempt that got no usable answer; `sent` says whether the request went out."""

    def __init__(self, error: APIConnectionError, *, sent: bool) -> None:
        self.error = error
        self.sent = sent


class Transport:
    """The connection pool, credentials, limiter and retry quota one client's calls share."""

    def __init__(
        self,
        *,
        auth: Any,
        owner: str,
        key: str,
        token_url: URL,
        limiter: Limiter,
        clock: Clock,
        headers: Mapping[str, str],
        connection_limit: int,
        on_event: EventHook | None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.auth = auth
        self.owner = owner
        """The client's class name, for messages."""
        self.key = key
        """The fingerprint of the credentials that names this client's budget."""
        self.token_url = token_url
        self.limiter = limiter
        self.clock = clock
        self.quota = RetryQuota()
        self._headers = dict(headers)
        self._connection_limit = connection_limit
        self._on_event = on_event
        self._random = rng
        self._session: aiohttp.ClientSession | None = None
        self._proxy: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    # -- the pool ---------------------------------------------------------------------------

    def session(self, owner: str) -> aiohttp.ClientSession:
        if self.closed:
            raise ClientStateError(f"{owner} is closed: create a new client to send requests")
        loop = asyncio.get_running_loop()
        if self._session is None:
            self._loop = loop
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit),
                headers=self._headers,
            )
            # Read once: aiohttp's trust_env would look the proxy up in a thread per request
            self._proxy = env_proxy(self.token_url)
        elif loop is not self._loop:
            raise ClientStateError(
                f"{owner} was opened on another event loop: create one client per event loop"
            )
        return self._session

    async def close(self) -> None:
        self.closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
        await self.limiter.aclose()

    @property
    def is_open(self) -> bool:
        return self._session is not None

    def __del__(self) -> None:
        if self._session is not None and not self.closed:
            warnings.warn(
                f"{self.owner} was never closed: use `async with {self.owner}(...)` or "
                "`await client.close()`, or its connections stay open",
                ResourceWarning,
                source=self,
                stacklevel=1,
            )

    # -- one call ---------------------------------------------------------------------------

    async def send(
        self,
        operation: Operation[Any],
        url: URL,
        params: list[tuple[str, str]],
        payload: bytes | None,
        headers: dict[str, str],
        settings: CallSettings,
        *,
        owner: str,
        authenticate: bool = True,
    ) -> Response:
        """Send until a success, a final error, or the deadline; return the success."""
        clock, limiter, key = self.clock, self.limiter, self.key
        label = f"{operation.resource}.{operation.name}"
        deadline = clock.now() + settings.timeout
        attempt = 0
        failures = 0  # retried failures; 429s are waits the deadline bounds, not failures
        spent = 0  # retry quota this call took, given back when it succeeds
        renewed = False
        while True:
            attempt += 1
            authorization = ""
            if authenticate:  # before the limiter: the token request takes its own turn
                authorization = await self.auth.authorization(self._token_sender(settings))
                headers["Authorization"] = authorization
            waited_from = clock.now()
            try:
                await limiter.acquire(key, deadline - waited_from)
            except WaitTooLong as too_long:
                raise self._wait_error(label, too_long, settings) from None
            waited = clock.now() - waited_from
            if waited > _NOTICEABLE_WAIT:
                self._emit("wait", label, attempt, delay=waited)
            try:
                response = await self._attempt(
                    operation,
                    label,
                    attempt,
                    url,
                    params,
                    payload,
                    headers,
                    settings,
                    deadline,
                    owner,
                )
            except _Failed as failed:
                limiter.observe(key, 0, {})
                delay = self._retry_delay_after_failure(operation, failed, failures, settings)
                if delay is None or clock.now() + delay >= deadline:
                    raise failed.error from None
                failures += 1
                spent += _defaults.RETRY_COST_CONNECTION
                await self._wait_retry(label, attempt, delay, type(failed.error).__name__)
                continue
            except BaseException:
                limiter.observe(key, 0, {})
                raise
            status, _, response_headers = response
            limiter.observe(key, status, response_headers)
            if 200 <= status < 300:
                self.quota.refund(spent or _defaults.RETRY_QUOTA_REFUND)
                record(operation, response)
                return response
            if status == 401 and authenticate and not renewed:
                renewed = True
                if await self.auth.renew(self._token_sender(settings), authorization):
                    continue
            error = error_from_response(status, response[1], response_headers, operation=label)
            delay = self._retry_delay_after_status(operation, error, failures, settings)
            if delay is None or clock.now() + delay >= deadline:
                raise error
            if status != 429:
                failures += 1
                spent += _defaults.RETRY_COST
            await self._wait_retry(label, attempt, delay, f"HTTP {status}")

    def _retry_delay_after_status(
        self, operation: Operation[Any], error: APIError, failures: int, settings: CallSettings
    ) -> float | None:
        """The wait before retrying an error answer, or None to raise it now.

        A 429 is the API's "wait", not a failure: it counts against neither `max_retries`
        nor the retry quota (the deadline and `max_wait` bound it), unless retrying is off.
        """
        policy = settings.policy
        status = error.status
        if policy.max_retries == 0 or not policy.retries_status(
            status, retry_safe=operation.retry_safe
        ):
            return None
        asked = rate_headers.retry_after(error.headers)
        if status == 429:
            self._emit(
                "rate_limited", operation_label(operation), failures + 1, status, delay=asked
            )
        elif failures >= policy.max_retries or not self.quota.spend(_defaults.RETRY_COST):
            return None
        if asked is None:
            return policy.backoff(failures, self._random)
        if asked > policy.max_wait:
            return None  # surfaces at once, carrying `retry_after`
        return asked * (1 + _defaults.PAUSE_SPREAD * self._random())

    def _retry_delay_after_failure(
        self, operation: Operation[Any], failed: _Failed, failures: int, settings: CallSettings
    ) -> float | None:
        policy = settings.policy
        if failures >= policy.max_retries or isinstance(failed.error, OutcomeUnknownError):
            return None
        if failed.sent and not operation.retry_safe:
            return None
        if not self.quota.spend(_defaults.RETRY_COST_CONNECTION):
            return None
        return policy.backoff(failures, self._random)

    async def _wait_retry(self, label: str, attempt: int, delay: float, reason: str) -> None:
        logger.info("%s: %s, retry %d in %.2f s", label, reason, attempt, delay)
        self._emit("retry", label, attempt, delay=delay, reason=reason)
        await self.clock.sleep(delay)

    def _wait_error(
        self, label: str, too_long: WaitTooLong, settings: CallSettings
    ) -> APIConnectionError | APIError:
        if too_long.rate_limited:
            error = error_from_response(429, b"", {"Retry-After": f"{too_long.wait:.3f}"})
            error.message = (
                f"{label}: rate limited for another {too_long.wait:.1f} s, past the deadline"
            )
            return error
        return APITimeoutError(
            f"{label}: the rate limiter would wait {too_long.wait:.1f} s, "
            f"past the call's {settings.timeout:g} s deadline"
        )

    async def _attempt(
        self,
        operation: Operation[Any],
        label: str,
        attempt: int,
        url: URL,
        params: list[tuple[str, str]],
        payload: bytes | None,
        headers: Mapping[str, str],
        settings: CallSettings,
        deadline: float,
        owner: str,
    ) -> Response:
        session = self.session(owner)
        emit = self._on_event is not None
        if emit:
            self._emit("request", label, attempt)
        started = self.clock.now()
        left = deadline - started
        if left <= 0:
            raise _Failed(APITimeoutError(f"{label}: the call's deadline has passed"), sent=False)
        timeout = aiohttp.ClientTimeout(
            total=left, sock_connect=settings.connect_timeout, sock_read=settings.read_timeout
        )
        try:
            async with session.request(
                operation.method,
                url,
                params=params or None,
                data=payload,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                proxy=self._proxy,
            ) as response:
                body = await _read_capped(response, settings.max_body, label)
                result = response.status, body, response.headers
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            reason = (
                "could not connect"
                if isinstance(error, aiohttp.ClientConnectorError)
                else "connect timed out"
            )
            raise _Failed(
                APIConnectionError(f"{label}: {reason} ({_describe(error)})"), sent=False
            ) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise _Failed(self._broken(operation, label, error, settings), sent=True) from None
        if emit:
            self._emit("response", label, attempt, result[0], elapsed=self.clock.now() - started)
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (self.clock.now() - started) * 1000
            path = operation.redacted_path(url.raw_path)
            logger.debug("%s %s -> %d in %.1f ms", operation.method, path, result[0], elapsed)
        return result

    @staticmethod
    def _broken(
        operation: Operation[Any], label: str, error: BaseException, settings: CallSettings
    ) -> APIConnectionError:
        timed_out = isinstance(error, TimeoutError)
        what = (
            f"no answer within the {settings.read_timeout:g} s read timeout"
            if isinstance(error, aiohttp.ServerTimeoutError)
            else f"no answer within the call's {settings.timeout:g} s timeout"
            if timed_out
            else f"the connection broke off ({_describe(error)})"
        )
        if not operation.retry_safe:
            return OutcomeUnknownError(
                f"{label}: {what} after the request was sent: it may or may not have been "
                "processed; look the result up before sending it again"
            )
        cls = APITimeoutError if timed_out else APIConnectionError
        return cls(f"{label}: {what}", may_have_been_processed=True)

    def _token_sender(self, settings: CallSettings) -> PostToken:
        async def post(payload: bytes) -> Response:
            headers = {"Content-Type": "application/json"}
            return await self.send(
                TOKEN_OPERATION,
                self.token_url,
                [],
                payload,
                headers,
                settings,
                owner="the token request",
                authenticate=False,
            )

        return post

    def _emit(
        self,
        kind: Any,
        label: str,
        attempt: int,
        status: int | None = None,
        *,
        delay: float | None = None,
        elapsed: float | None = None,
        reason: str | None = None,
    ) -> None:
        if self._on_event is not None:
            self._on_event(TransportEvent(kind, label, attempt, status, delay, elapsed, reason))


def env_proxy(url: URL) -> str | None:
    """The proxy `HTTPS_PROXY`/`HTTP_PROXY` name for `url`'s scheme, unless `NO_PROXY`
    exempts its host."""
    if url.host is None or urllib.request.proxy_bypass(url.host):
        return None
    return urllib.request.getproxies().get(url.scheme)


def operation_label(operation: Operation[Any]) -> str:
    return f"{operation.resource}.{operation.name}"


def _describe(error: BaseException) -> str:
    """The kind of a network failure, without aiohttp's message: that can quote the URL
    (query strings carry e-mails) or read like an HTTP status."""
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


async def _read_capped(response: aiohttp.ClientResponse, cap: int, label: str) -> bytes:
    """The body, refusing to hold more than `cap` bytes of it."""
    length = response.content_length
    if length is not None:
        if length > cap:
            raise ResponseTooLargeError(
                f"{label}: the response announces {length} bytes, over the {cap}-byte cap"
            )
        return await response.read()
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_any():
        size += len(chunk)
        if size > cap:
            raise ResponseTooLargeError(f"{label}: the response passed the {cap}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)
