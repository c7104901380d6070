"""A real `redis-server` on a free loopback port, started and stopped by process id.

No fakes: the shared limiter's whole point is what Redis does with its script. Where
redis-server is missing the tests that need it skip, saying how to install it; under
`CI=true` they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from piggy_async.testing import RedisServer

INSTALL_HINT = (
    "redis-server is not installed: run `make test` as root on Debian/Ubuntu, or install it "
    "yourself (`apt-get install redis-server`, `brew install redis`)"
)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if not RedisServer.installed():
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    with RedisServer() as server:
        yield server


async def everything_stored(url: str) -> list[bytes]:
    """Every key name, hash field, set member and other value in the Redis at `url`."""
    import redis.asyncio

    stored: list[bytes] = []
    async with redis.asyncio.Redis.from_url(url) as client:
        async for name in client.scan_iter():
            stored.append(name)
            kind = await client.type(name)
            if kind == b"hash":
                for field, value in (await client.hgetall(name)).items():
                    stored += [field, value]
            elif kind == b"zset":
                stored += [
                    member for member, _ in await client.zrange(name, 0, -1, withscores=True)
                ]
            else:
                stored.append(await client.dump(name) or b"")
    return stored
