"""`CallSpans`: one client span per call, its attempts' attributes and events, and the
`traceparent` each attempt carries."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from yarl import URL

from .._operation import Operation
from .._transport.events import TransportEvent
from ..hooks import RequestInfo, ResponseInfo

R = TypeVar("R")

_EVENTS = {"retry": "piggy.retry", "wait": "piggy.limiter.wait", "rate_limited": "piggy.429"}
"""The transport events each call's span records, by the name it records them as."""


class CallSpans:
    """Spans for the calls of one client on `base_url`."""

    def __init__(self, tracer: trace.Tracer, base_url: str) -> None:
        self._tracer = tracer
        base = URL(base_url)
        self._server: dict[str, str | int] = {"server.address": base.host or ""}
        if base.port is not None:
            self._server["server.port"] = base.port

    async def __call__(self, operation: Operation[Any], sent: Awaitable[R]) -> R:
        """`sent` awaited inside the call's span, which ends with it."""
        attributes = {
            **self._server,
            "http.request.method": operation.method,
            "url.template": operation.path or "/",
            "piggy.operation": operation.label,
            "piggy.api": operation.api,
        }
        with self._tracer.start_as_current_span(
            f"piggy {operation.label}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,  # an error's message may quote the API, e-mails included
            set_status_on_exception=False,
        ) as span:
            try:
                return await sent
            except BaseException as error:
                span.set_attribute("error.type", type(error).__qualname__)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise

    async def before_request(self, request: RequestInfo) -> None:
        """The attempt's URL (no query, secrets redacted) on the span; its `traceparent`."""
        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute("url.full", request.url)
            if request.attempt > 1:
                span.set_attribute("http.request.resend_count", request.attempt - 1)
        propagate.inject(request.headers)

    async def after_response(self, response: ResponseInfo) -> None:
        """The answer's status on the span; an error answer as one of its events too."""
        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute("http.response.status_code", response.status)
            if response.status < 400:
                return
            span.add_event(
                "piggy.response",
                {
                    "piggy.attempt": response.attempt,
                    "http.response.status_code": response.status,
                    "piggy.elapsed": response.elapsed,
                },
            )

    def on_event(self, event: TransportEvent) -> None:
        """A retry, a limiter wait or a 429 as an event of the call's span."""
        name = _EVENTS.get(event.kind)
        if name is None:  # every attempt's `request` and `response`: the hooks have those
            return
        span = trace.get_current_span()
        if not span.is_recording():
            return
        attributes: dict[str, str | int | float] = {"piggy.attempt": event.attempt}
        if event.delay is not None:
            attributes["piggy.delay"] = event.delay
        if event.reason is not None:
            attributes["piggy.reason"] = event.reason
        span.add_event(name, attributes)
