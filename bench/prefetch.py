"""Parallel pagination (goal 3): exporting every page of a list with `prefetch(8)` against
one page after the other, from a server that takes 20 ms per page.

Goal: 200 pages at least 6x faster than sequential.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench._process import server
from bench._results import Result
from piggy_async import OAuthClient

LATENCY = 0.02
AHEAD = 8


async def _export(url: str, ahead: int | None) -> float:
    """Seconds to read every transaction, `ahead` pages at once (None: sequentially)."""
    async with OAuthClient(api_key="k", base_url=url) as piggy:
        started = time.perf_counter()
        paginator = piggy.loyalty_transactions.list(limit=10)
        iterator = paginator if ahead is None else paginator.prefetch(ahead)
        async for _ in iterator:
            pass
        return time.perf_counter() - started


def run(quick: bool) -> list[Result]:
    pages, rounds = (20, 1) if quick else (200, 3)
    with server("bench._paged_server", str(pages), "10", str(LATENCY)) as ready:
        sequential: list[float] = []
        parallel: list[float] = []
        for _ in range(rounds):
            sequential.append(asyncio.run(_export(ready["url"], None)))
            parallel.append(asyncio.run(_export(ready["url"], AHEAD)))
    speedups = [s / p for s, p in zip(sequential, parallel, strict=True)]
    return [
        Result(
            f"prefetch.{pages}_pages_at_{AHEAD}",
            statistics.median(parallel),
            "s",
            statistics.median(speedups),
            f"faster than sequential ({statistics.median(sequential):.2f} s)",
            ">= 6",
            statistics.median(sequential),
        )
    ]
