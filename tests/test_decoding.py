"""Every body the SDK reads goes through one decoder: deep nesting, numbers beyond 64 bits,
NaN and values of the wrong type are typed errors or decoded right, never a crash."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from scripted_api import Reply, ScriptedAPI

from piggy_async import APIError, MalformedResponseError, OAuthClient, converter
from piggy_async.models import Contact, CreditReception, RewardReception

DEEP = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


async def test_deep_nesting_in_a_success_body_is_malformed(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body=DEEP))
    with pytest.raises(MalformedResponseError, match="nested too deeply"):
        await scripted.contacts.get("123")


async def test_deep_nesting_in_an_error_body_is_malformed(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=400, body=DEEP))
    with pytest.raises(MalformedResponseError, match="nested too deeply") as caught:
        await scripted.contacts.get("123")
    assert caught.value.status == 400


async def test_deep_nesting_in_the_token_body_is_malformed(api: ScriptedAPI) -> None:
    api.reply(Reply(body=b'{"access_token": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))
    async with OAuthClient(client_id="cid", client_secret="s3cret", base_url=api.url) as oauth:
        with pytest.raises(MalformedResponseError, match="access_token"):
            await oauth.contacts.get("123")
    assert [request.path for request in api.received] == ["/oauth/token"]


@pytest.mark.parametrize("big", [2**64, 2**70, -(2**63) - 1, 10**30])
async def test_integers_beyond_64_bits_decode_exactly(
    big: int, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    body = f'{{"data": {{"uuid": "123", "id": {big}, "current_values": {{"n": {big}}}}}}}'
    api.reply(Reply(body=body))
    contact = await scripted.contacts.get("123")
    assert contact.id == big
    assert contact.current_values == {"n": big}
    assert isinstance(contact.current_values["n"], int)


async def test_an_error_body_with_big_integers_is_still_read(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=400, body=f'{{"code": {2**70}, "message": "Odd."}}'))
    with pytest.raises(APIError, match="Odd"):
        await scripted.contacts.get("123")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_not_json(
    number: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(body=f'{{"data": {{"uuid": "123", "id": {number}}}}}'))
    with pytest.raises(MalformedResponseError, match="not JSON"):
        await scripted.contacts.get("123")


@pytest.mark.parametrize(
    "data",
    [
        {"uuid": {"$gt": ""}},
        {"uuid": "123", "credit_balance": {"balance": "lots"}},
        {"uuid": "123", "id": 1.5},
        {"uuid": "123", "subscriptions": "none"},
    ],
)
async def test_a_value_of_the_wrong_type_is_malformed(
    data: object, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply({"data": data})
    with pytest.raises(MalformedResponseError, match="does not match Contact"):
        await scripted.contacts.get("123")


# -- timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2023-11-06T14:39:24.000000Z",
        "2025-01-01",
        "2021-10-20T18:06:09+00:00",
        "2024-03-01T10:00:00.5+02:00",
    ],
)
def test_timestamps_come_back_exactly_as_sent(text: str) -> None:
    data = {"uuid": "t", "type": "reward_reception", "created_at": text, "expires_at": text}
    reception = converter.structure(data, RewardReception)
    assert isinstance(reception.created_at, datetime)
    assert reception.created_at == datetime.fromisoformat(text)
    assert converter.unstructure(reception) == data
    assert reception.to_dict() == data


async def test_a_timestamp_from_the_api_is_a_datetime_that_round_trips(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    body = {"uuid": "t", "type": "credit_reception", "created_at": "2023-11-06T14:39:24.000000Z"}
    api.reply({"data": [body], "meta": {}})
    (reception,) = (await scripted.loyalty_transactions.list()).items
    assert reception.created_at == datetime(2023, 11, 6, 14, 39, 24, tzinfo=UTC)
    assert reception.to_dict() == body


def test_a_changed_timestamp_is_written_as_iso_8601() -> None:
    reception = CreditReception.from_dict({"uuid": "t", "created_at": "2023-11-06T14:39:24Z"})
    assert isinstance(reception.created_at, datetime)
    reception.created_at = reception.created_at + timedelta(hours=1)
    assert reception.to_dict()["created_at"] == "2023-11-06T15:39:24+00:00"
    reception.created_at = reception.created_at.replace(minute=0)
    assert reception.to_dict()["created_at"] == "2023-11-06T15:00:24+00:00"
    reception.created_at = datetime(2024, 1, 1, tzinfo=UTC)
    assert reception.to_dict()["created_at"] == "2024-01-01T00:00:00+00:00"


def test_a_copied_timestamp_keeps_its_text() -> None:
    data = {"uuid": "t", "created_at": "2023-11-06T14:39:24.000000Z"}
    reception = CreditReception.from_dict(data)
    assert copy.deepcopy(reception).to_dict() == data
    assert pickle.loads(pickle.dumps(reception)).to_dict() == data


def test_a_contact_round_trips_through_dicts_of_any_depth() -> None:
    data = {"uuid": "c", "current_values": {"a": [{"b": None}], "created_at": "2025-01-01"}}
    contact = Contact.from_dict(data)
    written = contact.to_dict()
    assert written == data
    written["current_values"]["a"].append(1)
    assert contact.current_values == {"a": [{"b": None}], "created_at": "2025-01-01"}, (
        "to_dict() hands out copies, not the model's own containers"
    )
