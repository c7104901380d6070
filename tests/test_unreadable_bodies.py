"""Answers whose body is cut short or cannot be read, whatever their status, against a
scripted server on 127.0.0.1: `TruncatedResponseError` (a `MalformedResponseError`), never
the class a readable body would have chosen; retried where the operation is safe to repeat
(or the status says the API did not act); never quoting the body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from raw_server import JSON, RawReply, RawServer, chunked, gzipped, json_reply

from piggy_async import (
    APIConnectionError,
    APIError,
    MalformedResponseError,
    NotFoundError,
    OAuthClient,
    OutcomeUnknownError,
    TruncatedResponseError,
    VirtualClock,
)
from piggy_async.testing import FakePiggy, Faults

SANDY = "sandy@bikinibottom.sea"
NOT_FOUND = json.dumps(
    {"status_code": 400, "code": 55031, "message": f"Contact {SANDY} not found.", "errors": {}}
).encode()
CONTACT = json.dumps({"data": {"uuid": "c-1", "email": SANDY}}).encode()
CREDITS = json.dumps({"data": {"uuid": "t-1", "credits": 10, "type": "credit_reception"}})
SHOP, PERSON = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"

GZIP = gzipped(400, b"").headers

CUT_OFF = {
    "json stops mid-way": json_reply(400, NOT_FOUND[:40]),
    "connection ends before Content-Length": json_reply(400, NOT_FOUND[:40], length=len(NOT_FOUND)),
    "chunked body without its last chunk": chunked(400, [NOT_FOUND[:40]], end=False, headers=JSON),
    "gzip stream ends early": RawReply(
        400, gzipped(400, NOT_FOUND).body[:30], gzipped(400, b"").headers
    ),
    "gzip that does not decompress": RawReply(
        400, b"\x1f\x8b" + bytes(40), gzipped(400, b"").headers
    ),
    "json that is not UTF-8": json_reply(400, b'{"message": "\xff\xfe"}'),
}


@asynccontextmanager
async def client(
    *replies: RawReply, clock: VirtualClock | None = None, **options: Any
) -> AsyncIterator[tuple[OAuthClient, RawServer]]:
    clock = clock or VirtualClock()
    async with (
        RawServer(*replies) as server,
        OAuthClient(api_key="k", base_url=server.url, clock=clock, **options) as piggy,
    ):
        yield piggy, server


@pytest.mark.parametrize("reply", CUT_OFF.values(), ids=CUT_OFF.keys())
async def test_a_cut_off_error_body_is_truncated_never_the_class_of_its_code(
    reply: RawReply,
) -> None:
    async with client(reply, max_retries=0) as (piggy, _):
        with pytest.raises(TruncatedResponseError) as caught:
            await piggy.contacts.find_one_by(email=SANDY)
    error = caught.value
    assert isinstance(error, MalformedResponseError) and isinstance(error, APIConnectionError)
    assert not isinstance(error, APIError), "not a BadRequestError, not a NotFoundError"
    assert error.status == 400 and not error.may_have_been_processed
    assert str(error).startswith("contacts.find_one_by: HTTP 400: ")
    assert SANDY not in str(error) and "sandy" not in repr(error), "the body is not quoted"


async def test_the_error_says_how_much_arrived_of_what_was_announced() -> None:
    reply = json_reply(404, NOT_FOUND[:40], length=len(NOT_FOUND))
    async with client(reply, max_retries=0) as (piggy, _):
        with pytest.raises(TruncatedResponseError) as caught:
            await piggy.contacts.find_one_by(email=SANDY)
    error = caught.value
    assert (error.status, error.received, error.declared) == (404, 40, len(NOT_FOUND))
    assert f"40 of the {len(NOT_FOUND)} bytes announced arrived" in str(error)
    assert error.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("reply", CUT_OFF.values(), ids=CUT_OFF.keys())
async def test_a_safe_read_is_retried_to_the_true_answer(reply: RawReply) -> None:
    async with client(reply, json_reply(400, NOT_FOUND)) as (piggy, server):
        with pytest.raises(NotFoundError):
            await piggy.contacts.find_one_by(email=SANDY)
    assert len(server.requests) == 2
    async with client(reply, json_reply(200, CONTACT)) as (piggy, server):
        assert (await piggy.contacts.find_one_by(email=SANDY)).uuid == "c-1"
    assert len(server.requests) == 2


async def _credit(piggy: OAuthClient) -> Any:
    return await piggy.credit_receptions.create(shop_uuid=SHOP, contact_uuid=PERSON, credits=10)


@pytest.mark.parametrize("status", [400, 404, 422])
async def test_an_unsafe_write_refused_with_a_cut_off_body_is_not_retried(status: int) -> None:
    async with client(json_reply(status, NOT_FOUND[:40])) as (piggy, server):
        with pytest.raises(TruncatedResponseError) as caught:
            await _credit(piggy)
    assert caught.value.status == status and not caught.value.may_have_been_processed
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [200, 201, 500, 502, 504])
async def test_an_unsafe_write_the_api_may_have_processed_is_an_unknown_outcome(
    status: int,
) -> None:
    cut = json_reply(status, CREDITS.encode()[:20], length=len(CREDITS))
    async with client(cut) as (piggy, server):
        with pytest.raises(OutcomeUnknownError) as caught:
            await _credit(piggy)
    assert f"credit_receptions.create: HTTP {status} was answered" in str(caught.value)
    assert "20 bytes received" in str(caught.value)
    assert len(server.requests) == 1, "never sent twice"


@pytest.mark.parametrize("status", [429, 503])
async def test_an_unsafe_write_the_api_did_not_handle_waits_as_asked_and_is_resent(
    status: int,
) -> None:
    cut = json_reply(status, b'{"message": "Too', Retry_After="7")
    clock = VirtualClock()
    async with client(cut, json_reply(201, CREDITS.encode()), clock=clock) as (piggy, server):
        assert (await _credit(piggy)).uuid == "t-1"
    assert len(server.requests) == 2
    assert 7 <= sum(clock.sleeps) <= 7 * 1.25


async def test_a_non_json_error_page_keeps_its_status_class() -> None:
    page = RawReply(502, b"<html>Bad gateway</html>", (("Content-Type", "text/html"),))
    async with client(page, max_retries=0) as (piggy, _):
        with pytest.raises(APIError) as caught:
            await piggy.contacts.find_one_by(email=SANDY)
    assert type(caught.value).__name__ == "ServerError"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_read(encoding: str) -> None:
    async with client(gzipped(200, CONTACT, encoding)) as (piggy, server):
        assert (await piggy.contacts.find_one_by(email=SANDY)).email == SANDY
    assert "\r\nAccept-Encoding: gzip, deflate\r\n" in server.requests[0]


async def test_a_users_session_without_decompression_still_reads_compressed_bodies() -> None:
    async with (
        RawServer(gzipped(200, CONTACT)) as server,
        aiohttp.ClientSession(auto_decompress=False) as session,
        OAuthClient(api_key="k", base_url=server.url, session=session) as piggy,
    ):
        assert (await piggy.contacts.find_one_by(email=SANDY)).email == SANDY


async def test_an_encoding_not_asked_for_is_unreadable() -> None:
    brotli = RawReply(200, b"\x8b\x02\x80", (("Content-Encoding", "br"),))
    async with client(brotli, max_retries=0) as (piggy, _):
        with pytest.raises(TruncatedResponseError, match="Content-Encoding 'br'"):
            await piggy.contacts.find_one_by(email=SANDY)


async def _decide(piggy: OAuthClient, email: str) -> str:
    """What a caller concludes from one lookup."""
    try:
        await piggy.contacts.find_one_by(email=email)
    except NotFoundError:
        return "not found"
    except TruncatedResponseError:
        return "unreadable"
    return "found"


async def test_find_one_by_under_cut_off_faults_makes_no_wrong_decision() -> None:
    """200 lookups, half of contacts that exist, while 30% of answers (their "not found"
    among them) arrive cut short: each ends found, not found, or an honest
    `TruncatedResponseError` after its retries, never in the wrong one of the first two."""
    existing = {f"found{n}@bikinibottom.sea" for n in range(100)}
    emails = sorted(existing | {f"missing{n}@bikinibottom.sea" for n in range(100)})
    async with FakePiggy(faults=Faults(malformed=0.15, reset=0.15), seed=18) as server:
        for email in existing:
            server.state.add_contact(email, channel="OAUTH_API")
        key, clock = server.oauth_key, VirtualClock()
        async with OAuthClient(api_key=key, base_url=server.url, clock=clock) as piggy:
            decisions = {email: await _decide(piggy, email) for email in emails}
        answered = len(server.state.requests)
    truth = {email: "found" if email in existing else "not found" for email in emails}
    wrong = {
        email: said for email, said in decisions.items() if said not in (truth[email], "unreadable")
    }
    assert wrong == {}
    assert list(decisions.values()).count("unreadable") <= 2
    assert answered >= 200 + 40, "the cut-off answers were retried"
