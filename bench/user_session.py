"""A user's own session (`session=`) against the client's own: `await piggy.contacts.get`
at concurrency 64 on the static server, alternating rounds. A user's session has none of
the SDK's default headers, so they are merged into each request instead; goal: no
measurable cost (1.0x the client's own session, throughput and client CPU per request).
"""

from __future__ import annotations

import asyncio
import statistics
from typing import Any

import aiohttp

from bench._process import server
from bench._results import Result, median_ratio
from bench.request import _round
from piggy_async import OAuthClient


async def _measure(ready: dict[str, Any], rounds: int, requests: int) -> dict[str, list[float]]:
    url, key, uuid = ready["url"], ready["key"], ready["contact_uuid"]
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
        OAuthClient(api_key=key, base_url=url) as own,
        OAuthClient(api_key=key, base_url=url, session=session) as users,
    ):
        calls = {
            "own": lambda: own.contacts.get(uuid),
            "users": lambda: users.contacts.get(uuid),
        }
        for call in calls.values():  # warm both pools up
            await _round(call, 200)
        results: dict[str, list[float]] = {"own": [], "users": [], "own_cpu": [], "users_cpu": []}
        for _ in range(rounds):
            for name, call in calls.items():
                rate, cpu = await _round(call, requests)
                results[name].append(rate)
                results[f"{name}_cpu"].append(cpu)
    return results


def run(quick: bool) -> list[Result]:
    rounds, requests = (3, 1000) if quick else (7, 3000)
    with server("bench._static_server") as ready:
        measured = asyncio.run(_measure(ready, rounds, requests))
    return [
        Result(
            "user_session.throughput",
            statistics.median(measured["users"]),
            "req/s",
            median_ratio(measured["users"], measured["own"]),
            "the client's own session",
            ">= 1.0",
        ),
        Result(
            "user_session.cpu_per_request",
            statistics.median(measured["users_cpu"]) * 1e6,
            "us",
            median_ratio(measured["users_cpu"], measured["own_cpu"]),
            "the client's own session",
            "<= 1.0",
        ),
    ]
