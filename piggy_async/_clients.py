"""`OAuthClient` and `RegisterClient`: the two entry points of the SDK."""

from __future__ import annotations

import os
from typing import ClassVar, Unpack

from . import _defaults
from ._auth import ApiKeyAuth, Auth, ClientCredentialsAuth
from ._client import ClientOptions
from ._generated.clients import OAuthResources, RegisterResources
from ._operation import Api


def _base_url(base_url: str | None) -> str:
    return base_url or os.environ.get(_defaults.BASE_URL_ENV) or _defaults.BASE_URL


def _api_key(api_key: str | None, client: str) -> str:
    key = api_key if api_key is not None else os.environ.get(_defaults.API_KEY_ENV)
    if key is None:
        raise ValueError(
            f"{client} needs credentials: pass api_key=... or set {_defaults.API_KEY_ENV}"
        )
    return key


class OAuthClient(OAuthResources):
    """The OAuth API (`/api/v3/oauth/clients`), for server-to-server integrations.

    Authenticate with a personal access token, `OAuthClient(api_key=...)` (or
    `PIGGY_API_KEY`), or with OAuth2 client credentials,
    `OAuthClient(client_id=..., client_secret=...)`: the token is fetched on first use
    and renewed when it expires.

        async with OAuthClient(api_key="...") as piggy:
            contact = await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")

    Args:
        api_key: A personal access token.
        client_id: OAuth2 client id (with `client_secret`, instead of `api_key`).
        client_secret: OAuth2 client secret.
        base_url: The API host; default `PIGGY_BASE_URL` or https://api.piggy.eu.
        **options: `timeout`, `max_retries`, `limiter`, ... (see `ClientOptions`).
    """

    api: ClassVar[Api] = "oauth"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        client_id: str | int | None = None,
        client_secret: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        auth: Auth
        if client_id is not None or client_secret is not None:
            if api_key is not None:
                raise ValueError("pass either api_key or client_id/client_secret, not both")
            if client_id is None or client_secret is None:
                raise ValueError("client credentials need both client_id and client_secret")
            auth = ClientCredentialsAuth(client_id, client_secret, clock=options.get("clock"))
        else:
            auth = ApiKeyAuth(_api_key(api_key, "OAuthClient"))
        super().__init__(
            auth=auth,
            base_url=_base_url(base_url),
            **options,
        )


class RegisterClient(RegisterResources):
    """The Register (POS) API (`/api/v3/register`), for one cash register.

    The API key belongs to one register and so to one shop, which is why register calls
    take no `shop_uuid`.

        async with RegisterClient(api_key="...") as pos:
            rewards = await pos.rewards.list(contact_uuid=contact.uuid)

    Args:
        api_key: The register's API key (or `PIGGY_API_KEY`).
        base_url: The API host; default `PIGGY_BASE_URL` or https://api.piggy.eu.
        **options: `timeout`, `max_retries`, `limiter`, ... (see `ClientOptions`).
    """

    api: ClassVar[Api] = "register"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            auth=ApiKeyAuth(_api_key(api_key, "RegisterClient")),
            base_url=_base_url(base_url),
            **options,
        )
