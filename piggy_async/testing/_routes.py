"""The fake's routes, derived from `piggy_async.operations()`: one aiohttp route per
operation at `<API base><path>`, and the token endpoint on the host root.

The operation table is the only list of endpoints. An operation added to the spec is served
(synthesized) without touching the fake, and a stateful handler whose operation is gone stops
the server from being built instead of going silently unused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

import piggy_async
from piggy_async import Operation
from piggy_async._defaults import API_PREFIXES, TOKEN_PATH

from ._call import Handler
from ._endpoint import Endpoint, Runtime
from ._handlers import HANDLERS
from ._replies import Failure, json_response
from ._state import RequestRecord
from ._synthesis import synthesized


def build_app(runtime: Runtime) -> web.Application:
    app = web.Application(middlewares=[_error_envelope])
    operations = piggy_async.operations()
    _check_handlers(operations)
    for path, group in _by_path(operations).items():
        resource = app.router.add_resource(path)
        for operation in group:
            endpoint = Endpoint(operation, _handler(operation), runtime)
            resource.add_route(operation.method, endpoint.handle)
    app.router.add_post(TOKEN_PATH, _token_endpoint(runtime))
    return app


@web.middleware
async def _error_envelope(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """aiohttp's own error answers (404 no such route, 405 wrong method, 413 body too
    large) in the API's JSON error envelope instead of plain text."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        failure = Failure(None, status=error.status, message=error.reason)
        allow = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else {}
        return json_response(failure.status, failure.body(), allow)


def _by_path(operations: Sequence[Operation[Any]]) -> dict[str, list[Operation[Any]]]:
    """Operations by full path: one aiohttp resource serves every method of a path."""
    groups: dict[str, list[Operation[Any]]] = defaultdict(list)
    for operation in operations:
        groups[API_PREFIXES[operation.api] + operation.path].append(operation)
    return groups


def _handler(operation: Operation[Any]) -> Handler:
    return HANDLERS.get((operation.resource, operation.name)) or synthesized(operation)


def _check_handlers(operations: Sequence[Operation[Any]]) -> None:
    unknown = HANDLERS.keys() - {(operation.resource, operation.name) for operation in operations}
    if unknown:
        raise RuntimeError(f"handlers for operations that do not exist: {sorted(unknown)}")


def _token_endpoint(runtime: Runtime) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def token(request: web.Request) -> web.Response:
        response = await runtime.credentials.token_endpoint(request)
        runtime.state.record(RequestRecord(request.method, request.path, None, response.status))
        return response

    return token
