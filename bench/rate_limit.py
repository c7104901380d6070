"""`python -m bench.rate_limit`: a run past the API budget, as a bulk job meets it.

N `contacts.get` calls at concurrency C against FakePiggy (in its own process) limited to
L requests per W seconds, with and without injected faults (5xx and connection resets).
Every request the API accepts spends budget, retries included (a 429 does not), so S such
requests can finish no sooner
than `(ceil(S / L) - 1) * W` seconds after the first: the figure that matters is how close
the SDK gets to that schedule (1.0 is perfect), with how few 429s, and that no call is lost.
It also prints the calls completed per second against the limit's L / W.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from typing import Any

from bench._process import server as fake_server
from bench._results import Result
from piggy_async import OAuthClient, PiggyError, TransportEvent


async def _run(server: dict[str, Any], requests: int, concurrency: int) -> dict[str, float]:
    events: list[TransportEvent] = []
    failed = 0
    async with OAuthClient(
        api_key=server["key"], base_url=server["url"], on_event=events.append
    ) as piggy:
        remaining = requests

        async def worker() -> None:
            nonlocal remaining, failed
            while remaining > 0:
                remaining -= 1
                try:
                    await piggy.contacts.get(server["contact_uuid"])
                except PiggyError:
                    failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    statuses = Counter(event.status for event in events if event.kind == "response")
    return {
        "elapsed": elapsed,
        "sent": sum(event.kind == "request" for event in events),
        "answers": sum(statuses.values()),
        "429": statuses[429],
        "failed": failed,
        "retries": sum(event.kind == "retry" for event in events),
    }


def run(quick: bool) -> list[Result]:
    """What `python -m bench` runs: the defaults, or the quick ones."""
    return measure(parser(quick).parse_args([]))


def measure(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    for label, faults in (
        ("no faults", ()),
        ("10% faults", ("--error-500", "0.03", "--error-503", "0.03", "--reset", "0.04")),
    ):
        flags = ("--limit", str(args.limit), "--window", str(args.window), *faults)
        with fake_server("bench._server", *flags) as server:
            result = asyncio.run(_run(server, args.requests, args.concurrency))
        counted = result["sent"] - result["429"]  # a 429 spends no budget
        schedule = (math.ceil(counted / args.limit) - 1) * args.window
        rate = args.requests / result["elapsed"] / (args.limit / args.window)
        name = f"rate_limit.{label.replace('% ', '_pct_').replace(' ', '_')}"
        results += [
            Result(
                f"{name}.elapsed",
                result["elapsed"],
                "s",
                schedule / result["elapsed"],
                f"budget use: the schedule of {result['sent']:.0f} requests ({schedule:g} s)",
                "1.0",
                schedule,
            ),
            Result(f"{name}.calls_per_s", rate, "x L/W"),
            Result(f"{name}.answered_429", result["429"] / result["answers"] * 100, "%"),
            Result(f"{name}.retries", result["retries"], "requests"),
            Result(f"{name}.lost", result["failed"], "calls"),
        ]
    return results


def parser(quick: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.rate_limit", description=__doc__)
    parser.add_argument("--requests", type=int, default=600 if quick else 5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--limit", type=int, default=200 if quick else 1000)
    parser.add_argument("--window", type=float, default=1.0 if quick else 5.0)
    return parser


if __name__ == "__main__":
    for figure in measure(parser().parse_args()):
        print(figure)
