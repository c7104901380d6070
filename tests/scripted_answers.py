"""A `ScriptedServer` handler answering a list of statuses in turn, for the hooks' and
retry rules' tests."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

CONTACT = {"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}
ERROR = {"code": 55031, "message": "Contact not found"}
UPSTREAM = {"message": "Bad gateway"}


def answering(*statuses: int) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A handler answering the `statuses` in turn (200 with a contact once they run out;
    a 4xx is "contact not found", a 5xx has no error code)."""
    left = list(statuses)

    async def handle(_: web.Request) -> web.Response:
        status = left.pop(0) if left else 200
        body = CONTACT if status < 300 else ERROR if status < 500 else UPSTREAM
        return web.Response(status=status, text=json.dumps(body), content_type="application/json")

    return handle
