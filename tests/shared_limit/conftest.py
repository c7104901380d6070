"""A real `redis-server` on a free loopback port, started and stopped by process id.

No fakes: the shared limiter's whole point is what Redis does with its script. Where
redis-server is missing the tests that need it skip, saying how to install it; under
`CI=true` they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from piggy_async import SystemClock
from piggy_async.limiters import RedisLimiter
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


KEY = "fingerprint-0f3a9c"


class Slept(Exception):
    """Stops an `acquire` at its first sleep, whose length the test then checks."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class StopAtSleep(SystemClock):
    async def sleep(self, seconds: float) -> None:
        raise Slept(seconds)


@pytest.fixture
async def limiters(redis_server: RedisServer) -> AsyncIterator[Callable[..., RedisLimiter]]:
    made: list[RedisLimiter] = []

    def make(**options: Any) -> RedisLimiter:
        limiter = RedisLimiter(redis_server.url, **{"timeout": 0.5, **options})
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


async def learn(limiter: RedisLimiter, limit: int) -> None:
    """Send the one request that learns the limit, and report its answer."""
    await limiter.acquire(KEY)
    limiter.observe(
        KEY, 200, {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - 1)}
    )


class HeldClock(SystemClock):
    """Real time, but every sleep lasts until the test ends; each is recorded and announced."""

    def __init__(self) -> None:
        self.asleep = asyncio.Event()
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.asleep.set()
        await asyncio.Event().wait()


async def paused_by_another(limiters: Callable[..., RedisLimiter]) -> None:
    """Another process learns a limit of 100, meets a 429 asking for 30 s, and reports it."""
    seer = limiters()
    await learn(seer, 100)
    seer.observe(KEY, 429, {"Retry-After": "30"})
    await seer.aclose()


async def set_times(
    redis_server: RedisServer, *, learned: float | None = None, **from_now: float | None
) -> None:
    """Set the budget's fields that hold Redis times (`end`, `start`) to that many seconds
    from now (negative: ago; None: never), and the window's length as if `learned`."""
    import redis.asyncio

    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        [budget] = [
            key async for key in client.scan_iter("piggy:limit:*") if b":members" not in key
        ]
        now, micros = await client.time()
        at = now * 1000 + micros // 1000
        times = {k: 0 if s is None else at + round(s * 1000) for k, s in from_now.items()}
        if learned is not None:
            times["window"] = round(learned * 1000)
        await client.hset(budget, mapping=times)
