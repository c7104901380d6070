"""A user's own test of the SDK's tracing, with `pip install 'piggy_async[pytest,otel]'`
and `opentelemetry-sdk`: the plugin's fixtures (no conftest.py), calls sent through an
aiohttp session of the test's own, spans read back from an in-memory exporter."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import piggy_async.otel
from piggy_async import OAuthClient

pytestmark = pytest.mark.asyncio  # pytest-asyncio's strict mode, its default

EMAIL = "sandy@bikinibottom.sea"


class TestTracedThroughMyOwnSession:
    @pytest.fixture
    def sent(self) -> list[str]:
        """The `traceparent` of every request my session sent."""
        return []

    @pytest_asyncio.fixture
    async def session(self, sent: list[str]) -> Any:
        trace = aiohttp.TraceConfig()

        async def started(_: Any, __: Any, params: aiohttp.TraceRequestStartParams) -> None:
            sent.append(params.headers.get("traceparent", "none"))

        trace.on_request_start.append(started)
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            yield session

    @pytest.fixture
    def piggy_client_options(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        return {"session": session}

    async def test_my_calls_are_spans_without_email_addresses(
        self, piggy: OAuthClient, session: aiohttp.ClientSession, sent: list[str]
    ) -> None:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        piggy_async.otel.instrument(piggy, tracer_provider=provider)

        contact = await piggy.contacts.find_or_create(email=EMAIL)
        found = await piggy.contacts.find_one_by(email=EMAIL)
        assert found.uuid == contact.uuid

        spans = exporter.get_finished_spans()
        assert [span.name for span in spans] == [
            "piggy contacts.find_or_create",
            "piggy contacts.find_one_by",
        ]
        values = [str(value) for span in spans for value in (span.attributes or {}).values()]
        events = [event for span in spans for event in span.events]
        values += [str(value) for event in events for value in (event.attributes or {}).values()]
        assert values, "the spans have attributes"
        assert not [value for value in values if "@" in value], "no e-mail address"
        expected = [
            f"00-{span.context.trace_id:032x}-{span.context.span_id:016x}" for span in spans
        ]
        assert [header[:-3] for header in sent] == expected, "through my session, traced"
        assert not session.closed
        provider.shutdown()
