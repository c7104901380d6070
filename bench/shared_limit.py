"""`python -m bench.shared_limit`: 4 processes on one API key, with and without sharing its
budget through Redis.

FakePiggy (in its own process) allows R requests per window. Each round starts 4 worker
processes, each an `OAuthClient` making `contacts.get` calls at concurrency 32 for a whole
number of windows; the figures are their aggregate successful throughput over the budget's
(R per window), and the share of their requests answered 429. Alone, each process paces
itself with the default `AdaptiveLimiter`; shared, they draw from one budget through
`RedisLimiter`. Modes alternate, and medians are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.rate_limit import fake_server
from piggy_async import OAuthClient, TransportEvent
from piggy_async.limiters import RedisLimiter
from piggy_async.testing import RedisServer

PROCESSES = 4


async def _work(args: argparse.Namespace) -> None:
    """One worker process: calls until `seconds` after the "go" on its stdin."""
    counts = {"ok": 0, "rate_limited": 0}

    def count(event: TransportEvent) -> None:
        counts["rate_limited"] += event.kind == "rate_limited"

    async with OAuthClient(
        api_key=args.api_key,
        base_url=args.base_url,
        limiter=RedisLimiter(args.redis_url, window=args.window) if args.redis_url else None,
        connection_limit=args.concurrency,
        on_event=count,
    ) as piggy:

        async def calls() -> None:
            while True:
                await piggy.contacts.get(args.contact)
                counts["ok"] += 1

        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.seconds):
                await asyncio.gather(*(calls() for _ in range(args.concurrency)))
    print(json.dumps(counts), flush=True)


def _round(args: argparse.Namespace, server: dict[str, str], redis_url: str) -> dict[str, float]:
    seconds = args.window * args.windows
    command = [sys.executable, "-m", "bench.shared_limit", "--worker", server["url"],
               server["key"], server["contact_uuid"], redis_url, "--seconds", str(seconds),
               "--window", str(args.window), "--concurrency", str(args.concurrency)]  # fmt: skip
    workers = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    time.sleep(max(args.window, 5.0))  # the workers start up, the last round's window closes
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    counts: list[dict[str, Any]] = [json.loads(worker.communicate()[0]) for worker in workers]
    ok = sum(count["ok"] for count in counts)
    rate_limited = sum(count["rate_limited"] for count in counts)
    return {
        "throughput": ok / (args.budget * args.windows),
        "share_429": rate_limited / max(ok + rate_limited, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shared_limit", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=600, help="R: requests per window")
    parser.add_argument("--window", type=float, default=3.0, help="seconds")
    parser.add_argument("--windows", type=int, default=5, help="windows per round")
    parser.add_argument("--concurrency", type=int, default=32, help="per process")
    parser.add_argument("--worker", nargs=4, metavar=("URL", "KEY", "CONTACT", "REDIS"))
    parser.add_argument("--seconds", type=float)
    args = parser.parse_args()
    if args.worker:
        args.base_url, args.api_key, args.contact, args.redis_url = args.worker
        asyncio.run(_work(args))
        return

    budget = ("--limit", str(args.budget), "--window", str(args.window))
    results: dict[str, list[dict[str, float]]] = {"alone": [], "shared": []}
    with fake_server(*budget) as server, RedisServer() as redis:
        for _ in range(args.rounds):
            results["alone"].append(_round(args, server, ""))
            results["shared"].append(_round(args, server, redis.url))

    print(
        f"{PROCESSES} processes x concurrency {args.concurrency} on one key, budget "
        f"R = {args.budget} per {args.window:g} s, {args.windows} windows x {args.rounds} rounds"
    )
    print(f"  {'':30} {'throughput / R':>15} {'429 share':>10}")
    labels = {"alone": "AdaptiveLimiter per process", "shared": "RedisLimiter, shared"}
    for mode, label in labels.items():
        throughput = statistics.median(r["throughput"] for r in results[mode])
        share = statistics.median(r["share_429"] for r in results[mode])
        rounds = ", ".join(f"{r['throughput']:.3f} {r['share_429']:.1%}" for r in results[mode])
        print(f"  {label:30} {throughput:15.3f} {share:10.2%}   (rounds: {rounds})")


if __name__ == "__main__":
    main()
