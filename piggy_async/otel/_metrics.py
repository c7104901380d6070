"""`Meters`: a client's metrics, counted from its transport events."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from opentelemetry import metrics

from .._transport.events import TransportEvent

if TYPE_CHECKING:
    from .._client import BaseClient


class Meters:
    """Requests (the answers' durations: one measurement per request, the SDK's costliest
    part), retries, 429s, limiter waits and the budget left."""

    def __init__(self, meter: metrics.Meter, client: BaseClient) -> None:
        self._duration = meter.create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Requests answered, from sending to the answer's last byte",
        )
        self._retries = meter.create_counter(
            "piggy.client.retries", unit="{retry}", description="Attempts retried"
        )
        self._rate_limited = meter.create_counter(
            "piggy.client.rate_limited", unit="{response}", description="429 answers"
        )
        self._waits = meter.create_histogram(
            "piggy.client.limiter.wait", unit="s", description="Waits for the rate limiter"
        )
        self._client = weakref.ref(client)  # the meter provider may outlive the client
        meter.create_observable_gauge(
            "piggy.client.rate_limit.remaining",
            callbacks=[self._remaining],
            unit="{request}",
            description="Requests left in the API's window, as the client last saw it",
        )

    def on_event(self, event: TransportEvent) -> None:
        kind = event.kind
        if kind == "request":  # counted by the duration's histogram once answered
            return
        attributes: dict[str, str | int] = {"piggy.operation": event.operation}
        if kind == "response" and event.elapsed is not None and event.status is not None:
            attributes["http.response.status_code"] = event.status
            self._duration.record(event.elapsed, attributes)
        elif kind == "retry":
            self._retries.add(1, attributes)
        elif kind == "rate_limited":
            self._rate_limited.add(1, attributes)
        elif kind == "wait" and event.delay is not None:
            self._waits.record(event.delay, attributes)

    def _remaining(self, _: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
        client = self._client()
        remaining = None if client is None else client.rate_limit.remaining
        if remaining is None:
            return []
        return [metrics.Observation(remaining, {"piggy.client": type(client).__name__})]
