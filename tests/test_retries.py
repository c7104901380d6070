"""The retry policy as users meet it: what is retried, how long it waits, what surfaces.

Every wait runs on a `VirtualClock`, so the tests assert the waits the client chose without
sleeping through them.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ConnectionKey
from aioresponses import aioresponses
from helpers import HOST, OAUTH, endpoint, sent
from scripted_api import Reply, ScriptedAPI

from piggy_async import (
    APIConnectionError,
    APITimeoutError,
    MaintenanceError,
    OAuthClient,
    OutcomeUnknownError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportEvent,
    VirtualClock,
)
from piggy_async.testing import FakePiggy

GET_CONTACT = endpoint(OAUTH, "/contacts/123")
CONTACT = {"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}
CREDIT = endpoint(OAUTH, "/credit-receptions")
CREDIT_BODY = {"data": {"uuid": "c-1", "credits": 10, "type": "credit_reception"}}
TOO_MANY = {"status_code": 429, "message": "Too Many Attempts."}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def events() -> list[TransportEvent]:
    return []


@pytest.fixture
async def client(
    api: ScriptedAPI, clock: VirtualClock, events: list[TransportEvent]
) -> AsyncIterator[OAuthClient]:
    async with OAuthClient(
        api_key="k", base_url=api.url, clock=clock, on_event=events.append
    ) as piggy:
        yield piggy


@pytest.fixture
async def mocked(mock: aioresponses, clock: VirtualClock) -> AsyncIterator[OAuthClient]:
    """A client on the mock, for failures a socket cannot be made to give on cue."""
    async with OAuthClient(api_key="k", base_url=HOST, clock=clock) as piggy:
        yield piggy


def _refused() -> aiohttp.ClientConnectorError:
    key = ConnectionKey("api.test", 443, True, True, None, None, None)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


def _kinds(events: list[TransportEvent]) -> list[str]:
    return [event.kind for event in events]


# -- what is retried ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_a_get_is_retried_after_a_transient_status(
    status: int, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=status, json={"message": "try again"}))
    api.reply(Reply(json=CONTACT))
    contact = await client.contacts.get("123")
    assert contact.uuid == "123"
    assert len(api.received) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_other_client_errors_are_never_retried(
    status: int, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=status, json={"code": 1003, "message": "no"}))
    with pytest.raises(Exception) as caught:
        await client.contacts.get("123")
    assert getattr(caught.value, "status", None) == status
    assert len(api.received) == 1


async def test_retries_stop_after_max_retries(
    client: OAuthClient, api: ScriptedAPI, events: list[TransportEvent]
) -> None:
    api.reply(Reply(status=500, json={"message": "boom"}))
    with pytest.raises(ServerError):
        await client.contacts.get("123")
    assert len(api.received) == 5, "the first attempt and the default 4 retries"
    assert _kinds(events).count("retry") == 4


async def test_max_retries_per_call_and_through_with_options(
    client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=502, json={"message": "bad gateway"}))
    with pytest.raises(ServerError):
        await client.contacts.get("123", max_retries=1)
    assert len(api.received) == 2
    with pytest.raises(ServerError):
        await client.with_options(max_retries=0).contacts.get("123")
    assert len(api.received) == 3


async def test_backoff_grows_and_is_jittered(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=500, json={"message": "boom"}))
    with pytest.raises(ServerError):
        await client.contacts.get("123")
    base = RetryPolicy().base_delay
    assert len(clock.sleeps) == 4
    for retry, wait in enumerate(clock.sleeps):
        assert 0 <= wait <= base * 2**retry, "full jitter: uniform below the doubling ceiling"


# -- Retry-After ------------------------------------------------------------------------


async def test_retry_after_in_seconds_is_honoured(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": "7"}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.get("123")
    assert 7 <= sum(clock.sleeps) <= 7 * 1.25, "the asked wait, plus a little spread"


async def test_retry_after_as_an_http_date_is_honoured(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    when = email.utils.formatdate(clock.wall() + 30, usegmt=True)
    api.reply(Reply(status=503, json={"message": "maintenance"}, headers={"Retry-After": when}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.get("123")
    assert 28 <= sum(clock.sleeps) <= 30 * 1.25


async def test_x_ratelimit_reset_is_honoured(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"X-RateLimit-Reset": "4"}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.get("123")
    assert 4 <= sum(clock.sleeps) <= 4 * 1.25


async def test_a_wait_past_the_cap_surfaces_at_once(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": "600"}))
    with pytest.raises(RateLimitError) as caught:
        await client.contacts.get("123")
    assert clock.sleeps == []
    assert caught.value.retry_after == 600
    assert str(caught.value).endswith("(retry after 600 s)")
    assert len(api.received) == 1


IMPLAUSIBLE = ["inf", "nan", "-1", "1e9", "1e308", "soon", "Fri, 01 Jan 2100 00:00:00 GMT"]


@pytest.mark.parametrize("value", IMPLAUSIBLE)
async def test_an_implausible_retry_after_is_no_wait_but_a_backoff(
    value: str, client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": value}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.get("123")
    assert clock.sleeps and sum(clock.sleeps) <= 1.0, "backed off, never slept on the value"
    assert len(api.received) == 2


@pytest.mark.parametrize("value", IMPLAUSIBLE)
async def test_an_implausible_retry_after_is_none_and_the_error_quotes_it(
    value: str, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": value}))
    with pytest.raises(RateLimitError) as caught:
        await client.contacts.get("123", max_retries=0)
    assert caught.value.retry_after is None
    assert str(caught.value).endswith(f"(Retry-After {value[:40]!r} is not a usable wait)")


async def test_a_wait_past_the_deadline_surfaces_at_once(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": "30"}))
    with pytest.raises(RateLimitError) as caught:
        await client.contacts.get("123", timeout=10)
    assert caught.value.retry_after == 30
    assert clock.sleeps == []


async def test_maintenance_is_retried_then_surfaces_past_the_deadline(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=503, json={"message": "maintenance"}, headers={"Retry-After": "4"}))
    with pytest.raises(MaintenanceError):
        await client.contacts.get("123", timeout=15, max_retries=10)
    assert 2 <= len(clock.sleeps) <= 3
    assert clock.now() - 1000.0 < 15, "nothing waited past the deadline"


# -- write safety ---------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["hang_up", "cut_off"])
async def test_a_write_whose_answer_was_lost_is_not_retried(
    fault: Any, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(CREDIT_BODY, fault=fault), Reply(CREDIT_BODY))
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert caught.value.may_have_been_processed is True
    assert "may or may not have been processed" in str(caught.value)
    assert len(api.received) == 1


@pytest.mark.parametrize("fault", ["hang_up", "cut_off"])
async def test_a_read_whose_answer_was_lost_is_retried(
    fault: Any, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(CONTACT, fault=fault), Reply(CONTACT))
    assert (await client.contacts.get("123")).uuid == "123"
    assert len(api.received) == 2


@pytest.mark.parametrize(
    "failure",
    [
        aiohttp.SocketTimeoutError("read timed out"),
        aiohttp.ClientOSError(104, "Connection reset by peer"),
    ],
)
async def test_a_write_whose_answer_was_lost_otherwise_is_not_retried(
    failure: Exception, mocked: OAuthClient, mock: aioresponses
) -> None:
    mock.post(CREDIT, exception=failure)
    mock.post(CREDIT, payload=CREDIT_BODY)
    with pytest.raises(OutcomeUnknownError) as caught:
        await mocked.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert caught.value.may_have_been_processed is True
    assert "may or may not have been processed" in str(caught.value)
    assert len(sent(mock)) == 1


async def test_a_read_whose_answer_timed_out_is_retried(
    mocked: OAuthClient, mock: aioresponses
) -> None:
    mock.get(GET_CONTACT, exception=aiohttp.SocketTimeoutError("read timed out"))
    mock.get(GET_CONTACT, payload=CONTACT)
    assert (await mocked.contacts.get("123")).uuid == "123"


async def test_a_write_that_never_left_is_retried(mocked: OAuthClient, mock: aioresponses) -> None:
    mock.post(CREDIT, exception=_refused())
    mock.post(CREDIT, payload=CREDIT_BODY)
    reception = await mocked.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert reception.uuid == "c-1"


async def test_a_connection_that_never_opens_says_nothing_was_processed(
    mocked: OAuthClient, mock: aioresponses
) -> None:
    mock.post(CREDIT, exception=_refused(), repeat=True)
    with pytest.raises(APIConnectionError) as caught:
        await mocked.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert caught.value.may_have_been_processed is False


@pytest.mark.parametrize("status", [429, 503])
async def test_a_write_refused_unprocessed_is_retried(
    status: int, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=status, json={"message": "not now"}, headers={"Retry-After": "1"}))
    api.reply(Reply(json=CREDIT_BODY))
    reception = await client.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert reception.uuid == "c-1"


@pytest.mark.parametrize("status", [500, 502, 504, 408])
async def test_a_write_answered_with_a_server_error_is_not_retried(
    status: int, client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=status, json={"message": "boom"}))
    with pytest.raises(Exception) as caught:
        await client.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)
    assert getattr(caught.value, "status", None) == status
    assert len(api.received) == 1


async def test_a_write_the_spec_marks_safe_is_retried_after_a_lost_answer(
    client: OAuthClient, api: ScriptedAPI
) -> None:
    product = {"data": {"uuid": "p-1", "name": "Kelp"}}
    api.reply(Reply(product, fault="hang_up"), product)
    product = await client.products.find_or_create(name="Kelp", external_identifier="k-1")
    assert product.uuid == "p-1"


async def test_a_write_with_an_unreadable_success_body_is_an_unknown_outcome(
    client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body='{"data": {"uu'))
    with pytest.raises(OutcomeUnknownError):
        await client.credit_receptions.create(shop_uuid="s", contact_uuid="c", credits=10)


# -- the retry quota ------------------------------------------------------------------------


async def test_the_retry_quota_stops_a_retry_storm(api: ScriptedAPI) -> None:
    api.reply(Reply(status=500, json={"message": "down"}))
    async with OAuthClient(api_key="k", base_url=api.url, clock=VirtualClock()) as piggy:
        for _ in range(40):
            with pytest.raises(ServerError):
                await piggy.contacts.get("123")
    # 500 of quota at 5 per retry: 100 retries, then every failure surfaces at once
    assert len(api.received) == 40 + 100


# -- deadlines ---------------------------------------------------------------------------


async def test_backoff_never_waits_past_the_deadline(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=500, json={"message": "boom"}))
    policy = RetryPolicy(max_retries=50, base_delay=1, max_delay=1)
    with pytest.raises(ServerError):
        await client.with_options(retry_policy=policy, timeout=5).contacts.get("123")
    assert clock.now() - 1000.0 < 5


async def test_the_limiter_never_waits_past_the_deadline(
    client: OAuthClient, clock: VirtualClock, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": "40"}))
    with pytest.raises(RateLimitError):
        await client.contacts.get("123", timeout=10)
    # the 429 paused the client: the next call cannot be sent within its deadline either
    with pytest.raises(RateLimitError, match="past the deadline") as caught:
        await client.contacts.get("123", timeout=10)
    assert caught.value.retry_after is not None and caught.value.retry_after > 10
    assert len(api.received) == 1
    assert clock.sleeps == []


async def test_a_hanging_server_is_bounded_by_the_deadline(unused_tcp_port: int) -> None:
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    app = web.Application()
    app.router.add_get("/api/v3/oauth/clients/contacts/123", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", unused_tcp_port)
    await site.start()
    try:
        async with OAuthClient(
            api_key="k", base_url=f"http://127.0.0.1:{unused_tcp_port}", max_retries=0
        ) as piggy:
            with pytest.raises(APITimeoutError, match=r"0\.2 s"):
                await piggy.contacts.get("123", timeout=0.2)
    finally:
        never.set()
        await runner.cleanup()


# -- observability -----------------------------------------------------------------------


async def test_events_count_requests_retries_and_rate_limits(
    client: OAuthClient, api: ScriptedAPI, events: list[TransportEvent]
) -> None:
    api.reply(Reply(status=429, json=TOO_MANY, headers={"Retry-After": "1"}))
    api.reply(Reply(status=500, json={"message": "boom"}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.get("123")
    kinds = _kinds(events)
    assert kinds.count("request") == 3
    assert kinds.count("response") == 3
    assert kinds.count("rate_limited") == 1
    assert kinds.count("retry") == 2
    assert {event.operation for event in events} == {"contacts.get"}
    retries = [event for event in events if event.kind == "retry"]
    assert [event.reason for event in retries] == ["HTTP 429", "HTTP 500"]


async def test_retries_are_logged_without_secrets(
    client: OAuthClient, api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="piggy_async")
    api.reply(Reply(status=502, json={"message": "bad gateway"}))
    api.reply(Reply(json=CONTACT))
    await client.contacts.find_one_by(email="sandy@bikinibottom.sea")
    messages = [record.getMessage() for record in caplog.records]
    assert any("contacts.find_one_by: HTTP 502, retry 1 in" in m for m in messages)
    assert not any("sandy" in m or "Bearer" in m for m in messages)


async def test_a_read_answered_with_a_cut_off_body_is_retried(
    client: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body='{"data": {"uu', headers={"Content-Type": "application/json"}))
    api.reply(Reply(json=CONTACT))
    assert (await client.contacts.get("123")).uuid == "123"
    assert len(api.received) == 2


async def test_a_clock_that_reads_zero_still_times_every_answer() -> None:
    clock, events = VirtualClock(start=0.0), list[TransportEvent]()
    async with (
        FakePiggy(clock=clock) as server,
        OAuthClient(
            api_key=server.oauth_key, base_url=server.url, clock=clock, on_event=events.append
        ) as piggy,
    ):
        await piggy.contacts.list()
    assert _kinds(events) == ["request", "response"]
