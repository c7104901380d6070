"""Bringing one's own HTTP settings: a session or connector the SDK sends through and never
closes, `ssl=` for a private CA, `proxy=`; the SDK's promises (its headers and credentials,
no redirects, the body cap, typed errors) hold all the same."""

from __future__ import annotations

import asyncio
import base64
import ssl
import types
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web
from scripted_api import ScriptedAPI

from piggy_async import (
    APIConnectionError,
    ClientStateError,
    NotFoundError,
    OAuthClient,
    RedirectError,
    RegisterClient,
    ResponseTooLargeError,
)
from piggy_async.testing import FakePiggy

CONTACT = b'{"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}'


class _Resolver(aiohttp.abc.AbstractResolver):
    """Resolves every name to 127.0.0.1 and remembers which it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[dict[str, Any]]:
        self.asked.append(host)
        return [
            {"hostname": host, "host": "127.0.0.1", "port": port, "family": 2, "proto": 0}
            | {"flags": 0}
        ]

    async def close(self) -> None:
        pass


def _counted(session_log: list[str], headers: list[Any] | None = None) -> aiohttp.TraceConfig:
    """A session hook logging each request it sends (and its headers, into `headers`)."""
    trace = aiohttp.TraceConfig()

    async def started(_: Any, __: Any, params: aiohttp.TraceRequestStartParams) -> None:
        session_log.append(f"{params.method} {params.url.path}")
        if headers is not None:
            headers.append(params.headers)

    trace.on_request_start.append(started)
    return trace


# -- a session of one's own --------------------------------------------------------------


async def test_calls_go_through_the_users_session_which_the_client_never_closes() -> None:
    seen: list[str] = []
    sent: list[Any] = []
    async with (
        FakePiggy() as server,
        aiohttp.ClientSession(
            trace_configs=[_counted(seen, sent)], headers={"X-Correlation": "abc"}
        ) as session,
    ):
        async with OAuthClient(
            api_key=server.oauth_key, base_url=server.url, session=session
        ) as piggy:
            contact = await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
        assert seen == ["GET /api/v3/oauth/clients/contacts/find-or-create"]
        assert not session.closed, "the client closed a session it does not own"
        async with session.get(f"{server.url}/api/v3/oauth/clients/contacts/{contact.uuid}"):
            pass  # the session still works (401: its own requests carry no key)
    assert sent[0]["User-Agent"].startswith("piggy_async/")
    assert sent[0]["Accept"] == "application/json"
    assert sent[0]["X-Correlation"] == "abc", "the session's own headers go along"


async def test_client_credentials_fetch_their_token_through_the_users_session() -> None:
    seen: list[str] = []
    async with (
        FakePiggy() as server,
        aiohttp.ClientSession(trace_configs=[_counted(seen)]) as session,
        OAuthClient(
            client_id=server.client_id,
            client_secret=server.client_secret,
            base_url=server.url,
            session=session,
        ) as piggy,
    ):
        await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
    assert seen == ["POST /oauth/token", "GET /api/v3/oauth/clients/contacts/find-or-create"]


async def test_a_session_that_raises_for_status_still_gives_typed_errors() -> None:
    async with (
        FakePiggy() as server,
        aiohttp.ClientSession(raise_for_status=True) as session,
        RegisterClient(api_key=server.register_key, base_url=server.url, session=session) as pos,
    ):
        with pytest.raises(NotFoundError):
            await pos.rewards.get("00000000-0000-0000-0000-000000000000")


async def test_a_users_session_follows_no_redirect_and_keeps_the_body_cap() -> None:
    answers = [
        web.Response(status=302, headers={"Location": "http://elsewhere.invalid/x"}),
        web.Response(body=b'{"data": "' + b"x" * 5000 + b'"}', content_type="application/json"),
    ]

    async def answer(_: web.Request) -> web.StreamResponse:
        return answers.pop(0)

    async with (
        ScriptedAPI(answer) as api,
        aiohttp.ClientSession() as session,  # aiohttp follows redirects by default
        OAuthClient(
            api_key="k", base_url=api.url, session=session, max_response_bytes=1000
        ) as piggy,
    ):
        with pytest.raises(RedirectError):
            await piggy.contacts.get("123")
        with pytest.raises(ResponseTooLargeError):
            await piggy.contacts.get("123")
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"base_url": "http://other.test/"}, "no base_url"),
        ({"auth": ("u", "p")}, "no credentials"),
        ({"headers": {"Authorization": "Bearer other"}}, "no credentials"),
    ],
)
async def test_a_session_that_would_break_a_promise_is_refused(
    settings: dict[str, Any], message: str
) -> None:
    if "auth" in settings:
        with warnings.catch_warnings():  # aiohttp 3.14 deprecates BasicAuth, still honours it
            warnings.simplefilter("ignore", DeprecationWarning)
            settings = {"auth": aiohttp.BasicAuth(*settings["auth"])}
            session = aiohttp.ClientSession(**settings)
    else:
        session = aiohttp.ClientSession(**settings)
    async with session:
        with pytest.raises(ValueError, match=message):
            OAuthClient(api_key="k", session=session)


async def test_wrong_kinds_of_session_connector_ssl_and_proxy_are_refused() -> None:
    connector = aiohttp.TCPConnector()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="either session or connector"):
            OAuthClient(api_key="k", session=session, connector=connector)
    await connector.close()
    for bad in [
        {"session": object()},
        {"connector": object()},
        {"ssl": "no"},
        {"proxy": 3128},
    ]:
        with pytest.raises(TypeError):
            OAuthClient(api_key="k", **bad)
    with pytest.raises(ValueError, match="absolute http"):
        OAuthClient(api_key="k", proxy="proxy:3128")


async def test_a_closed_session_is_reported_in_our_words() -> None:
    session = aiohttp.ClientSession()
    await session.close()
    with pytest.raises(ClientStateError, match="session passed to OAuthClient is closed"):
        async with OAuthClient(api_key="k", session=session):
            pass
    piggy = OAuthClient(api_key="k", session=session)
    with pytest.raises(ClientStateError, match="session passed to OAuthClient is closed"):
        await piggy.contacts.get("123")
    await piggy.close()


async def test_a_users_connector_is_used_and_left_open() -> None:
    resolver = _Resolver()
    connector = aiohttp.TCPConnector(resolver=resolver)
    async with FakePiggy() as server:
        port = server.url.rsplit(":", 1)[1]
        async with OAuthClient(
            api_key=server.oauth_key, base_url=f"http://piggy.test:{port}", connector=connector
        ) as piggy:
            await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
    assert resolver.asked == ["piggy.test"], "the connector's resolver was not used"
    assert not connector.closed
    await connector.close()


# -- TLS with a private CA ---------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_context(ca: trustme.CA) -> ssl.SSLContext:
    """What a user behind a corporate proxy builds: the system's trust plus their CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
