"""Shared fixtures: an aioresponses mock, one client per API, a FakePiggy with a client per
API on it, and the seed examples. The clients decode strictly (`strict_responses=True`): a
response that drifts from the spec fails the test instead of being kept as sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from helpers import API_KEY, HOST, load_seed

from piggy_async import OAuthClient, RegisterClient
from piggy_async.testing import FakePiggy, ManualClock


@pytest.fixture(autouse=True)
def _no_piggy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own PIGGY_* variables must not leak into the tests."""
    monkeypatch.delenv("PIGGY_API_KEY", raising=False)
    monkeypatch.delenv("PIGGY_BASE_URL", raising=False)
    monkeypatch.delenv("PIGGY_LIMITER_URL", raising=False)


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


@pytest.fixture
async def piggy(mock: aioresponses) -> AsyncIterator[OAuthClient]:
    async with OAuthClient(
        api_key=API_KEY, base_url=HOST, max_retries=0, strict_responses=True
    ) as client:
        yield client


@pytest.fixture
async def pos(mock: aioresponses) -> AsyncIterator[RegisterClient]:
    async with RegisterClient(
        api_key=API_KEY, base_url=HOST, max_retries=0, strict_responses=True
    ) as client:
        yield client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[FakePiggy]:
    """A FakePiggy whose time moves only with `clock`."""
    async with FakePiggy(clock=clock) as server:
        yield server


@pytest.fixture
async def oauth(server: FakePiggy) -> AsyncIterator[OAuthClient]:
    async with OAuthClient(
        api_key=server.oauth_key, base_url=server.url, strict_responses=True
    ) as client:
        yield client


@pytest.fixture
async def register(server: FakePiggy) -> AsyncIterator[RegisterClient]:
    async with RegisterClient(
        api_key=server.register_key, base_url=server.url, strict_responses=True
    ) as client:
        yield client


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session, for talking HTTP to a FakePiggy directly."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def seed() -> Callable[[str], Any]:
    """`seed("contacts.get")`: the documented response body of that seed endpoint."""
    return load_seed
