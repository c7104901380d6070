"""Request overhead (goal 1): `await piggy.contacts.get(uuid)` against raw aiohttp
`session.get()` + `await resp.json()`, and against the SDK before its transport redesign;
same GET, same concurrency (64), alternating rounds.

Two servers, each in its own process: a static one answering the seed docs' full contact
example (a fraction of a core, so the client's cost decides) and `FakePiggy`. The SDK's
figure includes building the `Contact`, which the raw client does not do. Reported:

- throughput and client CPU per request against raw aiohttp, in one process;
- the same against the SDK at `BASELINE` (`--baseline` to pick another git ref), each
  round in a fresh process of either tree (`_baseline.py`): the "no slower" claim. CPU time
  is the steadier figure on a loaded machine: throughput also moves with the server's
  share of the cores;
- the same client traced (`piggy_async.otel.instrument`, spans through opentelemetry-sdk to
  an exporter that drops them, metrics into a reader), in the same rounds: its throughput
  and CPU per request against raw aiohttp;
- of the SDK's extra, what decoding the body into a `Contact` costs.

Goal: 1.0x raw throughput, and the baseline's CPU per request or less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench._baseline import Tree, baseline_tree, child, current_tree
from bench._process import server
from bench._results import Result, alternate

CONCURRENCY = 64
WARM_UP = 200
"""Requests sent before a round is timed, to open the pool's connections."""
BASELINE = "3d177612d9c8691f9f00e75a69abe60879afa9f9"
"""The last commit before the transport redesign (`call.py`, one clock, honest timeouts)."""
SERVERS = (("static", "bench._static_server"), ("fake", "bench._server"))


def _traced(client: Any) -> Any:
    """`client` instrumented, its spans dropped (the SDK's whole cost, no I/O's) and its
    metrics read into memory."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    from piggy_async.otel import instrument

    class Dropped(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(Dropped()))
    meters = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return instrument(client, tracer_provider=tracing, meter_provider=meters)


async def _round(call: Callable[[], Awaitable[Any]], requests: int) -> tuple[float, float]:
    """Requests per second, and client CPU seconds per request."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    return requests / elapsed, (time.process_time() - cpu) / requests


async def _against_raw(ready: dict[str, Any], rounds: int, requests: int) -> dict[str, list[float]]:
    import aiohttp

    from piggy_async import OAuthClient

    url, key, uuid = ready["url"], ready["key"], ready["contact_uuid"]
    target = f"{url}/api/v3/oauth/clients/contacts/{uuid}"
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    async with (
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100), headers=headers
        ) as session,
        OAuthClient(api_key=key, base_url=url) as piggy,
        _traced(OAuthClient(api_key=key, base_url=url)) as traced_piggy,
    ):

        async def raw() -> Any:
            async with session.get(target) as response:
                return (await response.json())["data"]

        async def sdk() -> Any:
            return await piggy.contacts.get(uuid)

        async def traced() -> Any:
            return await traced_piggy.contacts.get(uuid)

        sides = (("raw", raw), ("sdk", sdk), ("traced", traced))
        for _, call in sides:
            await _round(call, WARM_UP)
        results: dict[str, list[float]] = {}
        for _ in range(rounds):
            for name, call in sides:
                rate, cpu = await _round(call, requests)
                results.setdefault(name, []).append(rate)
                results.setdefault(f"{name}_cpu", []).append(cpu)
    return results


async def _sdk_round(ready: dict[str, Any], requests: int) -> tuple[float, float]:
    """One timed round of the SDK this process imports (a child's job)."""
    from piggy_async import OAuthClient

    async with OAuthClient(api_key=ready["key"], base_url=ready["url"]) as piggy:

        async def sdk() -> Any:
            return await piggy.contacts.get(ready["contact_uuid"])

        await _round(sdk, WARM_UP)
        return await _round(sdk, requests)


