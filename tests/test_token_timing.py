"""Client credentials in time: the token is taken after the limiter's wait, so a request
never leaves with a token that expired while it queued; a hanging token request is cut off
by its own short timeout and retried; and it spends the deadline of the call it serves.
Against a scripted token endpoint, on a `VirtualClock`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from scripted_api import ScriptedAPI

from piggy_async import APITimeoutError, OAuthClient, VirtualClock
from piggy_async._defaults import TOKEN_TIMEOUT
from piggy_async.limiters import FixedRateLimiter

CONTACT = {"data": {"uuid": "123"}, "meta": {}}


class TokenEndpoint:
    """Issues `tok-N` tokens valid for `lifetime` seconds of `clock`'s time; answers API
    requests carrying a live token, and 401 to any other. `hang` token requests first
    never get an answer; the API's answers can be held with `api_hangs`."""

    def __init__(self, clock: VirtualClock, *, lifetime: float = 3600, hang: int = 0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.hang = hang
        self.api_hangs = False
        self.expires: dict[str, float] = {}
        self.sent: list[str] = []
        """The token each API request carried."""
        self.rejected = 0
        self.token_arrived = asyncio.Event()
        self.api_arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, request: web.Request) -> web.Response:
        if request.path == "/oauth/token":
            return await self._token()
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.sent.append(token)
        self.api_arrived.set()
        if self.expires.get(token, 0) <= self.clock.wall():
            self.rejected += 1
            return web.json_response({"message": "Unauthenticated."}, status=401)
        if self.api_hangs:
            await self.release.wait()
        return web.json_response(CONTACT)

    async def _token(self) -> web.Response:
        self.token_arrived.set()
        if self.hang > 0:
            self.hang -= 1
            await self.release.wait()
        token = f"tok-{len(self.expires) + 1}"
        self.expires[token] = self.clock.wall() + self.lifetime
        return web.Response(
            text=json.dumps({"access_token": token, "expires_in": self.lifetime}),
            content_type="application/json",
        )


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def tokens(clock: VirtualClock) -> TokenEndpoint:
    return TokenEndpoint(clock)


@pytest.fixture
async def server(tokens: TokenEndpoint) -> AsyncIterator[ScriptedAPI]:
    async with ScriptedAPI(tokens) as server:
        yield server
        tokens.release.set()


async def test_a_request_takes_its_token_after_the_limiters_wait(
    server: ScriptedAPI, tokens: TokenEndpoint, clock: VirtualClock
) -> None:
    tokens.lifetime = 120  # renewed 60 s early: good for 60 s
    slow = FixedRateLimiter(1 / 100, clock=clock)  # one request per 100 s
    async with OAuthClient(
        client_id="c", client_secret="s", base_url=server.url, clock=clock, limiter=slow
    ) as piggy:
        await piggy.contacts.get("123")
        await piggy.contacts.get("123")  # waits 100 s for the limiter: tok-1 is stale by then
    assert tokens.sent == ["tok-1", "tok-2"]
    assert tokens.rejected == 0, "no request left with a token that expired while it queued"


async def test_a_hanging_token_request_is_cut_off_by_its_own_timeout(
    clock: VirtualClock,
) -> None:
    tokens = TokenEndpoint(clock, hang=1)
    async with (
        ScriptedAPI(tokens) as server,
        OAuthClient(client_id="c", client_secret="s", base_url=server.url, clock=clock) as piggy,
    ):
        call = asyncio.ensure_future(piggy.contacts.get("123"))
        await tokens.token_arrived.wait()
        started = clock.now()
        clock.advance(TOKEN_TIMEOUT)  # far less than the calls' 60 s read timeout
        contact = await call
        tokens.release.set()
    assert contact.uuid == "123"
    assert len([r for r in server.requests if r[1] == "/oauth/token"]) == 2
    assert clock.now() - started < 60, "the token request did not wait out the read timeout"


async def test_the_token_request_spends_the_same_deadline_as_its_call(
    clock: VirtualClock,
) -> None:
    tokens = TokenEndpoint(clock)
    tokens.api_hangs = True

    async def slow_token(request: web.Request) -> web.Response:
        if request.path == "/oauth/token":
            clock.advance(0.2)  # a slow token endpoint
        return await tokens(request)

    async with (
        ScriptedAPI(slow_token) as server,
        OAuthClient(
            client_id="c", client_secret="s", base_url=server.url, clock=clock, max_retries=0
        ) as piggy,
    ):
        call = asyncio.ensure_future(piggy.contacts.get("123", timeout=0.3))
        await tokens.api_arrived.wait()
        clock.advance(0.09)
        for _ in range(20):
            await asyncio.sleep(0)
        assert not call.done(), "the deadline has not come"
        clock.advance(0.01)  # 0.3 s since the call began, 0.1 s since its request left
        with pytest.raises(APITimeoutError, match="deadline"):
            await call
        tokens.release.set()
