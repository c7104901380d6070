"""How a client authenticates: a fixed API key, or OAuth2 client credentials.

Both produce the `Authorization` header value for each request. On a 401 the client asks
its auth to `renew` once: a fixed key cannot (the error surfaces), client credentials
fetch a new token (the API has no refresh grant; an expired token is answered with a 401
`invalid_token`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from . import _arguments, _defaults
from ._errors import AuthenticationError, MalformedResponseError, error_from_response

PostJson = Callable[[str, Mapping[str, str]], Awaitable[tuple[int, bytes, Mapping[str, str]]]]
"""Sends a JSON POST to a path on the host; returns status, body and headers."""


class Auth(Protocol):
    """What a client needs from its credentials."""

    async def authorization(self, post: PostJson) -> str:
        """The `Authorization` header value to send."""
        ...

    async def renew(self, post: PostJson, rejected: str) -> bool:
        """After `rejected` was answered with a 401: get new credentials; False if it cannot."""
        ...


class ApiKeyAuth:
    """A personal access token (OAuth API) or a register's API key (Register API)."""

    __slots__ = ("_header",)

    def __init__(self, api_key: str) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("api_key must be a non-empty string")
        self._header = f"Bearer {_arguments.secret(api_key.strip(), 'api_key')}"

    async def authorization(self, post: PostJson) -> str:
        return self._header

    async def renew(self, post: PostJson, rejected: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key=<redacted>)"


class ClientCredentialsAuth:
    """OAuth2 client credentials: a token from `POST /oauth/token`, fetched when first
    needed, renewed shortly before it expires and once when the API rejects it.

    Concurrent requests share one fetch: the lock is taken only when there is no valid
    token, and the token is checked again once it is held.
    """

    def __init__(
        self,
        client_id: str | int,
        client_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not str(client_id).strip() or not isinstance(client_secret, str) or not client_secret:
            raise ValueError("client_id and client_secret must be non-empty")
        self._client_id = str(client_id)
        self._client_secret = client_secret
        self._clock = clock
        self._header: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def authorization(self, post: PostJson) -> str:
        header = self._header
        if header is not None and self._clock() < self._expires_at:
            return header
        async with self._lock:
            if self._header is None or self._clock() >= self._expires_at:
                await self._fetch(post)
            assert self._header is not None
            return self._header

    async def renew(self, post: PostJson, rejected: str) -> bool:
        async with self._lock:
            if self._header == rejected:  # nobody renewed it meanwhile
                await self._fetch(post)
        return True

    async def _fetch(self, post: PostJson) -> None:
        status, body, headers = await post(
            _defaults.TOKEN_PATH,
            {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
        )
        if status >= 400:
            error = error_from_response(status, body, headers)
            raise AuthenticationError(
                f"token request failed: {error.message}",
                status=status,
                code=error.code,
                errors=error.errors,
                body=error.body,
                headers=headers,
            )
        try:
            token = json.loads(body)
            access_token = token["access_token"]
            expires_in = float(token.get("expires_in") or 0)
        except (ValueError, TypeError, KeyError):
            raise MalformedResponseError(
                "the token response has no access_token", status=status, body=body
            ) from None
        if not isinstance(access_token, str) or not access_token:
            raise MalformedResponseError(
                "the token response has no access_token", status=status, body=body
            )
        self._header = f"Bearer {access_token}"
        lifetime = expires_in - _defaults.TOKEN_EXPIRY_MARGIN if expires_in else float("inf")
        self._expires_at = self._clock() + max(lifetime, 0.0)

    def __repr__(self) -> str:
        state = "token held" if self._header else "no token yet"
        return f"ClientCredentialsAuth(client_id={self._client_id!r}, {state})"
