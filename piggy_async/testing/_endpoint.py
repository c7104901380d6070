"""`Endpoint`: one operation's request path, from the socket to the answer.

    rate limit (per key) → bearer auth → fault draw → body and validation → handler → JSON

An endpoint is built once per operation with everything it needs (its validator, its
handler, its key in the request counters), so serving a request costs a few dictionary
lookups plus the handler's own work.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import attrs
from aiohttp import web

from piggy_async import Operation

from ._bodies import read_body
from ._call import Call, Handler
from ._credentials import UNAUTHENTICATED, Credentials
from ._faults import LOST_FAULTS, STATUS_FAULTS, FaultInjector, break_off, cut_short
from ._rate_limit import RateLimiter
from ._replies import Failure, json_response
from ._state import RequestRecord, State
from ._validation import Validator

RATE_LIMITED: Final = Failure(None, status=429, message="Too Many Attempts.")


@attrs.frozen
class Runtime:
    """What the endpoints of one server share."""

    state: State
    credentials: Credentials
    limiter: RateLimiter
    faults: FaultInjector


class Endpoint:
    """Serves one operation; `handle` is its aiohttp handler."""

    __slots__ = ("_handler", "_key", "_operation", "_reads_body", "_runtime", "_validate")

    def __init__(self, operation: Operation[Any], handler: Handler, runtime: Runtime) -> None:
        self._operation = operation
        self._key = (operation.resource, operation.name)
        self._validate = Validator(operation)
        self._handler = handler
        self._reads_body = operation.method in ("POST", "PUT")
        self._runtime = runtime

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Rate limiting comes first and counts by API key (by peer address for requests
        without a valid one), as the throttle runs before authentication in production."""
        runtime = self._runtime
        token = _bearer(request)
        authorized = runtime.credentials.accepts(self._operation.api, token)
        quota = runtime.limiter.take(token if authorized else f"peer:{request.remote}")
        headers = quota.headers()
        response: web.StreamResponse
        if quota.retry_after is not None:
            response = _error(RATE_LIMITED, headers)
        elif not authorized:
            response = _error(UNAUTHENTICATED, headers)
        else:
            response = await self._serve(request, headers)
        runtime.state.record(
            RequestRecord(request.method, request.path, self._key, response.status)
        )
        return response

    async def _serve(self, request: web.Request, headers: dict[str, str]) -> web.StreamResponse:
        draw = self._runtime.faults.draw(self._operation.label)
        if draw.delay:
            await asyncio.sleep(draw.delay)
        if draw.fault in STATUS_FAULTS:
            return _error(STATUS_FAULTS[draw.fault], headers)
        status, body = await self._answer(request)
        if draw.fault == "reset":
            return await break_off(request, status, body, headers)
        if draw.fault == "malformed":
            body = cut_short(body)
        elif draw.fault in LOST_FAULTS:
            return _error(LOST_FAULTS[draw.fault], headers)
        return json_response(status, body, headers)

    async def _answer(self, request: web.Request) -> tuple[int, bytes]:
        """The status and body the API would answer: validate, then handle."""
        try:
            body = await read_body(request) if self._reads_body else {}
            args, extra = self._validate(request.match_info, request.query, body)
            call = Call(self._operation, args, extra, request.url)
            reply = self._handler(self._runtime.state, call)
        except Failure as failure:
            return failure.status, failure.body()
        return self._operation.status, reply.body()


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _error(failure: Failure, headers: dict[str, str]) -> web.Response:
    return json_response(failure.status, failure.body(), headers)
