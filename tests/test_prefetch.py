"""`AsyncPaginator.prefetch(n)`: pages requested ahead, at most n at once, items in order,
the first error raised and every other request cancelled, nothing left running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from piggy_async import BadRequestError, OAuthClient

PER_PAGE = 2


class PagedServer:
    """Serves `/contacts?page=N` for `last_page` pages on 127.0.0.1 and records how many
    requests were in flight at once. A request waits until `open_at` requests are in
    flight together (or the page is not held back), so parallelism is proven, not timed."""

    def __init__(self, last_page: int, *, open_at: int = 1, failing: int = 0) -> None:
        self.last_page = last_page
        self.open_at = open_at
        self.failing = failing
        self.in_flight = 0
        self.most_in_flight = 0
        self.requested: list[int] = []
        self.cancelled = 0
        self.release = asyncio.Event()
        self.meta = True
        self.arrived: dict[int, asyncio.Event] = {}

    async def handle(self, request: web.Request) -> web.Response:
        page = int(request.query["page"])
        self.requested.append(page)
        self.arrived.setdefault(page, asyncio.Event()).set()
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.in_flight >= self.open_at:
                self.release.set()
            if page > 1:
                await self.release.wait()
            if page == self.failing:
                return web.json_response({"message": "refused", "code": 1}, status=400)
            items = [
                {"uuid": f"{page}-{i}"} for i in range(PER_PAGE if page <= self.last_page else 0)
            ]
            meta = {"page": page, "per_page": PER_PAGE}
            if self.meta:
                meta["last_page"] = self.last_page
            return web.json_response({"data": items, "meta": meta})
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1


@contextlib.asynccontextmanager
async def serve(server: PagedServer) -> AsyncIterator[OAuthClient]:
    app = web.Application()
    app.router.add_get("/api/v3/oauth/clients/contacts", server.handle)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with OAuthClient(api_key="k", base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        await runner.cleanup()


def uuids(pages: range) -> list[str]:
    return [f"{page}-{i}" for page in pages for i in range(PER_PAGE)]


@pytest.fixture
async def loop_errors() -> list[dict[str, Any]]:
    """What the event loop reports (e.g. "Task exception was never retrieved")."""
    errors: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, context: errors.append(context))
    return errors


def page_requests() -> set[asyncio.Task[Any]]:
    """The paginator's request tasks still running (the server's own tasks aside)."""
    return {
        task
        for task in asyncio.all_tasks()
        if "paginate" in getattr(task.get_coro(), "__qualname__", "")
    }


async def test_items_come_in_order_with_n_pages_in_flight() -> None:
    server = PagedServer(last_page=12, open_at=4)
    async with serve(server) as piggy:
        items = [contact.uuid async for contact in piggy.contacts.list().prefetch(4)]
    assert items == uuids(range(1, 13))
    assert server.most_in_flight == 4, "pages 2-5 were requested together, never more"
    assert sorted(server.requested) == list(range(1, 13))


async def test_one_page_ahead_is_sequential() -> None:
    server = PagedServer(last_page=5)
    async with serve(server) as piggy:
        items = [contact.uuid async for contact in piggy.contacts.list().prefetch(1)]
    assert items == uuids(range(1, 6))
    assert server.most_in_flight == 1
    assert server.requested == [1, 2, 3, 4, 5]


async def test_at_most_n_pages_are_held_while_the_consumer_is_slow() -> None:
    server = PagedServer(last_page=6, open_at=3)  # pages 2-4 answer once all three are asked
    async with serve(server) as piggy:
        iterator = aiter(piggy.contacts.list().prefetch(3))
        async with contextlib.aclosing(iterator):
            assert [(await anext(iterator)).uuid for _ in range(3)] == ["1-0", "1-1", "2-0"]
            for page in (3, 4):
                await server.arrived.setdefault(page, asyncio.Event()).wait()
            assert sorted(server.requested) == [1, 2, 3, 4], "2 is being read, 3 and 4 held"
            rest = [contact.uuid async for contact in iterator]
    assert rest == uuids(range(2, 7))[1:]
    assert server.most_in_flight == 3


async def test_the_first_error_is_raised_and_the_rest_cancelled(
    loop_errors: list[dict[str, Any]],
) -> None:
    server = PagedServer(last_page=20, open_at=6, failing=4)
    async with serve(server) as piggy:
        seen: list[str] = []
        with pytest.raises(BadRequestError, match="refused"):
            async for contact in piggy.contacts.list().prefetch(6):
                seen.append(contact.uuid)
        assert page_requests() == set(), "no request is left running"
    assert seen[:2] == uuids(range(1, 2)) and len(seen) <= 6, "no item of page 4 or later"
    assert max(server.requested) <= 7, "no page past the window was requested"
    assert loop_errors == []


async def test_leaving_the_loop_early_cancels_the_requests(
    loop_errors: list[dict[str, Any]],
) -> None:
    server = PagedServer(last_page=50, open_at=10**9)  # later pages never answer
    async with serve(server) as piggy:
        iterator = aiter(piggy.contacts.list().prefetch(5))
        async with contextlib.aclosing(iterator):
            async for contact in iterator:
                assert contact.uuid == "1-0"
                break
        assert page_requests() == set()
    assert loop_errors == []


async def test_without_last_page_pages_come_one_after_the_other() -> None:
    server = PagedServer(last_page=3)
    server.meta = False
    server.release.set()
    async with serve(server) as piggy:
        items = [contact.uuid async for contact in piggy.contacts.list(limit=2).prefetch(4)]
    assert items == uuids(range(1, 4))
    assert server.requested == [1, 2, 3, 4], "page 4 came back empty: the end"


@pytest.mark.parametrize("pages", [0, -1, True, 1.5])
def test_prefetch_needs_a_positive_page_count(pages: Any) -> None:
    piggy = OAuthClient(api_key="k")
    with pytest.raises(ValueError, match="positive"):
        piggy.contacts.list().prefetch(pages)
