"""Several worker processes on one API key, against FakePiggy's budget of R requests per
window, sharing it through a real Redis (each worker is `worker.py` in a subprocess)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import everything_stored

from piggy_async import ApiKeyAuth, OAuthClient, RateLimitError
from piggy_async.limiters import AdaptiveLimiter, RedisLimiter
from piggy_async.testing import FakePiggy, RateLimit, RedisServer, VirtualClock

WORKER = Path(__file__).with_name("worker.py")
BUDGET, WINDOW = 200, 1.0
PROCESSES = 4


class Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def until(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Read its reports up to the first one `wanted` accepts."""
        assert self.process.stdout is not None
        while True:
            line = await self.process.stdout.readline()
            assert line, f"worker {self.process.pid} exited with {await self.process.wait()}"
            report: dict[str, Any] = json.loads(line)
            if wanted(report):
                return report

    async def finish(self) -> dict[str, Any]:
        """Let it stop starting requests; its final report once those in flight are done."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        report = await self.until(lambda report: "done" in report)
        assert await self.process.wait() == 0
        return report


@pytest.fixture
async def server() -> AsyncIterator[FakePiggy]:
    async with FakePiggy(rate_limit=RateLimit(BUDGET, WINDOW), log_size=100_000) as server:
        yield server


async def start_workers(
    server: FakePiggy, redis_url: str, *options: str, window: float = WINDOW
) -> list[Worker]:
    contact = server.state.add_contact("worker@example.com", channel="api")
    arguments = [server.url, server.oauth_key, contact.uuid, redis_url, "--window", str(window)]
    return [
        Worker(
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(WORKER),
                *arguments,
                *options,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
        )
        for _ in range(PROCESSES)
    ]


def statuses(server: FakePiggy) -> list[int]:
    return [request.status for request in server.state.requests if request.operation]


async def test_processes_together_stay_within_one_budget(redis_server: RedisServer) -> None:
    # a window far longer than any stall of a loaded machine: no request can slip into the
    # next one, so the count is exact whatever the timing
    async with FakePiggy(rate_limit=RateLimit(BUDGET, 600.0), log_size=100_000) as server:
        requests = BUDGET // PROCESSES + 10  # together, 40 more than the budget
        # deadlines and Redis calls long enough for a loaded machine, far shorter than the
        # wait for the next window
        options = ("--requests", str(requests), "--timeout", "20", "--redis-timeout", "5")
        workers = await start_workers(server, redis_server.url, *options, window=600.0)
        reports = await asyncio.gather(*(worker.finish() for worker in workers))
        sent = statuses(server)

    assert sum(report["done"] for report in reports) == PROCESSES * requests
    refused = [error for report in reports for error in report["errors"]]
    assert refused and all("the rate limiter would wait" in error for error in refused)
    assert sent.count(429) == 0
    # every request sent was granted from the one budget: at most all of it, and at least
    # the 90% granted at once (the last 10% are spread over the window, past the deadline)
    assert BUDGET * 0.9 <= sent.count(200) <= BUDGET
    assert len(sent) == sent.count(200)
    fingerprint = hashlib.sha256(ApiKeyAuth(server.oauth_key).budget_key().encode()).hexdigest()
    stored = await everything_stored(redis_server.url)
    assert stored
    assert not [item for item in stored if server.oauth_key.encode() in item]
    assert not [item for item in stored if fingerprint[:16].encode() in item]


async def test_losing_redis_mid_run_paces_locally_and_rejoins(
    server: FakePiggy, redis_server: RedisServer
) -> None:
    workers = await start_workers(server, redis_server.url)
    for worker in workers:
        await worker.until(lambda report: "progress" in report)
    redis_server.kill()
    for worker in workers:
        await worker.until(lambda report: report.get("shared") is False)
    redis_server.start()
    for worker in workers:
        await worker.until(lambda report: report.get("shared") is True)
    reports = await asyncio.gather(*(worker.finish() for worker in workers))

    assert [report["errors"] for report in reports] == [[]] * PROCESSES
    assert all(report["done"] == report["started"] for report in reports)  # none lost
    assert sum(report["done"] for report in reports) == statuses(server).count(200)


async def test_piggy_limiter_url_shares_the_budget_of_clients_made_without_a_limiter(
    server: FakePiggy, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = server.state.add_contact("env@example.com", channel="api")
    async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as alone:
        assert isinstance(alone.limiter, AdaptiveLimiter)
    monkeypatch.setenv("PIGGY_LIMITER_URL", redis_server.url)
    async with (
        OAuthClient(api_key=server.oauth_key, base_url=server.url) as first,
        OAuthClient(api_key=server.oauth_key, base_url=server.url) as second,
    ):
        assert isinstance(first.limiter, RedisLimiter)
        await first.contacts.get(contact.uuid)
        await first.contacts.get(contact.uuid)  # reports what the first answer said
        await second.contacts.get(contact.uuid)
        assert second.rate_limit.limit == BUDGET
        assert second.rate_limit.remaining == BUDGET - 3


async def test_one_processs_429_pauses_the_others(redis_server: RedisServer) -> None:
    async with FakePiggy(rate_limit=RateLimit(10, 60), clock=VirtualClock()) as server:
        uuid = server.state.add_contact("paused@example.com", channel="api").uuid
        options = {"api_key": server.oauth_key, "base_url": server.url, "timeout": 5}
        first = OAuthClient(**options, limiter=RedisLimiter(redis_server.url))
        second = OAuthClient(**options, limiter=RedisLimiter(redis_server.url))
        async with second:
            async with first:
                await first.contacts.get(uuid)
                # something else on the same key spends the rest of the budget
                async with aiohttp.ClientSession() as session:
                    for _ in range(9):
                        url = f"{server.url}/api/v3/oauth/clients/contacts/{uuid}"
                        headers = {"Authorization": f"Bearer {server.oauth_key}"}
                        async with session.get(url, headers=headers) as response:
                            assert response.status == 200
                with pytest.raises(RateLimitError):  # a 60 s Retry-After, past its deadline
                    await first.contacts.get(uuid)
            sent = len(server.state.requests)
            with pytest.raises(RateLimitError):
                await second.contacts.get(uuid)
            assert len(server.state.requests) == sent  # it waits without asking the API
            assert 55 < second.rate_limit.paused_for <= 60
