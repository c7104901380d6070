"""Clients from the environment: `PIGGY_API_KEY` (or `PIGGY_CLIENT_ID` and
`PIGGY_CLIENT_SECRET`) and `PIGGY_BASE_URL`. Credentials are only ever read from the
environment (never from arguments, which other users can see in the process list) and
never printed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final, Literal
from urllib.parse import urlsplit

from .. import _defaults
from ._exit import ConfigError

if TYPE_CHECKING:
    from .._clients import OAuthClient, RegisterClient

CLIENT_ID_ENV: Final = "PIGGY_CLIENT_ID"
CLIENT_SECRET_ENV: Final = "PIGGY_CLIENT_SECRET"

ENV_HELP: Final = f"""\b
Environment:
  {_defaults.API_KEY_ENV}        personal access token (or a register key with --api register)
  {CLIENT_ID_ENV}, {CLIENT_SECRET_ENV}  OAuth2 client credentials, instead
  {_defaults.BASE_URL_ENV}       API host (default {_defaults.BASE_URL})
"""


def client(api: Literal["oauth", "register"]) -> OAuthClient | RegisterClient:
    """A client for `api` from the environment.

    Raises:
        ConfigError: No credentials, or a bad base URL.
    """
    return oauth_client() if api == "oauth" else register_client()


def _check_base_url() -> None:
    """A `PIGGY_BASE_URL` that carries an API's path (as a server banner may print it) would
    have every request answered 404: name the part to set instead.

    Raises:
        ConfigError: The URL holds `/api/v3...`.
    """
    url = os.environ.get(_defaults.BASE_URL_ENV) or ""
    parts = urlsplit(url)
    at = parts.path.find("/api/")
    if at >= 0:
        host = parts._replace(path=parts.path[:at], query="", fragment="").geturl()
        raise ConfigError(
            f"{_defaults.BASE_URL_ENV} is the API host only: set it to {host!r}, without"
            f" {parts.path[at:]!r} (each API's path is added to it)"
        )


def oauth_client() -> OAuthClient:
    from .._clients import OAuthClient

    _check_base_url()
    api_key = os.environ.get(_defaults.API_KEY_ENV) or None
    client_id = os.environ.get(CLIENT_ID_ENV) or None
    client_secret = os.environ.get(CLIENT_SECRET_ENV) or None
    if api_key is None and client_id is None:
        raise ConfigError(
            f"set {_defaults.API_KEY_ENV} (a personal access token), or"
            f" {CLIENT_ID_ENV} and {CLIENT_SECRET_ENV}"
        )
    try:
        if api_key is not None:
            return OAuthClient(api_key)
        return OAuthClient(client_id=client_id, client_secret=client_secret)
    except ValueError as error:  # the messages name settings, never their values
        raise ConfigError(str(error)) from None


def register_client() -> RegisterClient:
    from .._clients import RegisterClient

    _check_base_url()
    api_key = os.environ.get(_defaults.API_KEY_ENV) or None
    if api_key is None:
        raise ConfigError(f"set {_defaults.API_KEY_ENV} to the register's API key")
    try:
        return RegisterClient(api_key)
    except ValueError as error:
        raise ConfigError(str(error)) from None
