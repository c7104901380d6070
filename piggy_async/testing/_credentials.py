"""The credentials the fake accepts, and the client-credentials token endpoint.

- OAuth API: the personal access token `oauth_key`, or an access token that
  `POST /oauth/token` issued for `client_id`/`client_secret` (JSON or form body). Issued
  tokens expire after `token_lifetime` seconds and are then answered 401, as in production,
  so clients can be tested fetching a new one.
- Register API: the register key `register_key` only. Each key is refused on the other API.
"""

from __future__ import annotations

import secrets
from typing import Final

from aiohttp import web

from piggy_async._operation import Api

from ._bodies import read_body
from ._clock import Clock
from ._replies import Failure, json_response

MAX_LIVE_TOKENS: Final = 1000
"""Issued tokens remembered at most; the oldest is forgotten first, keeping memory bounded."""

UNAUTHENTICATED: Final = Failure(None, status=401, message="Unauthenticated.")


class Credentials:
    """Which bearer tokens each API accepts, and the tokens issued so far."""

    def __init__(
        self,
        *,
        oauth_key: str,
        register_key: str,
        client_id: str,
        client_secret: str,
        token_lifetime: float,
        clock: Clock,
    ) -> None:
        if len({oauth_key, register_key}) < 2 or not all((oauth_key, register_key)):
            raise ValueError("oauth_key and register_key must be distinct non-empty strings")
        self.oauth_key = oauth_key
        self.register_key = register_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self._clock = clock
        self._issued: dict[str, float] = {}
        """Access token → when it expires, oldest first."""

    def accepts(self, api: Api, token: str) -> bool:
        if api == "register":
            return token == self.register_key
        if token == self.oauth_key:
            return True
        expires_at = self._issued.get(token)
        return expires_at is not None and self._clock() < expires_at

    async def token_endpoint(self, request: web.Request) -> web.Response:
        """`POST /oauth/token`: an un-enveloped token, or Passport's OAuth error body."""
        try:
            fields = await read_body(request)
        except Failure as failure:  # not JSON or a form: the API's own validation error
            return json_response(failure.status, failure.body(), {})
        if fields.get("grant_type") != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", "The authorization grant type is not supported."
            )
        if (
            str(fields.get("client_id")) != self.client_id
            or fields.get("client_secret") != self.client_secret
        ):
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": round(self.token_lifetime),
                "access_token": self._issue(),
            }
        )

    def _issue(self) -> str:
        token = secrets.token_urlsafe(32)
        self._issued[token] = self._clock() + self.token_lifetime
        if len(self._issued) > MAX_LIVE_TOKENS:
            del self._issued[next(iter(self._issued))]
        return token


def _oauth_error(status: int, error: str, message: str) -> web.Response:
    return web.json_response(
        {"error": error, "error_description": message, "message": message}, status=status
    )
