"""OpenTelemetry for a client: `pip install 'piggy_async[otel]'`, then

    piggy = piggy_async.otel.instrument(OAuthClient(api_key=key))

Every call is one client span named after its operation (`piggy contacts.get`), with the
standard HTTP attributes (`http.request.method`, `url.full` without its query string,
`url.template`, `server.address`, `http.response.status_code`, `error.type`), each answer,
retry, rate-limiter wait and 429 as an event, and a token fetch as a child span. Requests
carry the W3C `traceparent` of the call's span. Metrics: attempts sent, answers' durations,
retries, 429s, the limiter's waits and the budget left.

Nothing here reads a body, a query string or a secret path value: no e-mail address or
credential reaches an attribute. Spans go to your tracer provider (the global one unless
you pass one), metrics to your meter provider; only the OpenTelemetry API is needed here.
"""

from __future__ import annotations

from typing import TypeVar

try:
    from opentelemetry import metrics, trace
except ImportError as missing:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "piggy_async.otel needs the OpenTelemetry API: pip install 'piggy_async[otel]'"
    ) from missing

from .._client import BaseClient
from .._transport.hooked import Hooks
from .._version import __version__
from ._metrics import meters_of
from ._spans import CallSpans

__all__ = ["instrument"]

C = TypeVar("C", bound=BaseClient)

_NAME = "piggy_async"


def instrument(
    client: C,
    *,
    tracer_provider: trace.TracerProvider | None = None,
    meter_provider: metrics.MeterProvider | None = None,
) -> C:
    """Trace and measure every call `client` sends, and return it.

    Its views (`with_options`), made before or after, share its spans, metrics and
    `traceparent`. A client is instrumented once.
    """
    if not isinstance(client, BaseClient):
        raise TypeError(f"instrument() takes a client, got {type(client).__name__}")
    transport = client._transport
    if transport.tracing is not None:
        raise ValueError(f"{client!r} is instrumented already")
    tracer = trace.get_tracer(_NAME, __version__, tracer_provider=tracer_provider)
    meter = metrics.get_meter(_NAME, __version__, meter_provider=meter_provider)
    spans = CallSpans(tracer, client.base_url)
    transport.tracing = spans
    transport.listen(spans.on_event)
    meters = meters_of(meter)
    meters.add(client)
    transport.listen(meters.on_event)
    transport.tracing_hooks = Hooks((spans.before_request,), (spans.after_response,))
    return client
