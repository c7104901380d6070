"""Shared fixtures: an aioresponses mock, one client per API, a FakePiggy with a client per
API on it, a scripted server with a client on it, and the seed examples. The clients decode
strictly (`strict_responses=True`): a response that drifts from the spec fails the test
instead of being kept as sent.

Tests built on aioresponses (the `mock` fixture, or `@pytest.mark.aioresponses`) skip,
saying why, on an aiohttp that aioresponses cannot build responses for; the others run.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from importlib.metadata import version
from typing import Any, TypeVar

import aiohttp
import pytest
from aioresponses import aioresponses
from helpers import API_KEY, HOST, load_seed
from scripted_api import ScriptedAPI

from piggy_async import OAuthClient, RegisterClient
from piggy_async.testing import FakePiggy, VirtualClock

C = TypeVar("C", OAuthClient, RegisterClient)

pytest_plugins = ["pytester"]  # the pytest plugin's tests run pytest on a user's project


@functools.cache
def _aioresponses_broken() -> str | None:
    """Why aioresponses cannot stand in for a server on this aiohttp, or None if it can."""

    async def probe() -> str:
        with aioresponses() as mocked:
            mocked.get("http://probe.test/", body="ok")
            async with aiohttp.ClientSession() as session, session.get("http://probe.test/") as r:
                return await r.text()

    try:
        works = asyncio.run(probe()) == "ok"
    except Exception:  # whatever it breaks with, the tests built on it cannot run
        works = False
    if works:
        return None
    return (
        f"aioresponses {version('aioresponses')} cannot build responses on aiohttp "
        f"{aiohttp.__version__}; the tests against real servers still run"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # A test that asks for `mock` builds responses with it. One that only has a client
        # from `piggy` or `pos` (which keep aioresponses active, so nothing reaches the
        # network) never gets a response, and runs on any aiohttp.
        function = getattr(item, "function", None)
        if function is not None and "mock" in inspect.signature(function).parameters:
            item.add_marker(pytest.mark.aioresponses)
    broken = [item for item in items if item.get_closest_marker("aioresponses")]
    reason = _aioresponses_broken() if broken else None
    if reason:
        for item in broken:
            item.add_marker(pytest.mark.skip(reason=reason))


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
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def server(clock: VirtualClock) -> AsyncIterator[FakePiggy]:
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


@pytest.fixture
async def api() -> AsyncIterator[ScriptedAPI]:
    """A server on a loopback port answering with the replies a test gives it."""
    async with ScriptedAPI() as server:
        yield server


def _strict_client(cls: type[C], base_url: str) -> C:
    """A client that never retries and decodes strictly, as the mock's `piggy` and `pos`."""
    return cls(api_key=API_KEY, base_url=base_url, max_retries=0, strict_responses=True)


@pytest.fixture
async def scripted(api: ScriptedAPI) -> AsyncIterator[OAuthClient]:
    """An OAuth client on `api`."""
    async with _strict_client(OAuthClient, api.url) as client:
        yield client


@pytest.fixture
async def scripted_pos(api: ScriptedAPI) -> AsyncIterator[RegisterClient]:
    """A Register client on `api`."""
    async with _strict_client(RegisterClient, api.url) as client:
        yield client
