"""`BaseClient`: the one request path every generated method goes through.

    method call → URL (path parameters percent-encoded) + query + JSON body    (_encoding)
                → the transport: deadline, limiter, token, attempts, retries (_transport)
                → envelope → `data` structured into a model                    (below)

A client owns one `Transport` (the connection pool, credentials, rate limiter and retry
quota); `with_options(...)` makes views that share it with other settings. What a client
is built from (its options, settings and transport) is `_client_setup.py`'s.
"""

from __future__ import annotations

import copy
import functools
import ssl as _ssl
from collections.abc import Callable, Coroutine, Iterable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import aiohttp
from yarl import URL

from . import _defaults
from ._auth import Auth
from ._client_setup import ClientOptions, api_base, client_settings, transport, updated
from ._clock import SYSTEM_CLOCK, Clock
from ._encoding import encode_body, encode_query, fill_path
from ._exactly_once import send_exactly_once
from ._operation import Api, NaturalKey, Operation
from ._options import RequestOptions
from ._pagination import AsyncPaginator, Page
from ._resource import Resource
from ._responses import data as _data
from ._responses import data_as as _data_as
from ._responses import page as _page
from ._responses import strict_data as _strict_data
from ._transport.attempt import Response
from ._transport.events import EventHook
from ._transport.policy import RetryPolicy
from ._transport.settings import CallSettings
from ._unset import Unset
from .hooks import AfterResponse, BeforeRequest
from .limiters import Limiter, RateLimitState

__all__ = ["BaseClient", "ClientOptions"]

T = TypeVar("T")
R = TypeVar("R")


