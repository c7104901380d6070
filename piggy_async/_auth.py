"""How a client authenticates: a fixed API key, or OAuth2 client credentials.

Both produce the `Authorization` header value for each request. On a 401 the client asks
its auth to `renew` once: a fixed key cannot (the error surfaces), client credentials
fetch a new token (the API has no refresh grant; an expired token is answered with a 401
`invalid_token`).
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Awaitable, Callable
from typing import Protocol

from . import _defaults
from ._clock import SYSTEM_CLOCK, Clock
from ._errors import APIError, AuthenticationError, MalformedResponseError
from ._json import decode
from ._transport.attempt import Response

PostToken = Callable[[bytes], Awaitable[Response]]
"""Sends a JSON body to the token endpoint (retried like any call); returns status, body
and headers."""


class Auth(Protocol):
    """What a client needs from its credentials."""

    @property
    def static_authorization(self) -> str | None:
        """The `Authorization` value if it never changes (the client then sends it with its
        pool's default headers and never asks again), else None."""
        ...

    def budget_key(self) -> str:
        """What identifies the API budget these credentials draw from (hashed before use)."""
        ...

    def current(self) -> str | None:
        """The `Authorization` value when it is at hand without waiting, else None (the
        client then awaits `authorization`)."""
        ...

    async def authorization(self, post: PostToken) -> str:
        """The `Authorization` header value to send."""
        ...

    async def renew(self, post: PostToken, rejected: str) -> bool:
        """After `rejected` was answered with a 401: get new credentials; False if it cannot."""
        ...


def _check_secret(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    value = value.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{name} must not contain control characters (a stray newline?)")
    return value


class ApiKeyAuth:
    """A personal access token (OAuth API) or a register's API key (Register API)."""

    __slots__ = ("_header",)

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {_check_secret('api_key', api_key)}"

    @property
    def static_authorization(self) -> str:
        """The header never changes: the client sends it with its pool's default headers."""
        return self._header

    def budget_key(self) -> str:
        return self._header

    def current(self) -> str:
        return self._header

    async def authorization(self, post: PostToken) -> str:
        return self._header

    async def renew(self, post: PostToken, rejected: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key=<redacted>)"


class ClientCredentialsAuth:
    """OAuth2 client credentials: a token from `POST /oauth/token`, fetched when first
    needed, renewed shortly before it expires and once when the API rejects it.

    Concurrent callers share one fetch, and its outcome: when it fails, every caller that
    waited for it gets the same error, and the next call starts a fresh fetch. Expiry is
    counted on `clock` (the client's: `OAuthClient(..., clock=...)` passes it on).
    """

    static_authorization = None

    def __init__(
        self,
        client_id: str | int,
        client_secret: str,
        *,
        clock: Clock | Callable[[], float] | None = None,
    ) -> None:
        if isinstance(client_id, bool) or not isinstance(client_id, str | int):
            raise ValueError("client_id must be a string or an integer")
        self._client_id = _check_secret("client_id", str(client_id))
        self._client_secret = _check_secret("client_secret", client_secret)
        self._now = _monotonic(clock)
        self._header: str | None = None
        self._expires_at = 0.0
        self._fetching: asyncio.Future[str] | None = None

    def budget_key(self) -> str:
        return f"client:{self._client_id}"

    def current(self) -> str | None:
        header = self._header
        return header if header is not None and self._now() < self._expires_at else None

    async def authorization(self, post: PostToken) -> str:
        return self.current() or await self._shared_fetch(post)

    async def renew(self, post: PostToken, rejected: str) -> bool:
        if self._header == rejected:  # nobody renewed it meanwhile
            self._header = None
        await self.authorization(post)
        return True

    async def _shared_fetch(self, post: PostToken) -> str:
        if self._fetching is None:
            fetching = asyncio.ensure_future(self._fetch(post))
            self._fetching = fetching
            fetching.add_done_callback(self._fetched)
        # shield: one caller cancelled does not cancel the fetch the others wait for
        return await asyncio.shield(self._fetching)

    def _fetched(self, future: asyncio.Future[str]) -> None:
        self._fetching = None
        if not future.cancelled():
            future.exception()  # retrieved: every waiter has it already

    async def _fetch(self, post: PostToken) -> str:
        body = json.dumps(
            {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            }
        ).encode()
        try:
            status, raw, _ = await post(body)
        except APIError as error:
            if error.status == 429 or error.status >= 500:
                raise  # the API's trouble, not the credentials': the caller may try again
            raise AuthenticationError(
                f"token request failed: {error.message}",
                status=error.status,
                code=error.code,
                errors=error.errors,
                body=error.body,
                headers=error.headers,
            ) from None
        token = _token(raw, status)
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token.strip():
            raise MalformedResponseError(
                "the token response has no usable access_token", status=status, body=b""
            )
        expires_in = token.get("expires_in")
        lifetime = float("inf")
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
            # renew a margin early, but never so early that a short-lived token is renewed
            # on every request
            lifetime = expires_in - min(_defaults.TOKEN_EXPIRY_MARGIN, expires_in / 2)
        self._header = f"Bearer {access_token}"
        self._expires_at = self._now() + max(lifetime, 0.0)
        return self._header

    def __repr__(self) -> str:
        state = "token held" if self._header else "no token yet"
        return f"ClientCredentialsAuth(client_id={self._client_id!r}, {state})"


def _monotonic(clock: Clock | Callable[[], float] | None) -> Callable[[], float]:
    """The monotonic time of `clock`; a plain function returning seconds still works."""
    if clock is None:
        return SYSTEM_CLOCK.now
    if isinstance(clock, Clock):
        return clock.now
    warnings.warn(
        "ClientCredentialsAuth(clock=...) takes a piggy_async.Clock now (time.monotonic "
        "-> piggy_async.SystemClock(), a fake -> piggy_async.VirtualClock())",
        DeprecationWarning,
        stacklevel=3,
    )
    return clock


def _token(raw: bytes, status: int) -> dict[str, object]:
    """The token response's JSON object; its body is never quoted, as it holds the token."""
    try:
        token = decode(raw, status=status)
    except (ValueError, MalformedResponseError):  # not JSON, or nested too deeply
        token = None
    if not isinstance(token, dict):
        raise MalformedResponseError(
            "the token response has no access_token (it is not a JSON object)",
            status=status,
            body=b"",
        )
    return token
