"""`Transport`: sends one operation call as one or more attempts.

    acquire ── attempt ── observe ── retry? ──────────── wait ──┐
       ▲      (token after the limiter,   (RetryPolicy.decide:  │
       │       the watchdog's deadline)    a delay, or raise)   │
       └────────────────────────────────────────────────────────┘

One `Transport` serves a client and every `with_options` view of it: it owns the
connection pool, the credentials, the limiter, the retry quota and the watchdog that bounds
each attempt in time; each call brings its `CallSettings` (retry policy, deadline,
timeouts). The common case (budget to spare, a token in hand, a 2xx answer) takes no lock,
timer or extra task: it is what every request pays.
"""

from __future__ import annotations

import logging
import random
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import aiohttp
import attrs
from yarl import URL

from .. import _defaults
from .. import _rate_headers as rate_headers
from .._auth import Auth, PostToken
from .._clock import Clock
from .._error_response import error_from_response, unreadable
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    RateLimitError,
    TruncatedResponseError,
)
from .._operation import Operation
from ..limiters import Limiter, WaitTooLong
from . import hooked
from .attempt import Failed, Response, send_once
from .call import Call, Ended, Request
from .capture import record
from .events import EventHook, EventKind, TransportEvent, both
from .policy import Outcome, Retry
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


def _fast_path(limiter: Limiter) -> Callable[[str], bool]:
    """The limiter's `try_acquire`; for a limiter written before the protocol had it, one
    that always sends the request to `acquire`."""
    try:
        return limiter.try_acquire
    except AttributeError:
        warnings.warn(
            f"{type(limiter).__name__} has no try_acquire(key) -> bool, which the Limiter "
            "protocol now has: add one (return False to always wait in acquire)",
            DeprecationWarning,
            stacklevel=4,
        )
        return lambda key: False


