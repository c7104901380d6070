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

from bench._process import server as fake_server
from bench._results import Result
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


def run(quick: bool) -> list[Result]:
    """What `python -m bench` runs: the defaults, or the quick ones."""
    if not RedisServer.installed():
        print("shared_limit: skipped, redis-server is not installed", file=sys.stderr)
        return []
    return measure(parser(quick).parse_args([]))


def measure(args: argparse.Namespace) -> list[Result]:
    budget = ("--limit", str(args.budget), "--window", str(args.window))
    rounds: dict[str, list[dict[str, float]]] = {"alone": [], "shared": []}
    with fake_server("bench._server", *budget) as server, RedisServer() as redis:
        for _ in range(args.rounds):
            rounds["alone"].append(_round(args, server, ""))
            rounds["shared"].append(_round(args, server, redis.url))
    alone, shared = (
        {figure: statistics.median(r[figure] for r in rounds[mode]) for figure in rounds[mode][0]}
        for mode in ("alone", "shared")
    )
    setup = f"{PROCESSES} processes x {args.concurrency}, R = {args.budget} per {args.window:g} s"
    return [
        Result(
            "shared_limit.throughput",
            shared["throughput"],
            f"x R ({setup})",
            shared["throughput"] / alone["throughput"],
            f"AdaptiveLimiter per process: {alone['throughput']:.3f} x R",
            ">= 0.95 x R",
            alone["throughput"],
        ),
        Result("shared_limit.answered_429", shared["share_429"] * 100, "%"),
        Result("shared_limit.answered_429_alone", alone["share_429"] * 100, "% (AdaptiveLimiter)"),
    ]


def parser(quick: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.shared_limit", description=__doc__)
    parser.add_argument("--rounds", type=int, default=1 if quick else 3)
    parser.add_argument("--budget", type=int, default=200 if quick else 600, help="R")
    parser.add_argument("--window", type=float, default=1.0 if quick else 3.0, help="seconds")
    parser.add_argument("--windows", type=int, default=3 if quick else 5, help="per round")
    parser.add_argument("--concurrency", type=int, default=32, help="per process")
    parser.add_argument("--worker", nargs=4, metavar=("URL", "KEY", "CONTACT", "REDIS"))
    parser.add_argument("--seconds", type=float)
    return parser


def main() -> None:
    args = parser().parse_args()
    if args.worker:
        args.base_url, args.api_key, args.contact, args.redis_url = args.worker
        asyncio.run(_work(args))
        return
    for result in measure(args):
        print(result)


if __name__ == "__main__":
    main()