class BaseClient:
    """Sends operations to one of the Piggy APIs. Use `OAuthClient` or `RegisterClient`."""

    api: ClassVar[Api]

    def __init__(
        self,
        *,
        auth: Auth,
        base_url: str,
        timeout: float = _defaults.TIMEOUT,
        read_timeout: float = _defaults.READ_TIMEOUT,
        connect_timeout: float = _defaults.CONNECT_TIMEOUT,
        pool_timeout: float = _defaults.POOL_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        limiter: Limiter | None = None,
        connection_limit: int = _defaults.CONNECTION_LIMIT,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        headers: Mapping[str, str] | None = None,
        on_event: EventHook | None = None,
        clock: Clock = SYSTEM_CLOCK,
        session: aiohttp.ClientSession | None = None,
        connector: aiohttp.BaseConnector | None = None,
        ssl: _ssl.SSLContext | bool | None = None,
        proxy: str | URL | None = None,
        strict_responses: bool = False,
        before_request: Iterable[BeforeRequest] = (),
        after_response: Iterable[AfterResponse] = (),
    ) -> None:
        self._api_base = api_base(base_url, self.api)
        self._strict_responses = bool(strict_responses)
        self._settings = client_settings(
            timeout=timeout,
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            ssl=ssl,
            proxy=proxy,
            before_request=before_request,
            after_response=after_response,
        )
        self._owner = type(self).__name__
        self._transport = transport(
            auth=auth,
            owner=self._owner,
            host=self._api_base.removesuffix(_defaults.API_PREFIXES[self.api]),
            limiter=limiter,
            clock=clock,
            headers=headers,
            connection_limit=connection_limit,
            on_event=on_event,
            session=session,
            connector=connector,
        )

    @property
    def base_url(self) -> str:
        """The API base every operation path is appended to."""
        return self._api_base

    @property
    def rate_limit(self) -> RateLimitState:
        """The API budget as this client last saw it (limit, remaining, reset, pause)."""
        return self._transport.limiter.state(self._transport.key)

    @property
    def limiter(self) -> Limiter:
        return self._transport.limiter

    def with_options(
        self,
        *,
        timeout: float | None = None,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
        pool_timeout: float | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        ssl: _ssl.SSLContext | bool | None = None,
        proxy: str | URL | None = None,
        strict_responses: bool | None = None,
        before_request: Iterable[BeforeRequest] | None = None,
        after_response: Iterable[AfterResponse] | None = None,
    ) -> Self:
        """A view of this client with other settings, sharing its connections, credentials,
        rate limiter and retry quota (closing either closes both):

            fast = piggy.with_options(timeout=5, max_retries=0)
            await fast.contacts.get(uuid)
            corporate = piggy.with_options(ssl=context, proxy="http://proxy.internal:3128")

        Hooks given here run after the client's own.
        """
        view = copy.copy(self)
        for name, value in list(vars(view).items()):  # cached resources belong to `self`
            if isinstance(value, Resource):
                del view.__dict__[name]
        view._settings = updated(
            self._settings,
            timeout=timeout,
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            ssl=ssl,
            proxy=proxy,
            before_request=before_request,
            after_response=after_response,
        )
        if strict_responses is not None:
            view._strict_responses = bool(strict_responses)
        return view

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        self._transport.pool.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool and the limiter. The client cannot be used afterwards."""
        await self._transport.close()

    def __repr__(self) -> str:
        transport = self._transport
        state = "closed" if transport.closed else "open" if transport.is_open else "not connected"
        return f"<{self._owner} {self._api_base} auth={transport.auth!r} {state}>"

    # -- the request path -----------------------------------------------------------------

    def request(
        self,
        operation: Operation[T],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions,
    ) -> Coroutine[Any, Any, T]:
        """Send `operation`; awaited, its response's `data`, structured.

        A plain function handing back the transport's coroutine: no frame of its own is
        kept alive by a request in flight.
        """
        decode = _strict_data if self._strict_responses else _data
        natural = operation.natural_key
        if natural is not None and body is not None:
            value = body.get(natural.param)
            if value is not None and not isinstance(value, Unset):  # given: exactly once
                keyed = (natural, value, decode)
                return self._send_keyed(operation, keyed, path, query, body, options)
        return self._send(operation, path, query, body, options, decode)

    def _send_keyed(
        self,
        operation: Operation[T],
        keyed: tuple[NaturalKey, Any, Callable[[Operation[T], Response], T]],
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any],
        options: RequestOptions,
    ) -> Coroutine[Any, Any, T]:
        """`operation` sent once, its outcome looked up by its natural key (the key, its
        value and how answers decode: `keyed`) when unknown (`_exactly_once.py`), every
        attempt and lookup within one deadline."""
        natural, value, decode = keyed
        transport = self._transport
        settings = self._call_settings(options)
        deadline = transport.clock.now() + settings.timeout
        as_written = functools.partial(_data_as, operation)

        def send() -> Coroutine[Any, Any, T]:
            return self._send(operation, path, query, body, options, decode, deadline=deadline)

        def look_up() -> Coroutine[Any, Any, T]:
            query = {natural.lookup_param: value}
            return self._send(natural.lookup, None, query, None, {}, as_written, deadline=deadline)

        def resolved(attempt: int, reason: str) -> None:
            transport._emit("resolved", operation.label, attempt, reason=reason)

        retries = settings.policy.max_retries
        return send_exactly_once(operation, send, look_up, retries=retries, resolved=resolved)

    def paginate(
        self,
        operation: Operation[list[T]],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any],
        body: Mapping[str, Any] | None = None,
        options: RequestOptions,
    ) -> AsyncPaginator[T]:
        """A paginator over `operation`; nothing is sent until it is awaited or iterated."""
        start = query.get("page")
        if isinstance(start, Unset) or start is None:
            start = 1
        if not isinstance(start, int) or isinstance(start, bool) or start < 1:
            raise ValueError(f"page must be a positive integer, got {start!r}")

        async def fetch(number: int) -> Page[T]:
            query_page = {**query, "page": number}
            decode = functools.partial(_page, self._strict_responses, number)
            return await self._send(operation, path, query_page, body, options, decode)

        return AsyncPaginator(fetch, start=start)

    def _send(
        self,
        operation: Operation[Any],
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
        options: RequestOptions,
        decode: Callable[[Operation[Any], Response], R],
        *,
        deadline: float | None = None,
    ) -> Coroutine[Any, Any, R]:
        """The transport's coroutine for this call, its URL, query and body encoded (a plain
        function: a frame fewer held by every request in flight); `deadline` is the clock
        reading it must end by, when it serves a call that began earlier."""
        url = URL(
            self._api_base + (fill_path(operation.path, path) if path else operation.path),
            encoded=True,
        )
        settings = self._settings
        headers: dict[str, str] = {}
        if options:  # the rare case: per-call extras and settings
            query = {**(query or {}), **options.get("extra_query", {})}
            headers.update(options.get("extra_headers", {}))
            if "extra_body" in options:
                if operation.method not in ("POST", "PUT"):
                    raise TypeError(f"{operation.method} requests have no body: use extra_query")
                body = {**(body or {}), **options["extra_body"]}
            settings = self._call_settings(options)
        params = encode_query(query) if query else []
        payload: bytes | None = None
        if operation.method in ("POST", "PUT"):
            payload = encode_body(body or {})
            headers["Content-Type"] = "application/json"
        transport = self._transport
        sent = transport.send(
            operation, url, params, payload, headers, settings, decode, deadline=deadline
        )
        return sent if transport.tracing is None else transport.tracing(operation, sent)

    def _call_settings(self, options: RequestOptions) -> CallSettings:
        """The client's settings, with the call's own `timeout` and `max_retries`."""
        if "timeout" in options or "max_retries" in options:
            return updated(
                self._settings,
                timeout=options.get("timeout"),
                max_retries=options.get("max_retries"),
            )
        return self._settings
