"""What a client is built from: `ClientOptions`, the checked `CallSettings` a client or a
`with_options` view sends with, and the `Transport` its calls share.

A new client option is a `ClientOptions` entry, a keyword of `BaseClient.__init__`, and the
one place below that reads it: the settings (per view) or the transport (per client).
"""

from __future__ import annotations

import hashlib
import platform
import ssl as _ssl
from collections.abc import Iterable, Mapping
from typing import TypedDict

import aiohttp
import attrs
from yarl import URL

from . import _arguments, _defaults, _http_options
from ._auth import Auth
from ._clock import Clock
from ._operation import Api
from ._transport.events import EventHook
from ._transport.hooked import Hooks
from ._transport.policy import RetryPolicy
from ._transport.sender import Transport
from ._transport.settings import CallSettings
from ._version import __version__
from .hooks import AfterResponse, BeforeRequest
from .limiters import Limiter, default_limiter

USER_AGENT = (
    f"piggy_async/{__version__} (python {platform.python_version()}; aiohttp {aiohttp.__version__})"
)


class ClientOptions(TypedDict, total=False):
    """The settings both clients take besides their credentials and `base_url`.

    All defaults live in `piggy_async._defaults`.
    """

    timeout: float
    """Seconds one call may take in all: attempts, waits between them, the rate limiter."""
    read_timeout: float
    """Seconds one attempt may take once it has a connection: sending, waiting, reading the
    whole answer."""
    connect_timeout: float
    """Seconds to open a new connection."""
    pool_timeout: float
    """Seconds to get a connection: a free one from the pool (when all `connection_limit`
    are busy) or a new one, whose opening `connect_timeout` also bounds."""
    max_retries: int
    """Retries after a call's first attempt (0 disables retrying)."""
    retry_policy: RetryPolicy
    """Backoff and wait limits; `max_retries` overrides its own."""
    limiter: Limiter
    """Paces requests within the API budget (default: `limiters.default_limiter`)."""
    connection_limit: int
    """Connections kept open at most; more concurrent requests queue for one."""
    max_response_bytes: int
    """The largest response body read; past it, `ResponseTooLargeError`."""
    headers: Mapping[str, str]
    """Headers sent with every request (e.g. `X-Partner-ID`)."""
    on_event: EventHook
    """Called with a `TransportEvent` for each attempt, answer, retry, wait and 429."""
    clock: Clock
    """Time and sleeping for retries and the limiter (a `VirtualClock` in tests)."""
    session: aiohttp.ClientSession
    """Your own session to send through; the client never closes it."""
    connector: aiohttp.BaseConnector
    """Your own connector for the client's session (instead of `connection_limit`); the
    client never closes it."""
    ssl: _ssl.SSLContext | bool
    """How the server's certificate is checked: an `ssl.SSLContext` (a corporate CA), True
    (the system's trust store) or False (no check: local test servers only)."""
    proxy: str
    """The proxy URL to send through, instead of `HTTPS_PROXY`/`HTTP_PROXY`."""
    before_request: Iterable[BeforeRequest]
    """Async functions awaited before every attempt is sent (`piggy_async.hooks`)."""
    after_response: Iterable[AfterResponse]
    """Async functions awaited on every answer, error answers included."""
    strict_responses: bool
    """Raise `MalformedResponseError` for any value that does not fit its model's field,
    instead of keeping it as sent (tests use it to catch drift from the spec)."""


def api_base(base_url: str, api: Api) -> str:
    """The URL every operation path of `api` is appended to, `base_url` checked."""
    base = URL(base_url)
    if not base.is_absolute() or base.scheme not in ("http", "https") or not base.host:
        raise ValueError("base_url must be an absolute http(s) URL such as https://api.piggy.eu")
    if base.user is not None or base.password is not None:
        raise ValueError("base_url must not carry a user or password: pass credentials as such")
    if base.query_string or base.fragment:
        raise ValueError("base_url must not have a query or fragment")
    return str(base).rstrip("/") + _defaults.API_PREFIXES[api]


