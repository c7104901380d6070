"""Credentials: API keys (argument or PIGGY_API_KEY) and OAuth2 client credentials, with a
token fetched lazily, shared by concurrent requests and renewed once on a 401."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import pytest
from aiohttp import web
from helpers import HOST, OAUTH, REGISTER
from multidict import CIMultiDict
from scripted_api import Reply, ScriptedAPI

from piggy_async import (
    ApiKeyAuth,
    AuthenticationError,
    ClientCredentialsAuth,
    MalformedResponseError,
    OAuthClient,
    RegisterClient,
    ServerError,
    VirtualClock,
)

BALANCE_BODY = {"data": {"balance": 49}, "meta": []}
SECRET = "s3cr3t-client-secret"


def token(access_token: str, expires_in: int = 3600) -> dict[str, Any]:
    return {"token_type": "Bearer", "expires_in": expires_in, "access_token": access_token}


class TokenAPI:
    """A token endpoint handing out `tok-1`, `tok-2`, ... and an API answering a request
    whose token is `valid` (any, when None) with the balance, any other with a 401."""

    def __init__(self) -> None:
        self.valid: set[str] | None = None
        self.issued = 0
        self.token_requests: list[tuple[CIMultiDict[str], bytes]] = []
        self.authorizations: list[str | None] = []
        """The Authorization header of every API request (not the token requests)."""
        self.fetching = asyncio.Event()
        self.token_gate: asyncio.Event | None = None
        """When set, token answers wait for this event."""
        self.hold: Callable[[str | None], Awaitable[None]] | None = None
        """Awaited with each API request's Authorization header before it is answered."""

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/oauth/token":
            self.token_requests.append((CIMultiDict(request.headers), await request.read()))
            self.fetching.set()
            if self.token_gate is not None:
                await self.token_gate.wait()
            self.issued += 1
            return web.json_response(token(f"tok-{self.issued}"))
        authorization = request.headers.get("Authorization")
        self.authorizations.append(authorization)
        if self.hold is not None:
            await self.hold(authorization)
        if self.valid is None or authorization in self.valid:
            return web.json_response(BALANCE_BODY)
        unauthenticated = {"error": "invalid_token", "message": "Unauthenticated."}
        return web.json_response(unauthenticated, status=401)


@pytest.fixture
def tokens() -> TokenAPI:
    return TokenAPI()


@pytest.fixture
async def oauth(tokens: TokenAPI) -> AsyncIterator[OAuthClient]:
    async with (
        ScriptedAPI(tokens) as server,
        OAuthClient(
            client_id="cid", client_secret=SECRET, base_url=server.url, max_retries=0
        ) as client,
    ):
        yield client


# -- client credentials -------------------------------------------------------------------


async def test_token_is_fetched_lazily_once_and_used_as_bearer(
    oauth: OAuthClient, tokens: TokenAPI
) -> None:
    assert tokens.token_requests == [], "nothing is sent before the first call"

    first = await oauth.contacts.get_credit_balance("123")
    second = await oauth.contacts.get_credit_balance("123")

    assert first.balance == second.balance == 49
    ((headers, body),) = tokens.token_requests
    assert headers["Content-Type"] == "application/json"
    assert "Authorization" not in headers
    assert json.loads(body) == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
    }
    assert tokens.authorizations == ["Bearer tok-1", "Bearer tok-1"]


async def test_concurrent_requests_share_one_token_fetch(
    oauth: OAuthClient, tokens: TokenAPI
) -> None:
    tokens.token_gate = release = asyncio.Event()
    tasks = [asyncio.create_task(oauth.contacts.get_credit_balance("123")) for _ in range(10)]
    await tokens.fetching.wait()
    for _ in range(10):  # let every task run up to the token (event-loop turns, no waiting)
        await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*tasks)

    assert [result.balance for result in results] == [49] * 10
    assert len(tokens.token_requests) == 1, "concurrent requests must share one token fetch"
    assert tokens.authorizations == ["Bearer tok-1"] * 10


async def test_a_401_renews_the_token_once_and_retries(
    oauth: OAuthClient, tokens: TokenAPI
) -> None:
    tokens.valid = {"Bearer tok-2"}
    result = await oauth.contacts.get_credit_balance("123")

    assert result.balance == 49
    assert len(tokens.token_requests) == 2
    assert tokens.authorizations == ["Bearer tok-1", "Bearer tok-2"]


