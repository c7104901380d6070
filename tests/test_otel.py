"""`piggy_async.otel.instrument()` against FakePiggy and scripted servers, read back through
opentelemetry-sdk's in-memory span exporter and metric reader: one client span per call,
its retries, waits and 429s as events, a token fetch as a child span, the `traceparent` on
the wire, metrics, and no e-mail address or secret in any attribute."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from scripted_api import ScriptedAPI, status_replies

from piggy_async import (
    NotFoundError,
    OAuthClient,
    PiggyError,
    RegisterClient,
    RetryPolicy,
    VirtualClock,
)
from piggy_async.hooks import RequestInfo
from piggy_async.limiters import FixedRateLimiter, NoLimiter
from piggy_async.otel import instrument
from piggy_async.testing import FakePiggy

EMAIL = "sandy@bikinibottom.sea"


class Telemetry:
    """A tracer provider writing to memory, and a meter provider read on demand."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def instrument(self, client: Any) -> Any:
        return instrument(
            client, tracer_provider=self.tracer_provider, meter_provider=self.meter_provider
        )

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def metrics(self) -> dict[str, list[tuple[dict[str, Any], Any]]]:
        """Each metric's data points: (attributes, a counter's or gauge's value, a
        histogram's sum); a histogram's counts under `<name>.count`."""
        found: dict[str, list[tuple[dict[str, Any], Any]]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    points = found.setdefault(metric.name, [])
                    for point in metric.data.data_points:
                        attributes = dict(point.attributes or {})
                        count = getattr(point, "count", None)
                        if count is not None:
                            found.setdefault(f"{metric.name}.count", []).append((attributes, count))
                        value = getattr(point, "value", None)
                        points.append((attributes, point.sum if value is None else value))
        return found


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    telemetry = Telemetry()
    yield telemetry
    telemetry.tracer_provider.shutdown()
    telemetry.meter_provider.shutdown()


def every_attribute(spans: list[ReadableSpan]) -> list[tuple[str, Any]]:
    """Every attribute of every span and span event, as (name, value)."""
    pairs = [pair for span in spans for pair in (span.attributes or {}).items()]
    events = [event for span in spans for event in span.events]
    return pairs + [pair for event in events for pair in (event.attributes or {}).items()]


async def test_one_client_span_per_call_with_the_http_attributes(
    telemetry: Telemetry,
) -> None:
    async with FakePiggy() as server:
        server.state.add_contact(EMAIL, channel="OAUTH_API")
        client = OAuthClient(api_key=server.oauth_key, base_url=server.url)
        async with telemetry.instrument(client) as piggy:
            await piggy.contacts.find_one_by(email=EMAIL)
            remaining = piggy.rate_limit.remaining
        url = server.url
    (span,) = telemetry.spans()
    assert span.name == "piggy contacts.find_one_by"
    assert span.kind is SpanKind.CLIENT
    attributes = dict(span.attributes or {})
    host, port = url.removeprefix("http://").split(":")
    assert attributes == {
        "http.request.method": "GET",
        "server.address": host,
        "server.port": int(port),
        "url.template": "/contacts/find-one-by",
        "url.full": f"{url}/api/v3/oauth/clients/contacts/find-one-by",
        "http.response.status_code": 200,
        "piggy.operation": "contacts.find_one_by",
        "piggy.api": "oauth",
    }
    assert span.status.status_code is StatusCode.UNSET
    assert not [pair for pair in every_attribute([span]) if "@" in str(pair[1])]
    ((gauge_attributes, gauge),) = telemetry.metrics()["piggy.client.rate_limit.remaining"]
    assert (gauge_attributes["piggy.client"], gauge) == ("OAuthClient", remaining)
    assert remaining is not None


async def test_the_traceparent_names_the_calls_span(telemetry: Telemetry) -> None:
    tracer = telemetry.tracer_provider.get_tracer("my-service")
    async with ScriptedAPI(*status_replies(503)) as server:
        client = OAuthClient(api_key="key", base_url=server.url, clock=VirtualClock())
        async with telemetry.instrument(client) as piggy:
            with tracer.start_as_current_span("checkout"):
                await piggy.contacts.get("123")
    call, checkout = telemetry.spans()
    assert call.parent is not None and call.parent.span_id == checkout.context.span_id
    sent = [headers["traceparent"][:-3] for _, _, headers, _ in server.requests]
    expected = f"00-{call.context.trace_id:032x}-{call.context.span_id:016x}"
    assert sent == [expected, expected], "every attempt carries it"


async def test_retries_and_429s_are_events_of_the_call_and_counted(
    telemetry: Telemetry,
) -> None:
    async with ScriptedAPI(*status_replies(503, 429)) as server:
        clock = VirtualClock()  # no limiter: its pause after the 429 is tested elsewhere
        client = OAuthClient(api_key="key", base_url=server.url, clock=clock, limiter=NoLimiter())
        async with telemetry.instrument(client) as piggy:
            await piggy.contacts.get("123")
    (span,) = telemetry.spans()
    names = [event.name for event in span.events]
    assert names == ["piggy.response", "piggy.retry", "piggy.response", "piggy.429", "piggy.retry"]
    statuses = [e.attributes["http.response.status_code"] for e in span.events if e.attributes
                and e.name == "piggy.response"]  # fmt: skip
    assert statuses == [503, 429], "error answers are events; the last answer's is the span's"
    attributes = span.attributes or {}
    assert (attributes["http.request.resend_count"], attributes["http.response.status_code"]) == (
        2,
        200,
    )
    metrics = telemetry.metrics()
    assert sum(count for _, count in metrics["http.client.request.duration.count"]) == 3
    assert sum(value for _, value in metrics["piggy.client.retries"]) == 2
    assert sum(value for _, value in metrics["piggy.client.rate_limited"]) == 1
    durations = metrics["http.client.request.duration"]
    assert sorted(a["http.response.status_code"] for a, _ in durations) == [200, 429, 503]


async def test_a_failed_call_marks_its_span_without_the_message(telemetry: Telemetry) -> None:
    async with FakePiggy() as server:
        client = OAuthClient(api_key=server.oauth_key, base_url=server.url)
        async with telemetry.instrument(client) as piggy:
            with pytest.raises(NotFoundError):
                await piggy.contacts.find_one_by(email=EMAIL)
    (span,) = telemetry.spans()
    assert span.status.status_code is StatusCode.ERROR
    attributes = span.attributes or {}
    assert str(attributes["error.type"]).endswith("Error")
    assert attributes["http.response.status_code"] in (400, 404)
    assert not [pair for pair in every_attribute([span]) if "@" in str(pair[1])]
    assert not [event for event in span.events if event.name == "exception"]


async def test_a_token_fetch_is_a_child_span_of_the_call(telemetry: Telemetry) -> None:
    async with FakePiggy() as server:
        uuid = server.state.add_contact(EMAIL, channel="OAUTH_API").uuid
        client = OAuthClient(
            client_id=server.credentials.client_id,
            client_secret=server.credentials.client_secret,
            base_url=server.url,
        )
        async with telemetry.instrument(client) as piggy:
            await piggy.contacts.get(uuid)
            await piggy.contacts.get(uuid)
    token, first, second = telemetry.spans()
    assert (token.name, first.name, second.name) == (
        "piggy oauth.token",
        "piggy contacts.get",
        "piggy contacts.get",
    )
    assert token.parent is not None and token.parent.span_id == first.context.span_id
    assert (token.attributes or {})["http.response.status_code"] == 200
    values = [str(value) for _, value in every_attribute([token, first, second])]
    assert not [v for v in values if server.credentials.client_secret in v]


async def test_limiter_waits_are_events_and_measured(telemetry: Telemetry) -> None:
    clock = VirtualClock()
    async with FakePiggy(clock=clock) as server:
        uuid = server.state.add_contact(EMAIL, channel="OAUTH_API").uuid
        limiter = FixedRateLimiter(1, burst=1, clock=clock)
        client = OAuthClient(
            api_key=server.oauth_key, base_url=server.url, clock=clock, limiter=limiter
        )
        async with telemetry.instrument(client) as piggy:
            for _ in range(3):
                await piggy.contacts.get(uuid)
    waits = [e for span in telemetry.spans() for e in span.events if e.name == "piggy.limiter.wait"]
    assert len(waits) == 2
    metrics = telemetry.metrics()
    ((attributes, waited),) = metrics["piggy.client.limiter.wait"]
    assert attributes == {"piggy.operation": "contacts.get"}
    assert waited == pytest.approx(2.0, abs=0.1)


async def test_a_secret_path_value_never_reaches_a_span(telemetry: Telemetry) -> None:
    async with FakePiggy() as server:
        client = RegisterClient(api_key=server.register_key, base_url=server.url)
        async with telemetry.instrument(client) as pos:
            with contextlib.suppress(PiggyError):
                await pos.contact_session_tokens.get("s3cr3t-session-token")
    (span,) = telemetry.spans()
    assert (span.attributes or {})["url.full"].endswith("/contact-session-tokens/<redacted>")
    assert not [pair for pair in every_attribute([span]) if "s3cr3t" in str(pair[1])]


async def test_views_made_before_or_after_are_traced_too(telemetry: Telemetry) -> None:
    async def mine(request: RequestInfo) -> None:
        request.headers["x-mine"] = "1"

    async with ScriptedAPI(*status_replies()) as server:
        client = OAuthClient(api_key="key", base_url=server.url)
        before = client.with_options(before_request=[mine])
        async with telemetry.instrument(client) as piggy:
            await before.contacts.get("1")
            await piggy.with_options(retry_policy=RetryPolicy(max_retries=0)).contacts.get("2")
    spans = telemetry.spans()
    assert [span.name for span in spans] == ["piggy contacts.get"] * 2
    sent = [headers for _, _, headers, _ in server.requests]
    assert [("traceparent" in headers, headers.get("x-mine")) for headers in sent] == [
        (True, "1"),
        (True, None),
    ], "the view's own hook runs too"
    assert all((span.attributes or {})["http.response.status_code"] == 200 for span in spans)


async def test_each_client_on_one_meter_reports_its_budget(telemetry: Telemetry) -> None:
    async with FakePiggy() as server:
        oauth = OAuthClient(api_key=server.oauth_key, base_url=server.url)
        register = RegisterClient(api_key=server.register_key, base_url=server.url)
        async with telemetry.instrument(oauth) as piggy, telemetry.instrument(register) as pos:
            await piggy.shops.list()
            await pos.contacts.find_or_create(email=EMAIL)
            await pos.contacts.find_or_create(email=EMAIL)
            expected = {"OAuthClient": piggy.rate_limit.remaining}
            expected["RegisterClient"] = pos.rate_limit.remaining
    metrics = telemetry.metrics()  # read once: opentelemetry-sdk 1.22 reports a point once
    budgets = metrics["piggy.client.rate_limit.remaining"]
    assert {a["piggy.client"]: left for a, left in budgets} == expected
    assert len({a["piggy.budget"] for a, _ in budgets}) == 2, "one budget per key"
    durations = metrics["http.client.request.duration.count"]
    assert sum(count for _, count in durations) == 3


def test_a_client_is_instrumented_once(telemetry: Telemetry) -> None:
    client = OAuthClient(api_key="key")
    telemetry.instrument(client)
    with pytest.raises(ValueError, match="instrumented already"):
        telemetry.instrument(client)
    with pytest.raises(TypeError, match="takes a client"):
        instrument("https://api.piggy.eu")  # type: ignore[type-var]


USER_TEST = Path(__file__).parents[1] / "examples" / "user_tests" / "test_tracing.py"


def test_a_users_own_tracing_test_passes_with_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_tracing=USER_TEST.read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
