"""`Meters`: the metrics of the clients instrumented on one meter, counted from their
transport events; `meters_of(meter)`, the one `Meters` of a meter (a meter keeps the first
of two instruments of one name, so every client on it shares them)."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from opentelemetry import metrics

from .._transport.events import TransportEvent

if TYPE_CHECKING:
    from .._client import BaseClient


_METERS: weakref.WeakKeyDictionary[metrics.Meter, Meters] = weakref.WeakKeyDictionary()


def meters_of(meter: metrics.Meter) -> Meters:
    if meter not in _METERS:
        _METERS[meter] = Meters(meter)
    return _METERS[meter]


class Meters:
    """Requests (the answers' durations: one measurement per request, the SDK's costliest
    part), retries, 429s, limiter waits, and the budget each client has left."""

    def __init__(self, meter: metrics.Meter) -> None:
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
        self._clients: weakref.WeakSet[BaseClient] = weakref.WeakSet()  # none kept alive
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

    def add(self, client: BaseClient) -> None:
        """Report `client`'s budget left too (for as long as it exists)."""
        self._clients.add(client)

    def _remaining(self, _: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
        """Each client's budget left, by its class and its budget (a fingerprint of its
        credentials' fingerprint: clients on one key share one)."""
        seen: dict[tuple[str, str], int] = {}
        for client in list(self._clients):
            remaining = client.rate_limit.remaining
            if remaining is not None:
                seen[type(client).__name__, client._transport.key[:8]] = remaining
        return [
            metrics.Observation(left, {"piggy.client": name, "piggy.budget": budget})
            for (name, budget), left in seen.items()
        ]