async def test_a_second_401_surfaces_as_authentication_error(
    oauth: OAuthClient, tokens: TokenAPI
) -> None:
    tokens.valid = set()
    with pytest.raises(AuthenticationError) as caught:
        await oauth.contacts.get_credit_balance("123")

    assert caught.value.status == 401
    assert caught.value.message == "Unauthenticated."
    assert len(tokens.token_requests) == 2, "exactly one renewal"
    assert tokens.authorizations == ["Bearer tok-1", "Bearer tok-2"], "exactly one retry"


async def test_concurrent_401s_renew_the_token_once(oauth: OAuthClient, tokens: TokenAPI) -> None:
    rejected = 0
    all_rejected = asyncio.Event()

    async def hold(authorization: str | None) -> None:
        # Hold every request made with the first token until all five have been made.
        nonlocal rejected
        if authorization == "Bearer tok-1":
            rejected += 1
            if rejected == 5:
                all_rejected.set()
            await all_rejected.wait()

    tokens.valid, tokens.hold = {"Bearer tok-2"}, hold
    results = await asyncio.gather(*(oauth.contacts.get_credit_balance("123") for _ in range(5)))

    assert [result.balance for result in results] == [49] * 5
    assert rejected == 5
    assert len(tokens.token_requests) == 2, "one initial fetch and one renewal for all five"


@pytest.fixture
async def credentials(api: ScriptedAPI) -> AsyncIterator[OAuthClient]:
    """A client with client credentials on a scripted server."""
    async with OAuthClient(
        client_id="cid", client_secret=SECRET, base_url=api.url, max_retries=0
    ) as client:
        yield client


def paths(api: ScriptedAPI) -> list[str]:
    return [request.path for request in api.received]


