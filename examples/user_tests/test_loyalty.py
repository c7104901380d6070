"""A user's own tests, with the fixtures `pip install 'piggy_async[pytest]'` brings: no
conftest.py, no copied fixtures. Run from anywhere: `pytest examples/user_tests`."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from piggy_async import OAuthClient, RateLimitError, RegisterClient
from piggy_async.testing import FakePiggy, RateLimit, SeedData

pytestmark = pytest.mark.asyncio  # pytest-asyncio's strict mode, its default


async def sign_up(piggy: OAuthClient, email: str) -> str:
    """The code under test: creates the contact and credits a welcome bonus."""
    contact = await piggy.contacts.find_or_create(email=email)
    (shop, *_) = await piggy.shops.list()
    await piggy.credit_receptions.create(
        shop_uuid=shop.uuid, contact_uuid=contact.uuid, unit_value=50
    )
    return contact.uuid


async def test_sign_up_gives_welcome_credits(piggy: OAuthClient, piggy_server: FakePiggy) -> None:
    uuid = await sign_up(piggy, "sandy@bikinibottom.sea")
    assert piggy_server.state.contacts[uuid].credits > 0


async def test_the_register_sees_the_same_account(
    piggy: OAuthClient, pos: RegisterClient, piggy_server: FakePiggy
) -> None:
    uuid = await sign_up(piggy, "patrick@bikinibottom.sea")
    balance = await pos.contacts.get_credit_balance(uuid)
    assert balance.balance == piggy_server.state.contacts[uuid].credits


@pytest.mark.piggy_server(data=SeedData(shops=("Salty Spitoon", "Weenie Hut Jr")))
async def test_seed_data_by_marker(piggy: OAuthClient) -> None:
    shops = await piggy.shops.list()
    assert sorted(shop.name for shop in shops) == ["Salty Spitoon", "Weenie Hut Jr"]


@pytest.mark.piggy_server(rate_limit=RateLimit(limit=2, window=60))
@pytest.mark.piggy_client(max_retries=0, timeout=1)
async def test_rate_limits_by_marker(piggy: OAuthClient) -> None:
    with pytest.raises(RateLimitError):
        for _ in range(4):
            await piggy.contacts.find_or_create(email="squidward@bikinibottom.sea")


class TestThroughMyOwnSession:
    """A user's own aiohttp session, passed to the client by overriding its options."""

    @pytest.fixture
    def piggy_client_options(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        return {"session": session}

    @pytest.fixture
    def calls(self) -> list[str]:
        return []

    @pytest_asyncio.fixture
    async def session(self, calls: list[str]) -> Any:
        trace = aiohttp.TraceConfig()

        async def started(_: Any, __: Any, params: aiohttp.TraceRequestStartParams) -> None:
            calls.append(params.url.path)

        trace.on_request_start.append(started)
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            yield session

    async def test_calls_go_through_it(
        self, piggy: OAuthClient, session: aiohttp.ClientSession, calls: list[str]
    ) -> None:
        await sign_up(piggy, "gary@bikinibottom.sea")
        assert len(calls) == 3
        assert not session.closed
