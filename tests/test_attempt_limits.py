"""Each attempt is bounded by the call's deadline and, once it has a connection, by the read
timeout; getting a connection by the pool timeout. The watchdog keeps the first two on the
client's clock: these tests move a `VirtualClock` past a hanging server's deadline instead
of waiting for it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import pytest
from aiohttp import web
from scripted_api import ScriptedAPI

from piggy_async import (
    APIConnectionError,
    APITimeoutError,
    OAuthClient,
    OutcomeUnknownError,
    VirtualClock,
)

CONTACT = {"data": {"uuid": "123"}, "meta": {}}
T = TypeVar("T")


class Hanging:
    """Answers the first `hang` requests never (until the test ends), the rest at once."""

    def __init__(self, hang: int = 1_000_000) -> None:
        self.hang = hang
        self.release = asyncio.Event()
        self.arrived = asyncio.Event()

    async def __call__(self, request: web.Request) -> web.Response:
        self.arrived.set()
        if self.hang > 0:
            self.hang -= 1
            await self.release.wait()
        return web.json_response(CONTACT)


@pytest.fixture
async def hanging() -> AsyncIterator[tuple[Hanging, ScriptedAPI]]:
    handler = Hanging()
    async with ScriptedAPI(handler) as server:
        yield handler, server
        handler.release.set()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


def client(url: str, clock: VirtualClock | None = None, **options: Any) -> OAuthClient:
    if clock is not None:
        options["clock"] = clock
    return OAuthClient(api_key="k", base_url=url, max_retries=0, **options)


async def settled(call: asyncio.Task[T]) -> bool:
    """Whether `call` is done once everything ready to run has run."""
    for _ in range(20):
        await asyncio.sleep(0)
    return call.done()


async def started(call: Awaitable[T], arrived: asyncio.Event) -> asyncio.Task[T]:
    """`call` running, its request at the server."""
    task = asyncio.ensure_future(call)
    await arrived.wait()
    return task


async def test_the_call_deadline_bounds_an_attempt(
    hanging: tuple[Hanging, ScriptedAPI], clock: VirtualClock
) -> None:
    handler, server = hanging
    async with client(server.url, clock) as piggy:
        call = await started(piggy.contacts.get("123", timeout=0.3), handler.arrived)
        clock.advance(0.29)
        assert not await settled(call), "the deadline has not come"
        clock.advance(0.01)
        with pytest.raises(APITimeoutError, match=r"before the call's deadline \(0\.3 s\)"):
            await call
    assert len(server.requests) == 1


async def test_the_read_timeout_alone_bounds_an_attempt_once_connected(
    hanging: tuple[Hanging, ScriptedAPI], clock: VirtualClock
) -> None:
    handler, server = hanging
    async with client(server.url, clock, timeout=60, read_timeout=0.2) as piggy:
        call = await started(piggy.contacts.get("123"), handler.arrived)
        clock.advance(0.19)
        assert not await settled(call)
        clock.advance(0.01)  # the connect timeout (10 s) does not add to it
        with pytest.raises(APITimeoutError, match=r"within the 0\.2 s read timeout"):
            await call


async def test_a_hanging_server_fails_within_the_read_timeout_in_real_time(
    hanging: tuple[Hanging, ScriptedAPI],
) -> None:
    _, server = hanging
    async with client(server.url, read_timeout=0.2) as piggy:
        began = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"within the 0\.2 s read timeout"):
            await piggy.contacts.get("123")
        took = time.monotonic() - began
    assert took < 5, f"bounded by the read timeout, not connect + read (took {took:.1f} s)"


async def test_a_write_that_ran_out_of_read_time_may_have_been_processed(
    hanging: tuple[Hanging, ScriptedAPI], clock: VirtualClock
) -> None:
    handler, server = hanging
    async with client(server.url, clock, read_timeout=0.2) as piggy:
        call = await started(piggy.contacts.create_async(email="a@example.com"), handler.arrived)
        clock.advance(0.2)
        with pytest.raises(OutcomeUnknownError, match="may or may not have been processed"):
            await call


async def test_a_timed_out_attempt_is_retried_and_leaves_the_task_uncancelled(
    clock: VirtualClock,
) -> None:
    handler = Hanging(hang=1)

    async def get(piggy: OAuthClient) -> str:
        contact = await piggy.contacts.get("123")
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0, "the watchdog took back its cancellation"
        await asyncio.sleep(0)  # and no cancellation is left to strike at the next await
        return contact.uuid

    async with (
        ScriptedAPI(handler) as server,
        OAuthClient(
            api_key="k", base_url=server.url, read_timeout=0.2, max_retries=1, clock=clock
        ) as piggy,
    ):
        call = await started(get(piggy), handler.arrived)
        clock.advance(0.2)
        assert await call == "123"
        handler.release.set()
    assert len(server.requests) == 2


async def test_a_cancellation_from_elsewhere_stays_a_cancellation(
    hanging: tuple[Hanging, ScriptedAPI], clock: VirtualClock
) -> None:
    handler, server = hanging
    async with client(server.url, clock) as piggy:
        call = await started(piggy.contacts.get("123"), handler.arrived)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert "0 attempts watched" in repr(piggy._transport.pool.watchdog)


async def test_a_full_pool_is_bounded_by_the_pool_timeout(
    hanging: tuple[Hanging, ScriptedAPI],
) -> None:
    handler, server = hanging
    async with client(server.url, connection_limit=1, pool_timeout=0.2) as piggy:
        holding = await started(piggy.contacts.get("123"), handler.arrived)
        began = time.monotonic()
        with pytest.raises(APIConnectionError, match="no connection within the pool") as caught:
            await piggy.contacts.create(email="a@example.com")
        took = time.monotonic() - began
        holding.cancel()
    assert not isinstance(caught.value, OutcomeUnknownError), "the write never left"
    assert took < 5, f"bounded by the pool timeout, not pool + connect (took {took:.1f} s)"
    assert len(server.requests) == 1


async def test_an_attempt_waiting_for_a_connection_ends_at_the_call_deadline(
    hanging: tuple[Hanging, ScriptedAPI], clock: VirtualClock
) -> None:
    handler, server = hanging
    async with client(server.url, clock, connection_limit=1) as piggy:
        holding = await started(piggy.contacts.get("123"), handler.arrived)
        waiting = asyncio.ensure_future(piggy.contacts.create(email="a@example.com", timeout=5))
        assert not await settled(waiting)
        clock.advance(5)
        with pytest.raises(APITimeoutError, match="no connection before the call's deadline"):
            await waiting
        holding.cancel()
    assert len(server.requests) == 1, "the write was never sent"