def updated(
    settings: CallSettings,
    *,
    timeout: float | None = None,
    read_timeout: float | None = None,
    connect_timeout: float | None = None,
    pool_timeout: float | None = None,
    max_retries: int | None = None,
    retry_policy: RetryPolicy | None = None,
    ssl: _ssl.SSLContext | bool | None = None,
    proxy: str | URL | None = None,
    before_request: Iterable[BeforeRequest] | None = None,
    after_response: Iterable[AfterResponse] | None = None,
) -> CallSettings:
    """`settings` with what is given instead, checked: a `with_options` view's from its
    client's, or a call's (hooks: added to its own)."""
    policy = retry_policy or settings.policy
    hooks = settings.hooks
    if before_request is not None or after_response is not None:
        hooks = (hooks or Hooks()).plus(before_request, after_response)
    if max_retries is not None:
        policy = attrs.evolve(policy, max_retries=max_retries)
    given = {
        "timeout": timeout,
        "read_timeout": read_timeout,
        "connect_timeout": connect_timeout,
        "pool_timeout": pool_timeout,
    }
    seconds = {name: _arguments.seconds(v, name) for name, v in given.items() if v is not None}
    return attrs.evolve(
        settings,
        policy=policy,
        ssl=settings.ssl if ssl is None else _http_options.ssl(ssl),
        proxy=settings.proxy if proxy is None else _http_options.proxy(proxy),
        hooks=hooks,
        **seconds,  # type: ignore[arg-type]
    )


def client_settings(
    *,
    timeout: float,
    read_timeout: float,
    connect_timeout: float,
    pool_timeout: float,
    max_retries: int | None,
    retry_policy: RetryPolicy | None,
    max_response_bytes: int,
    ssl: _ssl.SSLContext | bool | None,
    proxy: str | URL | None,
    before_request: Iterable[BeforeRequest],
    after_response: Iterable[AfterResponse],
) -> CallSettings:
    """A client's own settings, checked."""
    if max_response_bytes < 1:
        raise ValueError("max_response_bytes must be at least 1")
    settings = CallSettings(
        policy=retry_policy or RetryPolicy(),
        timeout=_arguments.seconds(timeout, "timeout"),
        read_timeout=_arguments.seconds(read_timeout, "read_timeout"),
        connect_timeout=_arguments.seconds(connect_timeout, "connect_timeout"),
        pool_timeout=_arguments.seconds(pool_timeout, "pool_timeout"),
        max_body=max_response_bytes,
    )
    return updated(
        settings,
        max_retries=max_retries,
        ssl=ssl,
        proxy=proxy,
        before_request=before_request,
        after_response=after_response,
    )


def transport(
    *,
    auth: Auth,
    owner: str,
    host: str,
    limiter: Limiter | None,
    clock: Clock,
    headers: Mapping[str, str] | None,
    connection_limit: int,
    on_event: EventHook | None,
    session: aiohttp.ClientSession | None,
    connector: aiohttp.BaseConnector | None,
) -> Transport:
    """The transport of a client named `owner` sending to `host` (scheme and authority),
    its options checked."""
    if isinstance(connection_limit, bool) or not isinstance(connection_limit, int):
        raise TypeError("connection_limit must be a whole number")
    if connection_limit < 1:
        raise ValueError("connection_limit must be at least 1")
    if session is not None and connector is not None:
        raise ValueError("pass either session or connector, not both")
    return Transport(
        auth=auth,
        owner=owner,
        key=hashlib.sha256(auth.budget_key().encode()).hexdigest()[:32],
        token_url=URL(host + _defaults.TOKEN_PATH, encoded=True),
        limiter=limiter if limiter is not None else default_limiter(clock),
        clock=clock,
        headers={
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **_arguments.headers(headers or {}),
        },
        connection_limit=connection_limit,
        on_event=on_event,
        session=_http_options.session(session),
        connector=_http_options.connector(connector),
    )
