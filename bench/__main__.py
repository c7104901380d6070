"""`python -m bench`: `await piggy.contacts.get(uuid)` against raw aiohttp + `resp.json()`.

Both clients send the same GET to the same local fake server (in another process), with
the same concurrency, in alternating rounds; the figure that matters is the ratio of their
throughputs, which holds up on a noisy machine where absolute numbers do not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from piggy_async import OAuthClient


async def _rate(call: Callable[[], Awaitable[Any]], requests: int, concurrency: int) -> float:
    """Requests per second for `requests` calls spread over `concurrency` workers."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started)


async def _run(url: str, key: str, uuid: str, args: argparse.Namespace) -> None:
    target = f"{url}/api/v3/oauth/clients/contacts/{uuid}"
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    connector = aiohttp.TCPConnector(limit=100)
    async with (
        aiohttp.ClientSession(connector=connector, headers=headers) as session,
        OAuthClient(api_key=key, base_url=url) as piggy,
    ):

        async def raw() -> Any:
            async with session.get(target) as response:
                return (await response.json())["data"]

        async def sdk() -> Any:
            return await piggy.contacts.get(uuid)

        await _rate(raw, 200, args.concurrency)  # warm both pools up
        await _rate(sdk, 200, args.concurrency)
        raw_rates: list[float] = []
        sdk_rates: list[float] = []
        for _ in range(args.rounds):
            raw_rates.append(await _rate(raw, args.requests, args.concurrency))
            sdk_rates.append(await _rate(sdk, args.requests, args.concurrency))

    ratios = [s / r for s, r in zip(sdk_rates, raw_rates, strict=True)]
    print(
        f"GET /contacts/{{uuid}}: {args.rounds} rounds x {args.requests} requests, "
        f"concurrency {args.concurrency}"
    )
    print(f"  raw aiohttp + resp.json()   median {statistics.median(raw_rates):8.0f} req/s")
    print(f"  piggy.contacts.get() -> Contact median {statistics.median(sdk_rates):8.0f} req/s")
    print(
        f"  SDK / raw throughput ratio  median {statistics.median(ratios):.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench._server"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        ready = json.loads(server.stdout.readline())
        asyncio.run(_run(ready["url"], ready["key"], ready["contact_uuid"], args))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
