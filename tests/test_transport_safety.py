"""What the request path guarantees against hostile or broken servers: no redirect is
followed, no body is read past the cap, no secret reaches a message, a log or a repr, and
a client used wrongly says so in our words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from helpers import HOST
from scripted_api import Reply, ScriptedAPI

from piggy_async import (
    AuthenticationError,
    ClientStateError,
    MalformedResponseError,
    OAuthClient,
    PiggyError,
    RedirectError,
    ResponseTooLargeError,
    ServerError,
    capture_responses,
)
from piggy_async.limiters import AdaptiveLimiter

SECRET = "s3cr3t-client-secret"
TOKEN = "tok-9f8e7d6c5b4a"
CONTACT_PATH = "/api/v3/oauth/clients/contacts/123"
CONTACT = b'{"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}'


def _json(body: bytes, status: int = 200, **headers: str) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


@pytest.fixture
async def elsewhere() -> AsyncIterator[ScriptedAPI]:
    """Another origin, which must never be sent anything."""

    async def answer(_: web.Request) -> web.StreamResponse:
        return _json(b'{"access_token": "evil", "data": {"uuid": "evil"}}')

    async with ScriptedAPI(answer) as server:
        yield server


# -- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_an_api_redirect_is_never_followed(status: int, elsewhere: ScriptedAPI) -> None:
    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": f"{elsewhere.url}/x?email=a@b.c"})

    async with ScriptedAPI(redirect) as api, OAuthClient(api_key="k", base_url=api.url) as piggy:
        with pytest.raises(RedirectError) as caught:
            await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")
    assert elsewhere.requests == []
    assert caught.value.location == f"{elsewhere.url}/x"
    assert "a@b.c" not in str(caught.value), "the query is not quoted"
    assert len(api.requests) == 1, "a redirect is not retried either"


async def test_a_token_redirect_never_carries_the_secret_away(elsewhere: ScriptedAPI) -> None:
    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=307, headers={"Location": f"{elsewhere.url}/oauth/token"})

    async with (
        ScriptedAPI(redirect) as api,
        OAuthClient(client_id="cid", client_secret=SECRET, base_url=api.url) as piggy,
    ):
        with pytest.raises(AuthenticationError, match="not followed"):
            await piggy.contacts.get("123")
    assert elsewhere.requests == []


async def test_a_redirect_without_location_and_a_300_with_data_are_errors() -> None:
    answers = [web.Response(status=302), _json(b'{"data": {"uuid": "123"}}', status=300)]

    async def answer(_: web.Request) -> web.StreamResponse:
        return answers.pop(0)

    async with ScriptedAPI(answer) as api, OAuthClient(api_key="k", base_url=api.url) as piggy:
        with pytest.raises(RedirectError, match="no Location"):
            await piggy.contacts.get("123")
        with pytest.raises(RedirectError):
            await piggy.contacts.get("123")


# -- the size cap ------------------------------------------------------------------------


async def test_a_body_over_the_cap_is_refused_before_it_is_read() -> None:
    async def huge(_: web.Request) -> web.StreamResponse:
        return _json(b'{"data": "' + b"x" * 3_000_000 + b'"}')

    async with (
        ScriptedAPI(huge) as api,
        OAuthClient(api_key="k", base_url=api.url, max_response_bytes=1_000_000) as piggy,
    ):
        with pytest.raises(ResponseTooLargeError, match="1000000-byte cap"):
            await piggy.contacts.get("123")


async def test_an_endless_stream_stops_at_the_cap() -> None:
    written = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal written
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            while written < 200_000_000:  # bounded, though the client stops far sooner
                await response.write(b" " * 65536)
                written += 65536
        except (ConnectionError, RuntimeError):
            pass
        return response

    async with (
        ScriptedAPI(endless) as api,
        OAuthClient(
            api_key="k", base_url=api.url, max_response_bytes=1_000_000, max_retries=0
        ) as piggy,
    ):
        with pytest.raises(ResponseTooLargeError):
            await piggy.contacts.get("123")
    assert written < 50_000_000, "the client hung up instead of reading on"


# -- secrets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url", ["https://user:pa55word@api.test", "https://api.test?x=1", "https://api.test#f"]
)
def test_a_base_url_with_credentials_query_or_fragment_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError) as caught:
        OAuthClient(api_key="k", base_url=base_url)
    assert "pa55word" not in str(caught.value)


@pytest.mark.parametrize("key", ["abc\ndef", "abc\rdef", "tab\there", "nul\x00"])
def test_an_api_key_with_control_characters_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        OAuthClient(api_key=key, base_url=HOST)


async def test_no_secret_in_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answers = {"token": 0, "api": 0}

    async def answer(request: web.Request) -> web.StreamResponse:
        if request.path == "/oauth/token":
            answers["token"] += 1
            return _json(b'{"access_token": "%s", "expires_in": 3600}' % TOKEN.encode())
        answers["api"] += 1
        if answers["api"] == 1:
            return _json(b'{"message": "boom"}', status=500)
        return _json(b'{"code": 55031, "message": "Contact not found."}', status=400)

    errors: list[BaseException] = []
    async with (
        ScriptedAPI(answer) as api,
        OAuthClient(client_id="cid", client_secret=SECRET, base_url=api.url) as piggy,
    ):
        try:
            await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")
        except PiggyError as error:
            errors.append(error)
        texts = [repr(piggy), repr(piggy._transport.auth), repr(piggy.limiter)]
    assert errors, "the 400 surfaced"
    for error in errors:
        chain: BaseException | None = error
        while chain is not None:
            texts += [str(chain), repr(chain)]
            chain = chain.__cause__ or chain.__context__
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        for secret in (SECRET, TOKEN, "sandy@bikinibottom.sea"):
            assert secret not in text, f"{secret!r} leaked into {text!r}"


async def test_an_unreadable_token_response_does_not_quote_the_token() -> None:
    async def answer(_: web.Request) -> web.StreamResponse:
        return _json(b'["%s"]' % TOKEN.encode())

    async with (
        ScriptedAPI(answer) as api,
        OAuthClient(client_id="cid", client_secret=SECRET, base_url=api.url) as piggy,
    ):
        with pytest.raises(MalformedResponseError, match="access_token") as caught:
            await piggy.contacts.get("123")
    assert TOKEN not in str(caught.value)


# -- the token endpoint --------------------------------------------------------------------


async def test_concurrent_callers_share_one_failing_token_fetch() -> None:
    async def failing(request: web.Request) -> web.StreamResponse:
        return _json(b'{"message": "down"}', status=500)

    async with (
        ScriptedAPI(failing) as api,
        OAuthClient(
            client_id="cid", client_secret=SECRET, base_url=api.url, max_retries=1
        ) as piggy,
    ):
        results = await asyncio.gather(
            *(piggy.contacts.get("123") for _ in range(200)), return_exceptions=True
        )
    assert all(isinstance(result, ServerError) for result in results)
    assert len(api.requests) <= 2 * 2, "shared fetches, each retried once: not 200 of them"


async def test_a_hanging_token_endpoint_fails_every_caller_once() -> None:
    never = asyncio.Event()

    async def hang(_: web.Request) -> web.StreamResponse:
        await never.wait()
        return web.Response()

    try:
        async with (
            ScriptedAPI(hang) as api,
            OAuthClient(
                client_id="cid", client_secret=SECRET, base_url=api.url, timeout=0.3
            ) as piggy,
        ):
            results = await asyncio.gather(
                *(piggy.contacts.get("123") for _ in range(50)), return_exceptions=True
            )
    finally:
        never.set()
    assert all(isinstance(result, PiggyError) for result in results)
    assert len(api.requests) == 1, "one token request, whose timeout every caller shares"


async def test_a_short_lived_token_is_not_fetched_for_every_request() -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        if request.path == "/oauth/token":
            return _json(b'{"access_token": "t", "expires_in": 30}')
        return _json(CONTACT)

    async with (
        ScriptedAPI(answer) as api,
        OAuthClient(client_id="cid", client_secret=SECRET, base_url=api.url) as piggy,
    ):
        for _ in range(20):
            await piggy.contacts.get("123")
    assert sum(path == "/oauth/token" for _, path, _, _ in api.requests) == 1


# -- using a client ------------------------------------------------------------------------


async def test_with_options_shares_the_connection_pool_and_the_budget(api: ScriptedAPI) -> None:
    api.reply(
        Reply(body=CONTACT, headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "42"})
    )
    async with OAuthClient(api_key="k", base_url=api.url) as piggy:
        fast = piggy.with_options(timeout=5, max_retries=0)
        await fast.contacts.get("123")
        assert piggy.rate_limit.remaining == 42, "what the view learned, the client knows"
        assert fast.contacts is not piggy.contacts
        assert fast._transport is piggy._transport
    with pytest.raises(ClientStateError):
        await fast.contacts.get("123")


async def test_capture_responses_gives_status_and_headers(api: ScriptedAPI) -> None:
    api.reply(Reply(body=CONTACT, headers={"X-RateLimit-Remaining": "7"}))
    async with OAuthClient(api_key="k", base_url=api.url) as piggy:
        with capture_responses() as responses:
            contact = await piggy.contacts.get("123")
    assert contact.uuid == "123"
    (response,) = responses
    assert (response.operation, response.status) == ("contacts.get", 200)
    assert response.headers["X-RateLimit-Remaining"] == "7"


async def _answer(request: web.Request) -> web.StreamResponse:
    return _json(CONTACT)


def test_a_client_used_from_another_event_loop_says_so() -> None:
    first = asyncio.new_event_loop()
    api = ScriptedAPI(_answer)
    first.run_until_complete(api.__aenter__())
    piggy = OAuthClient(api_key="k", base_url=api.url)
    first.run_until_complete(piggy.contacts.get("123"))

    async def elsewhere() -> None:
        with pytest.raises(ClientStateError, match="another event loop"):
            await piggy.contacts.get("123")

    asyncio.run(elsewhere())
    first.run_until_complete(piggy.close())
    first.run_until_complete(api.__aexit__(None, None, None))
    first.close()
    assert len(api.requests) == 1, "nothing was sent from the other loop"


# -- proxies -------------------------------------------------------------------------------


async def test_https_proxy_and_no_proxy_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    async def answer(_: web.Request) -> web.StreamResponse:
        return _json(CONTACT)

    async with ScriptedAPI(answer) as proxy, ScriptedAPI(answer) as direct:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with OAuthClient(api_key="k", base_url="http://api.piggy.test") as piggy:
            await piggy.contacts.get("123")
        assert proxy.requests[0][2]["Host"] == "api.piggy.test", "sent through the proxy"

        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with OAuthClient(api_key="k", base_url=direct.url) as piggy:
            await piggy.contacts.get("123")
        assert len(proxy.requests) == 1 and len(direct.requests) == 1


async def test_a_limiter_passed_in_outlives_the_clients_that_share_it(api: ScriptedAPI) -> None:
    api.reply(
        Reply(body=CONTACT, headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "41"})
    )
    shared = AdaptiveLimiter()
    async with OAuthClient(api_key="k", base_url=api.url, limiter=shared) as first:
        await first.contacts.get("123")
    async with OAuthClient(api_key="k", base_url=api.url, limiter=shared) as second:
        assert second.rate_limit.remaining == 41, "what the first client learned is kept"
