"""`python -m bench.shared_limit`: 4 processes on one API key, pacing alone or sharing its
budget through Redis, and sharing it through a Redis that hangs for a third of the run.

FakePiggy (in its own process) allows R requests per window of W seconds. Each round
starts 4 worker processes, each an `OAuthClient` making `contacts.get` calls at concurrency
32 until the 4 together have made `windows x R` of them, and times the whole job, which
the budget allows in `(windows - 1) x W` seconds at best (its schedule). The modes: alone,
each process paces itself with the default `AdaptiveLimiter`; told, they share the budget
through `RedisLimiter` (made from `PIGGY_LIMITER_URL`) with the window given in the URL;
learned, the same with no window given, so the limiter starts from its guess of a minute
and learns W from the API; outage, learned with Redis frozen (SIGSTOP, as a hung server)
from a third of the schedule to two thirds, then thawed. Redis starts empty every round;
modes alternate, and medians are reported: each mode's share of the schedule, the outage
run's time over the learned run's (same round), and the share of answers that were 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter

from bench._process import server as fake_server
from bench._results import Result
from piggy_async import OAuthClient, TransportEvent
from piggy_async.testing import RedisServer

PROCESSES = 4
MODES = ("alone", "told", "learned", "outage")


async def _work(args: argparse.Namespace) -> None:
    """One worker process: `calls` calls from the "go" on its stdin."""
    statuses: Counter[int] = Counter()

    def count(event: TransportEvent) -> None:
        if event.kind == "response" and event.status is not None:
            statuses[event.status] += 1

    async with OAuthClient(
        api_key=args.api_key,
        base_url=args.base_url,
        connection_limit=args.concurrency,
        on_event=count,
    ) as piggy:
        left = args.calls

        async def calls() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                await piggy.contacts.get(args.contact)

        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await asyncio.gather(*(calls() for _ in range(args.concurrency)))
    print(json.dumps({"answers": sum(statuses.values()), "429": statuses[429]}), flush=True)


def _round(
    args: argparse.Namespace, server: dict[str, str], redis: RedisServer, mode: str
) -> dict[str, float]:
    calls = args.budget * args.windows // PROCESSES
    command = [sys.executable, "-m", "bench.shared_limit", "--worker", server["url"],
               server["key"], server["contact_uuid"], "--calls", str(calls),
               "--concurrency", str(args.concurrency)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "PIGGY_LIMITER_URL"}
    if mode != "alone":
        env["PIGGY_LIMITER_URL"] = redis.url + (f"?window={args.window:g}" * (mode == "told"))
    _empty(redis)
    time.sleep(args.window)  # the last round's window at the API closes
    workers = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        assert worker.stdin is not None and worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    if mode == "outage":
        third = args.window * (args.windows - 1) / 3
        time.sleep(third)
        redis.freeze()
        time.sleep(third)
        redis.thaw()
    counts = [json.loads(worker.communicate()[0]) for worker in workers]
    elapsed = time.perf_counter() - started
    answers = sum(count["answers"] for count in counts)
    return {
        "elapsed": elapsed,
        "schedule": args.window * (args.windows - 1) / elapsed,
        "share_429": sum(count["429"] for count in counts) / max(answers, 1),
    }


def _empty(redis: RedisServer) -> None:
    """Forget every budget and window learned in an earlier round."""

    async def flush() -> None:
        import redis.asyncio

        async with redis.asyncio.Redis.from_url(url) as client:
            await client.flushdb()

    url = redis.url
    asyncio.run(flush())


def run(quick: bool) -> list[Result]:
    """What `python -m bench` runs: the defaults, or the quick ones."""
    if not RedisServer.installed():
        print("shared_limit: skipped, redis-server is not installed", file=sys.stderr)
        return []
    return measure(parser(quick).parse_args([]))


def measure(args: argparse.Namespace) -> list[Result]:
    budget = ("--limit", str(args.budget), "--window", str(args.window))
    rounds: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    with fake_server("bench._server", *budget) as server, RedisServer() as redis:
        for _ in range(args.rounds):
            for mode in MODES:
                rounds[mode].append(_round(args, server, redis, mode))
    alone, told, learned, outage = (
        {figure: statistics.median(r[figure] for r in rounds[mode]) for figure in rounds[mode][0]}
        for mode in MODES
    )
    slower = statistics.median(
        o["elapsed"] / s["elapsed"]
        for o, s in zip(rounds["outage"], rounds["learned"], strict=True)
    )
    setup = f"{PROCESSES} processes x {args.concurrency}, {args.windows} x R = {args.budget} per"
    setup += f" {args.window:g} s"
    return [
        Result(
            "shared_limit.schedule_told",
            told["schedule"],
            f"of the schedule ({setup}; window given)",
            told["schedule"] / alone["schedule"],
            f"AdaptiveLimiter per process: {alone['schedule']:.3f}",
            ">= 0.95",
            alone["schedule"],
        ),
        Result("shared_limit.schedule_learned", learned["schedule"], "of the schedule (learned)"),
        Result("shared_limit.answered_429_told", told["share_429"] * 100, "%"),
        Result("shared_limit.answered_429_learned", learned["share_429"] * 100, "%"),
        Result("shared_limit.answered_429_alone", alone["share_429"] * 100, "% (AdaptiveLimiter)"),
        Result(
            "shared_limit.outage_time",
            outage["elapsed"],
            "s (Redis hung for the middle third)",
            slower,
            f"the learned run without the outage, {learned['elapsed']:.1f} s",
            "<= 1.1",
            learned["elapsed"],
        ),
        Result("shared_limit.outage_answered_429", outage["share_429"] * 100, "% (goal < 1%)"),
    ]


def parser(quick: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.shared_limit", description=__doc__)
    parser.add_argument("--rounds", type=int, default=1 if quick else 3)
    parser.add_argument("--budget", type=int, default=200 if quick else 600, help="R")
    parser.add_argument("--window", type=float, default=1.0 if quick else 3.0, help="seconds")
    parser.add_argument("--windows", type=int, default=3 if quick else 8, help="per round")
    parser.add_argument("--concurrency", type=int, default=32, help="per process")
    parser.add_argument("--worker", nargs=3, metavar=("URL", "KEY", "CONTACT"))
    parser.add_argument("--calls", type=int)
    return parser


def main() -> None:
    args = parser().parse_args()
    if args.worker:
        args.base_url, args.api_key, args.contact = args.worker
        asyncio.run(_work(args))
        return
    for result in measure(args):
        print(result)


if __name__ == "__main__":
    main()
