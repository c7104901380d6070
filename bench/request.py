"""Request overhead (goal 1): `await piggy.contacts.get(uuid)` against raw aiohttp
`session.get()` + `await resp.json()`, same GET, same concurrency (64), alternating rounds.

Two servers, each in its own process: a static one answering the seed docs' full contact
example (a fraction of a core, so the client's cost decides) and `FakePiggy`. The SDK's
figure includes building the `Contact`, which the raw client does not do. Also reported:
the client's CPU time per request on each side and, of the SDK's extra, what decoding the
body into a `Contact` costs. Goal: 1.0x raw throughput.

The same client traced (`piggy_async.otel.instrument`, spans through opentelemetry-sdk to
an exporter that drops them, metrics into a reader) runs in the same rounds: its
throughput and CPU per request are reported against raw aiohttp as well.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from bench import _static_server
from bench._process import server
from bench._results import Result, alternate
from piggy_async import OAuthClient
from piggy_async._codecs import structurer
from piggy_async._json import decode
from piggy_async.models import Contact
from piggy_async.otel import instrument

CONCURRENCY = 64


class _Dropped(SpanExporter):
    """An exporter that drops what it is given: the SDK's whole cost, no I/O's."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _traced(client: OAuthClient) -> OAuthClient:
    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(_Dropped()))
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


async def _measure(ready: dict[str, Any], rounds: int, requests: int) -> dict[str, list[float]]:
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
        for _, call in sides:  # warm the pools up
            await _round(call, 200)
        results: dict[str, list[float]] = {}
        for _ in range(rounds):
            for name, call in sides:
                rate, cpu = await _round(call, requests)
                results.setdefault(name, []).append(rate)
                results.setdefault(f"{name}_cpu", []).append(cpu)
    return results


def _decode_cost(body: bytes, rounds: int) -> float:
    """Microseconds the SDK spends turning the body into a `Contact` beyond `json.loads`."""
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


def run(quick: bool) -> list[Result]:
    rounds, requests = (3, 1000) if quick else (7, 3000)
    results: list[Result] = []
    for name, module in (("static", "bench._static_server"), ("fake", "bench._server")):
        with server(module) as ready:
            measured = asyncio.run(_measure(ready, rounds, requests))
        raw_cpu = statistics.median(measured["raw_cpu"]) * 1e6
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
    body = _static_server.body()
    results.append(Result("request.decode_beyond_json_loads", _decode_cost(body, rounds), "us"))
    return results