def _raw_results(name: str, measured: dict[str, list[float]]) -> list[Result]:
    raw_cpu = statistics.median(measured["raw_cpu"]) * 1e6
    results = []
    for side, label in (("sdk", ""), ("traced", "traced_")):
        ratios = [s / r for s, r in zip(measured[side], measured["raw"], strict=True)]
        cpu = statistics.median(measured[f"{side}_cpu"]) * 1e6
        results += [
            Result(
                f"request.{name}.{label}throughput",
                statistics.median(measured[side]),
                "req/s",
                statistics.median(ratios),
                "raw aiohttp + resp.json()",
                ">= 1.0" if side == "sdk" else "",
                statistics.median(measured["raw"]),
            ),
            Result(f"request.{name}.{label}cpu_per_request", cpu, "us", cpu / raw_cpu, "raw"),
        ]
    return results


def _baseline_results(
    name: str, ready: dict[str, Any], trees: list[Tree], rounds: int, requests: int
) -> list[Result]:
    """This tree against the baseline's, one fresh process per tree and round, in turns."""
    figures: dict[str, list[tuple[float, float]]] = {tree.name: [] for tree in trees}
    for _ in range(rounds):
        for tree in trees:
            rate, cpu = child(tree, "request", json.dumps(ready), str(requests))
            figures[tree.name].append((rate, cpu))
    ours, base = figures["this tree"], figures["baseline"]
    results = []
    for index, (figure, unit, scale, goal) in enumerate(
        (("throughput", "req/s", 1.0, ">= 1.0"), ("cpu_per_request", "us", 1e6, "<= 1.0"))
    ):
        results.append(
            Result(
                f"request.{name}.{figure}",
                statistics.median(o[index] for o in ours) * scale,
                unit,
                statistics.median(o[index] / b[index] for o, b in zip(ours, base, strict=True)),
                "before the transport redesign",
                goal,
                statistics.median(b[index] for b in base) * scale,
            )
        )
    return results


def _decode_cost(rounds: int) -> float:
    """Microseconds the SDK spends turning the body into a `Contact` beyond `json.loads`."""
    from bench import _static_server
    from piggy_async._codecs import structurer
    from piggy_async._json import decode
    from piggy_async.models import Contact

    body = _static_server.body()
    structure = structurer(Contact)
    times = alternate(
        {
            "sdk": lambda: structure(decode(body, status=200)["data"]),
            "raw": lambda: json.loads(body)["data"],
        },
        rounds=rounds,
        number=500,
    )
    return (statistics.median(times["sdk"]) - statistics.median(times["raw"])) * 1e6


def measure(args: argparse.Namespace) -> list[Result]:
    one, five, _ = os.getloadavg()
    print(f"# request: load average {one:.2f} (1 min), {five:.2f} (5 min)", flush=True)
    results: list[Result] = []
    with baseline_tree(args.baseline) as baseline:
        trees = ([baseline] if baseline is not None else []) + [current_tree()]
        for name, module in SERVERS:
            with server(module) as ready:
                measured = asyncio.run(_against_raw(ready, args.rounds, args.requests))
                results += _raw_results(name, measured)
                if baseline is not None:
                    results += _baseline_results(name, ready, trees, args.rounds, args.requests)
    results.append(Result("request.decode_beyond_json_loads", _decode_cost(args.rounds), "us"))
    return results


def parser(quick: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.request", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3 if quick else 7)
    parser.add_argument("--requests", type=int, default=1000 if quick else 3000)
    parser.add_argument("--baseline", default=BASELINE, help="git ref (empty: no baseline)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    return parser


def run(quick: bool) -> list[Result]:
    """What `python -m bench` runs: the defaults, or the quick ones."""
    return measure(parser(quick).parse_args([]))


if __name__ == "__main__":
    options = parser(quick=False).parse_args()
    if options.child:
        ready, requests = options.child
        print(json.dumps(asyncio.run(_sdk_round(json.loads(ready), int(requests)))))
        sys.exit(0)
    for result in measure(options):
        print(result, flush=True)
