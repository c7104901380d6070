"""`Transport`: sends one operation call as one or more attempts.

    deadline ── authorization ── limiter.acquire ── HTTP attempt ── limiter.observe
        ▲                                                               │
        └──────── wait (Retry-After or backoff) ◄── retry? (RetryPolicy) ┘

One `Transport` serves a client and every `with_options` view of it: it owns the
connection pool, the credentials, the limiter, the retry quota and the watchdog that bounds
each attempt in time; each call brings its `CallSettings` (retry policy, deadline,
timeouts). The common case (budget to spare, a token in hand, a 2xx answer) takes one clock
reading, and no lock, timer or extra task.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from yarl import URL

from .. import _defaults
from .._auth import PostToken
from .._error_response import error_from_response
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    OutcomeUnknownError,
    RateLimitError,
    TruncatedResponseError,
)
from .._operation import Operation
from ..limiters import Limiter, WaitTooLong
from . import headers as rate_headers
from .attempt import Failed, Response, send_once
from .capture import record
from .clock import Clock
from .events import EventHook, EventKind, TransportEvent
from .pool import Pool
from .quota import RetryQuota
from .settings import CallSettings

R = TypeVar("R")

logger = logging.getLogger("piggy_async")

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


def _as_is(_: Operation[Any], response: Response) -> Response:
    return response


class Transport:
    """The connection pool, credentials, limiter and retry quota one client's calls share.

    `owner`, the client's class name, names it in messages."""

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
        self.key = key
        """The fingerprint of the credentials that names this client's budget."""
        self.token_url = token_url
        self.limiter = limiter
        self._try_acquire: Callable[[str], bool] | None = getattr(limiter, "try_acquire", None)
        self._static_authorization: str | None = getattr(auth, "static_authorization", None)
        self.clock = clock
        self.quota = RetryQuota()
        self._on_event = on_event
        self._random = rng
        if self._static_authorization:  # sent with the pool's defaults, merged by nobody
            headers = {**headers, "Authorization": self._static_authorization}
        self.pool = Pool(
            owner=owner, headers=headers, connection_limit=connection_limit, host=token_url
        )

    @property
    def closed(self) -> bool:
        return self.pool.closed

    @property
    def is_open(self) -> bool:
        return self.pool.session is not None

    async def close(self) -> None:
        await self.pool.close()
        await self.limiter.aclose()

    # -- one call ---------------------------------------------------------------------------

    async def send(
        self,
        operation: Operation[Any],
        url: URL,
        params: list[tuple[str, str]],
        payload: bytes | None,
        headers: dict[str, str],
        settings: CallSettings,
        decode: Callable[[Operation[Any], Response], R],
        *,
        authenticate: bool = True,
        deadline: float | None = None,
    ) -> R:
        """Send until a success, a final error, or the deadline; return
        `decode(operation, success)`.

        `decode` may raise `TruncatedResponseError` for a 2xx whose body is not JSON (cut
        short on the way): that is retried like a connection broken after sending. The
        deadline is `settings.timeout` from now, or the `deadline` of the call this one
        serves (the token request).
        """
        clock, limiter, key, policy = self.clock, self.limiter, self.key, settings.policy
        label = operation.label
        if deadline is None:
            deadline = clock.now() + settings.timeout
            timeout = settings.first_attempt
        else:
            timeout = settings.attempt_seconds(deadline - clock.now())
        attempt = failures = spent = 0  # spent: retry quota, given back on success
        renewed = False
        fixed = self._static_authorization  # in the pool's default headers already
        authorization = fixed or ""
        while True:
            attempt += 1
            pool = self.pool
            session = pool.session
            if session is None or pool.loop is not asyncio.get_running_loop():
                session = pool.open()  # opens the pool, or says why it can't
            if authenticate and fixed is None:  # before the limiter: a token request waits
                current = self.auth.current()
                if current is None:
                    current = await self.auth.authorization(self._token_sender(settings, deadline))
                    timeout = settings.attempt_seconds(deadline - clock.now())
                authorization = headers["Authorization"] = current
            if self._try_acquire is None or not self._try_acquire(key):
                await self._acquire(label, attempt, deadline, settings)
                timeout = settings.attempt_seconds(deadline - clock.now())
            try:  # from here on, the limiter hears how the attempt ended
                if self._on_event is not None:
                    self._emit("request", label, attempt)
                started = clock.now() if self._on_event or logger.isEnabledFor(logging.DEBUG) else 0
                response = await send_once(
                    session,
                    pool.watchdog,
                    operation,
                    url,
                    params,
                    payload,
                    headers or None,
                    settings,
                    timeout,
                    pool.proxy,
                )
            except Failed as failed:
                limiter.observe(key, 0, {})
                retried = await self._retry_failure(
                    label, attempt, type(failed.error).__name__, deadline, settings, failures,
                    sent=failed.sent, retry_safe=operation.retry_safe,
                )  # fmt: skip
                if retried is None:  # a write lost after sending (OutcomeUnknownError) too
                    raise failed.error from None
                timeout, cost = retried
                failures, spent = failures + 1, spent + cost
                continue
            except BaseException:
                limiter.observe(key, 0, {})
                raise
            status, body, response_headers = response
            limiter.observe(key, status, response_headers)
            if started:
                self._answered(operation, label, attempt, url, status, clock.now() - started)
            if 200 <= status < 300:
                try:
                    result = decode(operation, response)
                except TruncatedResponseError as truncated:
                    if not operation.retry_safe:
                        raise OutcomeUnknownError(
                            f"{label}: HTTP {status} was answered, but its body is not JSON: "
                            "look the result up before sending the request again"
                        ) from None
                    retried = await self._retry_failure(
                        label, attempt, "an unreadable body", deadline, settings, failures,
                        sent=True, retry_safe=True,
                    )  # fmt: skip
                    if retried is None:
                        raise truncated from None
                    timeout, cost = retried
                    failures, spent = failures + 1, spent + cost
                    continue
                self.quota.refund(spent or _defaults.RETRY_QUOTA_REFUND)
                record(operation, response)
                return result
            if status == 401 and authenticate and not renewed:
                renewed = True
                if await self.auth.renew(self._token_sender(settings, deadline), authorization):
                    continue
            error = error_from_response(
                status, body, response_headers, operation=label, unsafe=not operation.retry_safe
            )
            asked = rate_headers.retry_after(response_headers)
            if status == 429:
                self._emit("rate_limited", label, attempt, status, delay=asked)
            retry = policy.delay_after_status(
                status,
                asked,
                retry_safe=operation.retry_safe,
                failures=failures,
                quota=self.quota,
                rng=self._random,
            )
            if retry is None:
                raise error
            if retry.cost:  # a failure retried, not the API's 429 "wait"
                failures, spent = failures + 1, spent + retry.cost
            next_timeout = await self._wait_retry(
                label, attempt, retry.delay, f"HTTP {status}", deadline, settings
            )
            if next_timeout is None:
                raise error
            timeout = next_timeout

    async def _acquire(
        self, label: str, attempt: int, deadline: float, settings: CallSettings
    ) -> None:
        """Wait for the limiter, within the deadline."""
        started = self.clock.now()
        try:
            await self.limiter.acquire(self.key, deadline - started)
        except WaitTooLong as too_long:
            raise self._wait_error(label, too_long, settings) from None
        waited = self.clock.now() - started
        if waited > _NOTICEABLE_WAIT:
            self._emit("wait", label, attempt, delay=waited)

    async def _retry_failure(
        self,
        label: str,
        attempt: int,
        reason: str,
        deadline: float,
        settings: CallSettings,
        failures: int,
        *,
        sent: bool,
        retry_safe: bool,
    ) -> tuple[float, int] | None:
        """After an attempt with no usable answer: sleep the backoff and return the next
        attempt's seconds and the retry quota taken, or None to give up."""
        retry = settings.policy.delay_after_failure(
            sent=sent, retry_safe=retry_safe, failures=failures, quota=self.quota, rng=self._random
        )
        if retry is None:
            return None
        next_timeout = await self._wait_retry(
            label, attempt, retry.delay, reason, deadline, settings
        )
        return None if next_timeout is None else (next_timeout, retry.cost)

    async def _wait_retry(
        self,
        label: str,
        attempt: int,
        delay: float,
        reason: str,
        deadline: float,
        settings: CallSettings,
    ) -> float | None:
        """Sleep `delay` before the next attempt, and return that attempt's seconds; None,
        without sleeping, when the deadline would pass first."""
        left = deadline - self.clock.now() - delay
        if left <= 0:
            return None
        logger.info("%s: %s, retry %d in %.2f s", label, reason, attempt, delay)
        self._emit("retry", label, attempt, delay=delay, reason=reason)
        await self.clock.sleep(delay)
        return settings.attempt_seconds(left)

    def _wait_error(
        self, label: str, too_long: WaitTooLong, settings: CallSettings
    ) -> APIConnectionError | APIError:
        if too_long.rate_limited:
            return RateLimitError(
                f"rate limited for another {too_long.wait:.1f} s, past the deadline",
                status=429,
                headers={"Retry-After": f"{too_long.wait:.3f}"},
                operation=label,
            )
        return APITimeoutError(
            f"{label}: the rate limiter would wait {too_long.wait:.1f} s, "
            f"past the call's {settings.timeout:g} s deadline"
        )

    def _answered(
        self,
        operation: Operation[Any],
        label: str,
        attempt: int,
        url: URL,
        status: int,
        elapsed: float,
    ) -> None:
        self._emit("response", label, attempt, status, elapsed=elapsed)
        if logger.isEnabledFor(logging.DEBUG):  # the path only: no query (e-mails), no headers
            logger.debug(
                "%s %s -> %d in %.1f ms",
                operation.method,
                operation.redacted_path(url.raw_path),
                status,
                elapsed * 1000,
            )

    def _token_sender(self, settings: CallSettings, deadline: float) -> PostToken:
        """Sends the token request within the `deadline` of the call that needs the token."""

        async def post(payload: bytes) -> Response:
            headers = {"Content-Type": "application/json"}
            return await self.send(
                TOKEN_OPERATION,
                self.token_url,
                [],
                payload,
                headers,
                settings,
                _as_is,
                authenticate=False,
                deadline=deadline,
            )

        return post

    def _emit(
        self,
        kind: EventKind,
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