async def tls_server(ca: trustme.CA) -> AsyncIterator[FakePiggy]:
    """A FakePiggy served over TLS, with a certificate from `ca` for 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    async with FakePiggy() as server:
        runner = web.AppRunner(server.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
        port = runner.addresses[0][1]
        yield types.SimpleNamespace(  # type: ignore[misc]
            url=f"https://127.0.0.1:{port}", oauth_key=server.oauth_key
        )
        await runner.cleanup()


async def test_a_private_ca_is_trusted_through_ssl(
    tls_server: Any, ca_context: ssl.SSLContext
) -> None:
    key, url = tls_server.oauth_key, tls_server.url
    async with OAuthClient(api_key=key, base_url=url, max_retries=0) as piggy:
        with pytest.raises(APIConnectionError, match="could not connect"):
            await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
        trusted = piggy.with_options(ssl=ca_context)
        assert (await trusted.contacts.find_or_create(email="sandy@bikinibottom.sea")).uuid
    async with OAuthClient(api_key=key, base_url=url, ssl=ca_context) as piggy:
        assert (await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")).uuid
    async with OAuthClient(api_key=key, base_url=url, ssl=False) as piggy:  # no check at all
        assert (await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")).uuid


async def test_ssl_applies_to_a_users_session_too(
    tls_server: Any, ca_context: ssl.SSLContext
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        OAuthClient(
            api_key=tls_server.oauth_key, base_url=tls_server.url, session=session, ssl=ca_context
        ) as piggy,
    ):
        assert (await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")).uuid


# -- proxies -----------------------------------------------------------------------------


@pytest.fixture
async def proxy() -> AsyncIterator[ScriptedAPI]:
    """A forward proxy that answers every request itself, as if from the API."""

    async def answer(_: web.Request) -> web.StreamResponse:
        return web.Response(body=CONTACT, content_type="application/json")

    async with ScriptedAPI(answer) as server:
        yield server


@pytest.fixture
def dead_env_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An environment proxy that refuses connections: `proxy=` must win over it."""
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield


async def test_requests_go_through_the_given_proxy_with_its_credentials(
    proxy: ScriptedAPI, dead_env_proxy: None, caplog: pytest.LogCaptureFixture
) -> None:
    proxy_url = proxy.url.replace("http://", "http://agent:pr0xy-pw@")
    caplog.set_level("DEBUG", logger="piggy_async")
    async with OAuthClient(
        api_key="k", base_url="http://piggy.invalid", proxy=proxy_url, max_retries=0
    ) as piggy:
        contact = await piggy.contacts.get("123")
        await piggy.with_options(proxy=proxy.url).contacts.get("123")
    assert contact.email == "sandy@bikinibottom.sea"
    (_, path, headers, _), (_, _, plain, _) = proxy.requests
    assert path == "/api/v3/oauth/clients/contacts/123"
    assert headers["Host"] == "piggy.invalid"
    assert headers["Proxy-Authorization"] == "Basic " + base64.b64encode(b"agent:pr0xy-pw").decode()
    assert "Proxy-Authorization" not in plain
    assert "pr0xy-pw" not in caplog.text + repr(piggy)


async def test_the_api_key_never_reaches_a_proxy_that_tunnels_https(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CONNECT request a proxy sees for an https API carries no `Authorization`
    (aiohttp sends a session's default headers there, as `Proxy-Authorization`)."""
    heads: list[bytes] = []

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    tunnel = await asyncio.start_server(refuse, "127.0.0.1", 0)
    proxy_url = f"http://127.0.0.1:{tunnel.sockets[0].getsockname()[1]}"
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with tunnel:
        for options in ({}, {"proxy": proxy_url}):
            async with OAuthClient(
                api_key="s3cr3t-key", base_url="https://piggy.invalid", max_retries=0, **options
            ) as piggy:
                with pytest.raises(APIConnectionError):
                    await piggy.contacts.get("123")
    assert len(heads) == 2
    assert all(head.startswith(b"CONNECT piggy.invalid:443 ") for head in heads)
    assert not [head for head in heads if b"s3cr3t-key" in head]
