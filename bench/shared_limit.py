"""`python -m bench.shared_limit`: 4 processes on one API key, with and without sharing its
budget through Redis.

FakePiggy (in its own process) allows R requests per window. Each round starts 4 worker
processes at concurrency 32 that GET a shop for a whole number of windows; the figures are
their aggregate successful throughput over the budget's (R per window), and the share of
their requests answered 429. Without Redis each process paces only itself; with it they
draw from one budget through `RedisLimiter`. Modes alternate, and medians are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import subprocess
import sys
import time
from typing import Any

import aiohttp

from piggy_async.limiters import Limiter, RedisLimiter, WaitTooLong
from piggy_async.testing import RedisServer

PROCESSES = 4


# -- one worker process ---------------------------------------------------------------------


async def _work(args: argparse.Namespace) -> None:
    limiter: Limiter | None = (
        RedisLimiter(args.redis_url, window=args.window) if args.redis_url else None
    )
    key = hashlib.sha256(args.api_key.encode()).hexdigest()
    target = f"{args.base_url}/api/v3/oauth/clients/shops/{args.shop}"
    headers = {"Authorization": f"Bearer {args.api_key}"}
    counts = {"ok": 0, "rate_limited": 0}
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "go"
    deadline = time.monotonic() + args.seconds

    async def one(session: aiohttp.ClientSession) -> None:
        while (left := deadline - time.monotonic()) > 0:
            if limiter is not None:
                try:
                    await limiter.acquire(key, max_wait=left)
                except WaitTooLong:
                    return
            async with session.get(target, headers=headers) as response:
                await response.read()
            if limiter is not None:
                limiter.observe(key, response.status, response.headers)
            if response.status == 429:
                counts["rate_limited"] += 1
                if limiter is None:  # alone, a process can only wait out the API's answer
                    await asyncio.sleep(min(float(response.headers["Retry-After"]), left))
            elif time.monotonic() <= deadline:
                counts["ok"] += 1

    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(one(session) for _ in range(args.concurrency)))
    if limiter is not None:
        await limiter.aclose()
    print(json.dumps(counts), flush=True)


# -- the benchmark --------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """FakePiggy with the budget, in its own process; its URL, key and default shop."""
    server = subprocess.Popen(
        [sys.executable, "-m", "piggy_async.testing", "serve", "--port", "0",
         "--rate-limit", str(args.budget), "--rate-window", str(args.window)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert server.stdout is not None
    lines = [server.stdout.readline() for _ in range(5)]
    return server, {
        "base_url": lines[0].split()[-1],
        "api_key": lines[1].split()[-1],
        "shop": lines[4].split()[-1],
    }


def _round(args: argparse.Namespace, where: dict[str, str], redis_url: str) -> dict[str, float]:
    seconds = args.window * args.windows
    command = [sys.executable, "-m", "bench.shared_limit", "--worker", where["base_url"],
               where["api_key"], where["shop"], redis_url, "--seconds", str(seconds),
               "--window", str(args.window), "--concurrency", str(args.concurrency)]  # fmt: skip
    workers = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    time.sleep(args.window)  # the workers start up, and the last round's window closes
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
    parser.add_argument("--budget", type=int, default=1500, help="R: requests per window")
    parser.add_argument("--window", type=float, default=3.0, help="seconds")
    parser.add_argument("--windows", type=int, default=5, help="windows per round")
    parser.add_argument("--concurrency", type=int, default=32, help="per process")
    parser.add_argument("--worker", nargs=4, metavar=("URL", "KEY", "SHOP", "REDIS"))
    parser.add_argument("--seconds", type=float)
    args = parser.parse_args()
    if args.worker:
        args.base_url, args.api_key, args.shop, args.redis_url = args.worker
        asyncio.run(_work(args))
        return

    server, where = _serve(args)
    try:
        with RedisServer() as redis:
            results: dict[str, list[dict[str, float]]] = {"alone": [], "shared": []}
            for _ in range(args.rounds):
                results["alone"].append(_round(args, where, ""))
                results["shared"].append(_round(args, where, redis.url))
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"{PROCESSES} processes x concurrency {args.concurrency} on one key, budget "
        f"R = {args.budget} per {args.window:g} s, {args.windows} windows x {args.rounds} rounds"
    )
    print(f"  {'':28} {'throughput / R':>15} {'429 share':>10}")
    for mode, label in (("alone", "each process alone"), ("shared", "shared through Redis")):
        throughput = statistics.median(r["throughput"] for r in results[mode])
        share = statistics.median(r["share_429"] for r in results[mode])
        print(f"  {label:28} {throughput:15.3f} {share:10.2%}")


if __name__ == "__main__":
    main()