@pytest.mark.parametrize(
    "answer",
    [
        Reply({"error": "invalid_client", "message": "Client authentication failed"}, 401),
        Reply({"error": "unsupported_grant_type", "message": "Unsupported grant type."}, 400),
        Reply(body="<html>oops</html>", status=403, headers={"Content-Type": "text/html"}),
    ],
)
async def test_a_failed_token_request_is_an_authentication_error(
    answer: Reply, credentials: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(answer, BALANCE_BODY)
    with pytest.raises(AuthenticationError) as caught:
        await credentials.contacts.get_credit_balance("123")

    assert caught.value.status == answer.status
    assert "token request failed" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert paths(api) == ["/oauth/token"], "no API request without a token"


async def test_a_token_endpoint_failing_on_its_side_is_a_server_error(
    credentials: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body="<html>oops</html>", status=500, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        await credentials.contacts.get_credit_balance("123")
    assert caught.value.status == 500
    assert paths(api) == ["/oauth/token"]


@pytest.mark.parametrize("body", ['{"token_type": "Bearer"}', "not json", '{"access_token": ""}'])
async def test_a_token_response_without_a_token_is_malformed(
    body: str, credentials: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body=body), BALANCE_BODY)
    with pytest.raises(MalformedResponseError, match="access_token"):
        await credentials.contacts.get_credit_balance("123")
    assert paths(api) == ["/oauth/token"]


class FakeTokenEndpoint:
    """A `post` for `ClientCredentialsAuth` that counts calls and hands out new tokens."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.calls: list[Mapping[str, str]] = []
        self.expires_in = expires_in

    async def __call__(self, body: bytes) -> Any:
        self.calls.append(json.loads(body))
        payload = token(f"tok-{len(self.calls)}", self.expires_in)
        return 200, json.dumps(payload).encode(), {}


async def test_the_token_is_renewed_shortly_before_it_expires() -> None:
    clock = VirtualClock()
    auth = ClientCredentialsAuth("cid", SECRET, clock=clock)
    post = FakeTokenEndpoint(expires_in=3600)

    assert await auth.authorization(post) == "Bearer tok-1"
    clock.advance(3000)
    assert await auth.authorization(post) == "Bearer tok-1"
    clock.advance(600)  # within the expiry margin
    assert await auth.authorization(post) == "Bearer tok-2"
    assert len(post.calls) == 2


async def test_renew_skips_the_fetch_when_someone_else_renewed() -> None:
    auth = ClientCredentialsAuth("cid", SECRET)
    post = FakeTokenEndpoint()
    rejected = await auth.authorization(post)

    assert await auth.renew(post, rejected) is True
    assert await auth.renew(post, rejected) is True
    assert await auth.authorization(post) == "Bearer tok-2"
    assert len(post.calls) == 2


async def test_an_api_key_cannot_be_renewed() -> None:
    auth = ApiKeyAuth("  test-key  ")
    post = FakeTokenEndpoint()
    assert await auth.authorization(post) == "Bearer test-key"
    assert await auth.renew(post, "Bearer test-key") is False
    assert post.calls == []


# -- configuration ------------------------------------------------------------------------


async def test_api_key_and_base_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, api: ScriptedAPI
) -> None:
    monkeypatch.setenv("PIGGY_API_KEY", "env-key")
    monkeypatch.setenv("PIGGY_BASE_URL", api.url)
    api.reply(BALANCE_BODY)

    async with OAuthClient() as piggy:
        assert piggy.base_url == f"{api.url}/api/v3/oauth/clients"
        await piggy.contacts.get_credit_balance("123")
    async with RegisterClient() as pos:
        assert pos.base_url == f"{api.url}/api/v3/register"
        await pos.contacts.get_credit_balance("123")

    assert [(r.path, r.headers["Authorization"]) for r in api.received] == [
        ("/api/v3/oauth/clients/contacts/123/credit-balance", "Bearer env-key"),
        ("/api/v3/register/contacts/123/credit-balance", "Bearer env-key"),
    ]


async def test_arguments_beat_the_environment(
    monkeypatch: pytest.MonkeyPatch, api: ScriptedAPI
) -> None:
    monkeypatch.setenv("PIGGY_API_KEY", "env-key")
    monkeypatch.setenv("PIGGY_BASE_URL", "http://127.0.0.1:9")  # nothing may go there
    api.reply(BALANCE_BODY)
    async with OAuthClient(api_key="arg-key", base_url=api.url) as piggy:
        await piggy.contacts.get_credit_balance("123")
    assert [r.headers["Authorization"] for r in api.received] == ["Bearer arg-key"]


def test_default_base_url() -> None:
    assert OAuthClient(api_key="k").base_url == "https://api.piggy.eu/api/v3/oauth/clients"
    assert RegisterClient(api_key="k").base_url == "https://api.piggy.eu/api/v3/register"
    assert OAuthClient(api_key="k", base_url=f"{HOST}/").base_url == OAUTH
    assert RegisterClient(api_key="k", base_url=HOST).base_url == REGISTER


@pytest.mark.parametrize("cls", [OAuthClient, RegisterClient])
def test_missing_credentials_are_a_value_error(cls: type[Any]) -> None:
    with pytest.raises(ValueError, match="PIGGY_API_KEY"):
        cls()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": "   "},
        {"client_id": "cid"},
        {"client_secret": SECRET},
        {"client_id": "cid", "client_secret": ""},
        {"api_key": "k", "client_id": "cid", "client_secret": SECRET},
    ],
)
def test_incomplete_or_conflicting_credentials_are_a_value_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        OAuthClient(**kwargs)


@pytest.mark.parametrize("base_url", ["api.test", "ftp://api.test", "/api"])
def test_a_base_url_that_is_not_absolute_http_is_a_value_error(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        OAuthClient(api_key="k", base_url=base_url)


async def test_repr_never_shows_a_key_secret_or_token(api: ScriptedAPI) -> None:
    key = "sk-live-very-secret"
    api.reply(token("tok-very-secret"), BALANCE_BODY)
    async with (
        OAuthClient(api_key=key, base_url=api.url) as piggy,
        RegisterClient(api_key=key, base_url=api.url) as pos,
        OAuthClient(client_id="cid", client_secret=SECRET, base_url=api.url) as oauth,
    ):
        await oauth.contacts.get_credit_balance("123")
        texts = [repr(piggy), repr(pos), repr(oauth), repr(ApiKeyAuth(key))]
        texts += [repr(ClientCredentialsAuth("cid", SECRET)), str(piggy), str(oauth)]
        texts.append(repr(piggy.contacts))
    assert "token held" in texts[2], "the token was fetched, and is not shown"
    for text in texts:
        assert key not in text
        assert SECRET not in text
        assert "tok-very-secret" not in text
    assert "redacted" in repr(ApiKeyAuth(key))
