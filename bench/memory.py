"""Memory (goal 5): what a request in flight costs beyond raw aiohttp's, and whether paging
through many items keeps the resident set flat.

- N requests started at once through one client (pool of 100 connections, so most wait for
  a connection) against a server that holds every answer: Python memory traced per request,
  SDK against raw aiohttp `session.get()`. Goal: at most raw + 2 KB.
- 100,000 loyalty transactions (1,000 pages of 100) read one by one: resident memory after
  the last page against after the first tenth. Goal: flat (1.0x).
"""

from __future__ import annotations

import asyncio
import resource
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from bench._process import server
from bench._results import Result
from piggy_async import OAuthClient

HOLD = 30.0  # seconds the server holds each answer: longer than the measurement


async def _in_flight(requests: int, call: Callable[[], Awaitable[Any]]) -> float:
    """Traced bytes per request while `requests` calls are waiting for their answers."""
    await asyncio.sleep(0.2)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.ensure_future(call()) for _ in range(requests)]
    while True:  # until every call has done what it does before it waits
        current = tracemalloc.get_traced_memory()[0]
        await asyncio.sleep(0.5)
        if abs(tracemalloc.get_traced_memory()[0] - current) < 1024 * requests // 1000:
            break
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return used / requests


async def _per_request(url: str, requests: int) -> tuple[float, float]:
    target = f"{url}/api/v3/oauth/clients/contacts/123"
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
        OAuthClient(api_key="k", base_url=url) as piggy,
    ):

        async def raw() -> Any:
            async with session.get(target, headers={"Authorization": "Bearer k"}) as response:
                return (await response.json())["data"]

        async def sdk() -> Any:
            return await piggy.contacts.get("123")

        return await _in_flight(requests, raw), await _in_flight(requests, sdk)


def _rss() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


async def _paging(url: str, pages: int) -> tuple[int, int]:
    """Resident bytes after a tenth of the pages and after all of them."""
    async with OAuthClient(api_key="k", base_url=url) as piggy:
        tenth = 0
        count = 0
        async for _ in piggy.loyalty_transactions.list(limit=100):
            count += 1
            if count == pages * 10:
                tenth = _rss()
        return tenth, _rss()


def run(quick: bool) -> list[Result]:
    requests, pages = (1000, 100) if quick else (10_000, 1000)
    with server("bench._paged_server", str(pages), "100", "0") as ready:  # first: RSS only grows
        tenth, last = asyncio.run(_paging(ready["url"], pages))
    with server("bench._paged_server", "1", "1", str(HOLD)) as ready:
        raw, sdk = asyncio.run(_per_request(ready["url"], requests))
    return [
        Result(
            f"memory.{requests}_in_flight",
            sdk,
            "B/request",
            sdk / raw,
            f"raw aiohttp ({raw:.0f} B/request, extra {sdk - raw:+.0f} B)",
            "extra <= 2048 B",
            raw,
        ),
        Result(
            f"memory.paging_{pages * 100}_items",
            last / 2**20,
            "MiB RSS",
            last / tenth,
            "RSS after the first tenth",
            "1.0 (flat)",
            tenth / 2**20,
        ),
    ]
