"""A scripted API on a free loopback port: each request gets the next of the replies it was
given (the last one repeats), and what arrived is read back as `Received` requests.

For answers FakePiggy never gives on purpose (odd error bodies, documented examples, pages
that drift, redirects, endless bodies, connections that break off), sent over real HTTP.
A reply is a `Reply`, a JSON body, or a handler (`async (request) -> response`) for an
answer a `Reply` cannot script. Faults below HTTP that aiohttp cannot send (a body shorter
than its `Content-Length`, compression bombs) are `raw_server`'s.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal
from urllib.parse import unquote

import attrs
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONTACT = {"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}
NOT_FOUND = {"code": 55031, "message": "Contact not found"}
UPSTREAM = {"message": "Bad gateway"}


@attrs.frozen
class Reply:
    """One answer: `json` (encoded) or the raw `body`, with a status and headers."""

    json: Any = None
    status: int = 200
    body: bytes | str | None = None
    headers: Mapping[str, str] | None = None
    fault: Literal["hang_up", "cut_off"] | None = None
    """`hang_up`: the connection is closed without a word (aiohttp itself sends a GET again
    when that happens on a reused connection: use it on a first request, or a POST);
    `cut_off`: the status, the headers and half the body are sent, then the connection is
    closed."""

    def payload(self) -> bytes:
        if self.body is None:
            return json.dumps(self.json).encode()
        return self.body.encode() if isinstance(self.body, str) else self.body

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "application/json", **(self.headers or {})}
        if self.fault is not None:
            return await self._break(request, headers)
        return web.Response(status=self.status, body=self.payload(), headers=headers)

    async def _break(self, request: web.Request, headers: dict[str, str]) -> web.StreamResponse:
        transport = request.transport
        assert transport is not None
        if self.fault == "hang_up":
            transport.close()
            return web.Response()
        body = self.payload()
        response = web.StreamResponse(status=self.status, headers=headers)
        response.content_length = len(body)
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        transport.close()
        return response


def status_replies(*codes: int) -> tuple[Reply, ...]:
    """Replies with the `codes` in turn, then 200 with a contact for good: a 2xx has a
    contact, a 4xx is "contact not found", a 5xx has no error code."""
    return (*(Reply(_body_for(code), status=code) for code in codes), Reply(CONTACT))


def _body_for(status: int) -> Any:
    return CONTACT if status < 300 else NOT_FOUND if status < 500 else UPSTREAM


def _as_handler(reply: Any) -> Handler:
    """A `Reply` or a handler as it is; anything else as a JSON body."""
    return reply if isinstance(reply, Reply) or callable(reply) else Reply(json=reply)


@attrs.frozen
class Received:
    """One request as the server read it off the wire."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    body: bytes

    @property
    def path(self) -> str:
        """The path as sent (percent-encoding kept), without the query."""
        return self.url.raw_path

    @property
    def query(self) -> list[tuple[str, str]]:
        """The query pairs, decoded, in the order sent."""
        return list(self.url.query.items())

    @property
    def json(self) -> Any:
        assert self.body, f"{self.method} {self.path} was sent without a body"
        return json.loads(self.body)


class Replies:
    """A handler answering each request with the next reply, the last one for every
    request after."""

    def __init__(self, *replies: Any) -> None:
        self._replies: list[Handler] = []
        self._repeating = False  # the one reply left has been sent, and is sent again
        self.pages: dict[str, Handler] = {}
        """The replies for requests by their `page` query value, whenever asked for."""
        self.queue(*replies)

    def queue(self, *replies: Any) -> None:
        """Answer the next requests with `replies`: after those not sent yet, instead of
        one that is being repeated."""
        if self._repeating:
            self._replies, self._repeating = [], False
        self._replies += [_as_handler(reply) for reply in replies]

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        page = self.pages.get(request.query.get("page", ""))
        if page is not None:
            return await page(request)
        if not self._replies:
            return web.Response(status=599, text="no reply scripted for this request")
        if len(self._replies) > 1:
            reply = self._replies.pop(0)
        else:
            reply, self._repeating = self._replies[0], True
        return await reply(request)


class Routes:
    """A handler giving each request the replies of the first route found in its path and
    query (percent-decoded): `Routes({"/contacts?email=a@b.c": Replies(...)})`."""

    def __init__(self, routes: Mapping[str, Replies]) -> None:
        self._routes = routes

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        target = unquote(request.path_qs)
        replies = next((r for route, r in self._routes.items() if route in target), None)
        if replies is None:
            return web.Response(status=599, text=f"no route scripted for {target}")
        return await replies(request)


class ScriptedAPI:
    """A server on a free loopback port answering with the replies it is given
    (`ScriptedAPI(...)`, then `api.reply(...)`), in turn; `requests` holds what it received
    as (method, path and query, headers, body), `received` the same as `Received`."""

    def __init__(self, *replies: Any) -> None:
        self._script = Replies(*replies)
        self.requests: list[tuple[str, str, CIMultiDict[str], bytes]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def reply(self, *replies: Any) -> None:
        """Answer the next requests with `replies`; the last one repeats."""
        self._script.queue(*replies)

    def page(self, number: int, reply: Any) -> None:
        """Answer every request for page `number` with `reply`."""
        self._script.pages[str(number)] = _as_handler(reply)

    @property
    def received(self) -> list[Received]:
        """Every request the server got, in order."""
        return [
            Received(method, URL(path_qs, encoded=True), headers, body)
            for method, path_qs, headers, body in self.requests
        ]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append((request.method, request.path_qs, CIMultiDict(request.headers), body))
        return await self._script(request)

    async def __aenter__(self) -> ScriptedAPI:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class Receiver(ScriptedAPI):
    """A webhook receiver: answers the POSTs to its `url` with the `statuses` given, in
    turn (200 once they run out); `deliveries` holds each one's headers and body."""

    def __init__(self, *statuses: int) -> None:
        super().__init__(*(Reply(body=b"", status=status) for status in (*statuses, 200)))

    async def __aenter__(self) -> Receiver:
        await super().__aenter__()
        self.url += "/hooks"
        return self

    @property
    def deliveries(self) -> list[tuple[CIMultiDict[str], bytes]]:
        return [(headers, body) for _, _, headers, body in self.requests]