class Transport:
    """The connection pool, credentials, limiter and retry quota one client's calls share.

    `owner`, the client's class name, names it in messages."""

    def __init__(
        self,
        *,
        auth: Auth,
        owner: str,
        key: str,
        token_url: URL,
        limiter: Limiter,
        clock: Clock,
        headers: Mapping[str, str],
        connection_limit: int,
        on_event: EventHook | None,
        rng: Callable[[], float] = random.random,
        session: aiohttp.ClientSession | None = None,
        connector: aiohttp.BaseConnector | None = None,
    ) -> None:
        self.auth = auth
        self.key = key
        """The fingerprint of the credentials that names this client's budget."""
        self.token_url = token_url
        self.limiter = limiter
        self._try_acquire = _fast_path(limiter)
        self._static_authorization = auth.static_authorization
        self.clock = clock
        self.quota = RetryQuota()
        self._on_event = on_event
        self.tracing: hooked.Traced | None = None
        self.tracing_hooks: hooked.Hooks | None = None
        """When the client is traced: what each call runs inside, and hooks every view runs."""
        self._random = rng
        self.pool = Pool(
            owner=owner,
            headers=headers,
            connection_limit=connection_limit,
            host=token_url,
            clock=clock,
            session=session,
            connector=connector,
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

    def listen(self, hook: EventHook) -> None:
        """Send every event to `hook` too, after the client's `on_event`."""
        self._on_event = hook if self._on_event is None else both(self._on_event, hook)

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

        The deadline is `settings.timeout` from now, or the `deadline` of the call this one
        serves: the token request, which is neither authenticated nor paced by the limiter
        (its call holds the limiter's turn already).
        """
        if deadline is None:
            deadline = self.clock.now() + settings.timeout
        call = Call(deadline, paced=authenticate)
        request = Request(operation, url, params, payload, headers)
        label = operation.label
        while True:
            call.attempt += 1
            session = self.pool.here()  # a closed client takes no turn from the limiter
            if authenticate and not self._try_acquire(self.key):  # acquire
                await self._acquire(label, call, settings)
            authorization = ""
            if authenticate:  # per request, never in the session's default headers: aiohttp
                # sends those to a proxy too, as the `Proxy-Authorization` of its CONNECT
                authorization = self._static_authorization or await self._authorize(call, settings)
                headers["Authorization"] = authorization
            answer = await self._attempt(session, request, settings, call)
            if isinstance(answer, Ended):  # attempt, observe
                ended = answer
            elif 200 <= answer[0] < 300:
                result = self._decoded(operation, answer, decode, call)
                if not isinstance(result, Ended):
                    return result
                ended = result
            elif answer[0] == 401 and await self._renewed(authorization, call, settings):
                continue  # new credentials: the same attempt again
            else:
                ended = self._rejected(operation, answer, call.attempt)
            policy, quota = settings.policy, self.quota
            retry = hooked.decide(policy, operation, call, ended, quota, self._random)  # retry?
            if retry is None or not await self._wait(label, call, retry, ended.reason):  # wait
                raise ended.error from None
            call.retried(retry)

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        request: Request,
        settings: CallSettings,
        call: Call,
    ) -> Response | Ended:
        """One HTTP attempt, its hooks run around it; the limiter hears how it ended (of a
        paced request)."""
        operation, url, params, payload, headers = request
        pool = self.pool
        paced = call.paced
        hooks = settings.hooks
        if (shared := self.tracing_hooks) is not None:
            hooks = hooked.joined(hooks, shared)
        if self._on_event is not None:
            self._emit("request", operation.label, call.attempt)
        timed = (
            self._on_event is not None or hooks is not None or logger.isEnabledFor(logging.DEBUG)
        )
        started = self.clock.now() if timed else 0.0  # a clock may well read 0
        try:
            if hooks is not None:
                await hooks.before_attempt(operation, url, headers, call)
            response = await send_once(
                session, pool.watchdog, operation, url, params, payload,
                (headers or None) if pool.headers is None else {**pool.headers, **headers},
                settings, call.deadline, pool.proxy,
            )  # fmt: skip
        except Failed as failed:
            if paced:
                self.limiter.observe(self.key, 0, {})
            reason = type(failed.error).__name__
            return Ended(failed.error, Outcome(None, sent=failed.sent), reason)
        except TruncatedResponseError as cut:  # an answer, its body cut short
            if paced:
                self.limiter.observe(self.key, cut.status, cut.headers)
            return self._unreadable(operation, cut)
        except BaseException:
            if paced:
                self.limiter.observe(self.key, 0, {})
            raise
        if paced:  # not the token request: its body is a credential
            self.limiter.observe(self.key, response[0], response[2])
            record(operation, response, call.attempt)
        if timed:
            self._answered(operation, call.attempt, url, response[0], self.clock.now() - started)
        if hooks is not None:  # the answer is in: what a hook raises is no transport failure
            await hooks.after_answer(operation, response, self.clock.now() - started, call)
        return response

    async def _acquire(self, label: str, call: Call, settings: CallSettings) -> None:
        """Wait for the limiter, within the deadline."""
        started = self.clock.now()
        try:
            await self.limiter.acquire(self.key, call.deadline - started)
        except WaitTooLong as too_long:
            raise self._wait_error(label, too_long, settings) from None
        waited = self.clock.now() - started
        if waited > _NOTICEABLE_WAIT:
            self._emit("wait", label, call.attempt, delay=waited)

    async def _authorize(self, call: Call, settings: CallSettings) -> str:
        """The `Authorization` the attempt is sent with (a token). Asked after the limiter's
        wait: a token that expired while the request queued is not sent."""
        current = self.auth.current()
        if current is None:
            current = await self.auth.authorization(self._token_sender(settings, call.deadline))
        return current

    def _decoded(
        self,
        operation: Operation[Any],
        response: Response,
        decode: Callable[[Operation[Any], Response], R],
        call: Call,
    ) -> R | Ended:
        """A 2xx answer decoded; a body cut short on the way (not JSON) is a failure after
        sending: retried for a retry-safe operation, `OutcomeUnknownError` for another."""
        try:
            result = decode(operation, response)
        except TruncatedResponseError as truncated:
            return self._unreadable(operation, truncated)
        self.quota.refund(call.spent or _defaults.RETRY_QUOTA_REFUND)
        return result

    async def _renewed(self, rejected: str, call: Call, settings: CallSettings) -> bool:
        """After a 401: whether new credentials are in hand to send the attempt again
        (once per call; never for the token request or a fixed key)."""
        if not call.paced or call.renewed:
            return False
        call.renewed = True
        return await self.auth.renew(self._token_sender(settings, call.deadline), rejected)

    def _rejected(self, operation: Operation[Any], response: Response, attempt: int) -> Ended:
        """An error answer: the error it raises (an unsafe write's 500/502/504 also as an
        unknown outcome), and what the policy weighs."""
        status, body, headers = response
        label, unsafe = operation.label, not operation.retry_safe
        error = error_from_response(status, body, headers, operation=label, unsafe=unsafe)
        asked = rate_headers.retry_after(headers, self.clock.wall)
        if status == 429:
            self._emit("rate_limited", label, attempt, status, delay=asked)
        cut = isinstance(error, TruncatedResponseError)
        return Ended(error, Outcome(status, asked=asked, unreadable=cut), f"HTTP {status}")

    def _unreadable(self, operation: Operation[Any], cut: TruncatedResponseError) -> Ended:
        """An answer whose body was cut short: `RetryPolicy` weighs its status and, when
        the status alone would not be retried, retries it as a failure after sending."""
        error = unreadable(cut, operation=operation.label, unsafe=not operation.retry_safe)
        asked = rate_headers.retry_after(cut.headers, self.clock.wall)
        outcome = Outcome(cut.status, asked=asked, unreadable=True)
        return Ended(error, outcome, f"HTTP {cut.status} with a body cut short")

    async def _wait(self, label: str, call: Call, retry: Retry, reason: str) -> bool:
        """Sleep `retry.delay` before the next attempt; False, without sleeping, when the
        deadline would pass first."""
        if call.deadline - self.clock.now() - retry.delay <= 0:
            return False
        logger.info("%s: %s, retry %d in %.2f s", label, reason, call.attempt, retry.delay)
        self._emit("retry", label, call.attempt, delay=retry.delay, reason=reason)
        await self.clock.sleep(retry.delay)
        return True

    def _wait_error(
        self, label: str, too_long: WaitTooLong, settings: CallSettings
    ) -> APIConnectionError | APIError:
        left = "" if too_long.max_wait is None else f"the {too_long.max_wait:.1f} s left of "
        why = too_long.reason and f" ({too_long.reason})"
        if too_long.rate_limited:
            return RateLimitError(
                f"rate limited for another {too_long.wait:.1f} s{why}, past {left}the deadline",
                status=429,
                headers={"Retry-After": f"{too_long.wait:.3f}"},
                operation=label,
            )
        return APITimeoutError(
            f"{label}: the rate limiter would wait {too_long.wait:.1f} s{why}, "
            f"past {left}the call's {settings.timeout:g} s deadline"
        )

    def _answered(
        self,
        operation: Operation[Any],
        attempt: int,
        url: URL,
        status: int,
        elapsed: float,
    ) -> None:
        self._emit("response", operation.label, attempt, status, elapsed=elapsed)
        if logger.isEnabledFor(logging.DEBUG):  # the path only: no query (e-mails), no headers
            logger.debug(
                "%s %s -> %d in %.1f ms",
                operation.method,
                operation.redacted_path(url.raw_path),
                status,
                elapsed * 1000,
            )

    def _token_sender(self, settings: CallSettings, deadline: float) -> PostToken:
        """Sends the token request within the `deadline` of the call that needs the token,
        each attempt reading for `TOKEN_TIMEOUT` at most."""
        read_timeout = min(settings.read_timeout, _defaults.TOKEN_TIMEOUT)
        settings = attrs.evolve(settings, read_timeout=read_timeout)

        async def post(payload: bytes) -> Response:
            headers = {"Content-Type": "application/json"}
            sent = self.send(
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
            return await (sent if self.tracing is None else self.tracing(TOKEN_OPERATION, sent))

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
