"""The client owns exactly one aiohttp session, closed on exit; a leaked one is reported."""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

import aiohttp
import pytest
from helpers import HOST
from scripted_api import ScriptedAPI

from piggy_async import ClientStateError, OAuthClient, RegisterClient
from piggy_async.limiters import AdaptiveLimiter

BALANCE_BODY = {"data": {"balance": 49}, "meta": []}


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[aiohttp.ClientSession]:
    """Every aiohttp session the SDK creates during the test."""
    created: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def tracking(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        created.append(session)
        return session

    monkeypatch.setattr(aiohttp, "ClientSession", tracking)
    return created


async def test_one_session_for_every_request_closed_on_exit(
    sessions: list[aiohttp.ClientSession], api: ScriptedAPI
) -> None:
    api.reply(BALANCE_BODY)
    async with OAuthClient(api_key="k", base_url=api.url) as piggy:
        await piggy.contacts.get_credit_balance("123")
        await asyncio.gather(*(piggy.contacts.get_credit_balance("123") for _ in range(5)))
        assert len(sessions) == 1
        assert not sessions[0].closed
    assert len(sessions) == 1
    assert sessions[0].closed


async def test_the_session_is_closed_when_the_block_raises(
    sessions: list[aiohttp.ClientSession],
) -> None:
    with pytest.raises(KeyError):
        async with RegisterClient(api_key="k", base_url=HOST):
            raise KeyError("boom")
    (session,) = sessions
    assert session.closed


async def test_without_async_with_the_session_opens_on_first_use(
    sessions: list[aiohttp.ClientSession], api: ScriptedAPI
) -> None:
    api.reply(BALANCE_BODY)
    piggy = OAuthClient(api_key="k", base_url=api.url)
    assert sessions == [], "constructing a client opens nothing"
    await piggy.contacts.get_credit_balance("123")
    (session,) = sessions
    await piggy.close()
    assert session.closed


async def test_closing_an_unused_client_creates_nothing(
    sessions: list[aiohttp.ClientSession],
) -> None:
    piggy = OAuthClient(api_key="k", base_url=HOST)
    await piggy.close()
    await piggy.close()  # idempotent
    assert sessions == []


async def test_using_a_closed_client_raises(api: ScriptedAPI) -> None:
    api.reply(BALANCE_BODY)
    async with OAuthClient(api_key="k", base_url=api.url) as piggy:
        await piggy.contacts.get_credit_balance("123")
    with pytest.raises(ClientStateError, match="closed"):
        await piggy.contacts.get_credit_balance("123")
    with pytest.raises(ClientStateError, match="closed"):
        async with piggy:
            pass
    assert len(api.received) == 1, "nothing sent after close"


async def test_a_closed_client_takes_nothing_from_a_shared_limiter(api: ScriptedAPI) -> None:
    api.reply(BALANCE_BODY)
    shared = AdaptiveLimiter()
    async with OAuthClient(api_key="k", base_url=api.url, limiter=shared) as piggy:
        await piggy.contacts.get_credit_balance("123")
    for _ in range(3):
        with pytest.raises(ClientStateError):
            await piggy.contacts.get_credit_balance("123")
    assert "0 in flight" in repr(shared), "no request was let through only to be refused"


async def test_repr_shows_the_lifecycle() -> None:
    piggy = OAuthClient(api_key="k", base_url=HOST)
    assert "not connected" in repr(piggy)
    async with piggy:
        assert "open" in repr(piggy)
    assert "closed" in repr(piggy)


async def test_async_with_leaves_nothing_to_warn_about(api: ScriptedAPI) -> None:
    api.reply(BALANCE_BODY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with OAuthClient(api_key="k", base_url=api.url) as piggy:
            await piggy.contacts.get_credit_balance("123")
        del piggy
        gc.collect()
    assert [str(w.message) for w in caught] == []


async def test_a_leaked_client_warns(api: ScriptedAPI) -> None:
    """Tests run with warnings as errors, so this warning fails the run of any test that
    forgets to close a client."""
    api.reply(BALANCE_BODY)
    piggy = OAuthClient(api_key="k", base_url=api.url)
    await piggy.contacts.get_credit_balance("123")
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        with pytest.warns(ResourceWarning) as warned:
            del piggy
            gc.collect()
    finally:
        loop.set_exception_handler(previous)
    messages = [str(warning.message) for warning in warned]
    assert any(m.startswith("OAuthClient was never closed: use `async with") for m in messages)
    # aiohttp reports what it was left holding: the session, or its connector and the
    # connection kept alive in it
    reported_messages = [context["message"] for context in reported]
    assert reported_messages, "aiohttp reports the leak too"
    assert all(m in ("Unclosed client session", "Unclosed connector") for m in reported_messages)
