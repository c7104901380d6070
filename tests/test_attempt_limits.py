"""Every attempt is bounded in time by the transport's watchdog: by the call's deadline, or
by connect plus read timeouts when the deadline is further off; one timer serves them all,
and only the watchdog's own cancellations become timeouts."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from helpers import ScriptedServer

from piggy_async import APITimeoutError, OAuthClient, OutcomeUnknownError
from piggy_async._transport.watchdog import Watchdog

CONTACT = {"data": {"uuid": "123"}, "meta": {}}


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
async def hanging() -> AsyncIterator[tuple[Hanging, ScriptedServer]]:
    handler = Hanging()
    async with ScriptedServer(handler) as server:
        yield handler, server
        handler.release.set()


def client(url: str, **options: Any) -> OAuthClient:
    return OAuthClient(api_key="k", base_url=url, max_retries=0, **options)


async def test_the_call_deadline_bounds_an_attempt(
    hanging: tuple[Hanging, ScriptedServer],
) -> None:
    _, server = hanging
    async with client(server.url) as piggy:
        with pytest.raises(APITimeoutError, match=r"within the 0\.3 s the attempt had"):
            await piggy.contacts.get("123", timeout=0.3)
    assert len(server.requests) == 1


async def test_connect_plus_read_bound_an_attempt_within_a_longer_deadline(
    hanging: tuple[Hanging, ScriptedServer],
) -> None:
    _, server = hanging
    async with client(server.url, timeout=60, read_timeout=0.2, connect_timeout=0.1) as piggy:
        with pytest.raises(APITimeoutError, match=r"within the 0\.3 s the attempt had"):
            await piggy.contacts.get("123")


async def test_the_token_request_spends_the_same_deadline_as_its_call() -> None:
    hang = asyncio.Event()

    async def answer(request: web.Request) -> web.Response:
        if request.path == "/oauth/token":
            await asyncio.sleep(0.2)  # a slow token endpoint
            return web.json_response({"access_token": "t", "expires_in": 3600})
        await hang.wait()
        return web.json_response(CONTACT)

    async with (
        ScriptedServer(answer) as server,
        OAuthClient(client_id="c", client_secret="s", base_url=server.url, max_retries=0) as piggy,
    ):
        with pytest.raises(APITimeoutError) as caught:
            await piggy.contacts.get("123", timeout=0.3)
        hang.set()
    named = re.search(r"within the ([0-9.]+) s", str(caught.value))
    assert named is not None
    seconds = float(named.group(1))
    assert seconds <= 0.1, "the attempt got what the token request left of the 0.3 s"


async def test_a_timed_out_write_may_have_been_processed(
    hanging: tuple[Hanging, ScriptedServer],
) -> None:
    _, server = hanging
    async with client(server.url, read_timeout=0.2) as piggy:
        with pytest.raises(OutcomeUnknownError, match="may or may not have been processed"):
            await piggy.contacts.create(email="a@example.com")


async def test_a_timed_out_attempt_is_retried_and_leaves_the_task_uncancelled() -> None:
    handler = Hanging(hang=1)
    async with (
        ScriptedServer(handler) as server,
        OAuthClient(api_key="k", base_url=server.url, read_timeout=0.2, max_retries=1) as piggy,
    ):
        contact = await piggy.contacts.get("123")
        handler.release.set()
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0, "the watchdog took back its cancellation"
        await asyncio.sleep(0)  # and no cancellation is left to strike at the next await
    assert contact.uuid == "123"
    assert len(server.requests) == 2


async def test_a_cancellation_from_elsewhere_stays_a_cancellation(
    hanging: tuple[Hanging, ScriptedServer],
) -> None:
    handler, server = hanging
    async with client(server.url) as piggy:
        call = asyncio.create_task(piggy.contacts.get("123"))
        await handler.arrived.wait()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert "0 attempts watched" in repr(piggy._transport.pool.watchdog)


async def test_one_timer_serves_attempts_that_answer_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    armed: list[float] = []
    call_at = loop.call_at

    def counting(when: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        armed.append(when)
        return call_at(when, callback, *args, **kwargs)

    monkeypatch.setattr(loop, "call_at", counting)
    watchdog = Watchdog(loop)
    task = asyncio.current_task()
    assert task is not None
    for _ in range(100):
        watchdog.watch(task, 60)
        assert not watchdog.release(task), "answered in time"
    assert len(armed) == 1, "later deadlines need no timer of their own"
    watchdog.watch(task, 1)
    assert len(armed) == 2, "a sooner deadline re-arms the one timer"
    watchdog.release(task)
    watchdog.close()


async def test_an_overdue_task_is_cancelled_and_told_so() -> None:
    watchdog = Watchdog(asyncio.get_running_loop())
    never = asyncio.Event()

    async def attempt() -> bool:
        task = asyncio.current_task()
        assert task is not None
        watchdog.watch(task, 0.05)
        try:
            await never.wait()
        except asyncio.CancelledError:
            return watchdog.release(task)
        return False

    assert await asyncio.create_task(attempt()), "release() reports the time ran out"
    assert "0 attempts watched" in repr(watchdog)
