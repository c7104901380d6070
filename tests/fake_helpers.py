"""Helpers for tests against FakePiggy over real sockets."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest

from piggy_async import APIError, BadRequestError, OAuthClient
from piggy_async.testing import FakePiggy

SANDY = "sandy@bikinibottom.sea"


@contextlib.asynccontextmanager
async def own_server(**settings: Any) -> AsyncIterator[OAuthClient]:
    """An OAuth client that never retries, on a server of its own, for tests that see each
    answer the server gives."""
    async with (
        FakePiggy(**settings) as server,
        OAuthClient(api_key=server.oauth_key, base_url=server.url, max_retries=0) as client,
    ):
        yield client


def reward_named(server: FakePiggy, title: str) -> str:
    """The UUID of the seeded reward with `title`."""
    return next(uuid for uuid, reward in server.state.rewards.items() if reward["title"] == title)


async def api_error(call: Awaitable[Any], cls: type[APIError] = BadRequestError) -> APIError:
    """The error `call` raises, which must be a `cls`."""
    with pytest.raises(cls) as caught:
        await call
    return caught.value
