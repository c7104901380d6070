"""How arguments reach the wire: path parameters that cannot escape their segment, query
values (datetimes, sort, omitted values), JSON bodies and the per-call options."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from helpers import HOST
from scripted_api import Received, ScriptedAPI

from piggy_async import UNSET, OAuthClient

PREFIX = "/api/v3/oauth/clients"
REWARD = "539483d0-fab4-40db-add5-2ec65ef12901"
BALANCE_BODY = {"data": {"balance": 49}, "meta": []}
PAGE = {"data": [], "meta": []}
REWARD_BODY = {"data": {"uuid": REWARD}, "meta": {}}


def only(api: ScriptedAPI) -> Received:
    (request,) = api.received
    return request


# -- path parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("123", "123"),
        ("cd183615-d1cb-402a-b618-6472d5e13890", "cd183615-d1cb-402a-b618-6472d5e13890"),
        ("../x", "..%2Fx"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("a b", "a%20b"),
        ("spëcial ünicode", "sp%C3%ABcial%20%C3%BCnicode"),
        ("a/b?c=d#e%f", "a%2Fb%3Fc%3Dd%23e%25f"),
        ("%2F", "%252F"),
        ("name+with&stuff;", "name%2Bwith%26stuff%3B"),
    ],
)
async def test_path_parameters_are_percent_encoded(
    value: str, segment: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(BALANCE_BODY)
    await scripted.contacts.get_credit_balance(value)
    request = only(api)
    assert request.path == f"{PREFIX}/contacts/{segment}/credit-balance"
    assert request.url.raw_parts[-2] == segment, "the value must stay in its own segment"
    assert request.query == []


@pytest.mark.parametrize("value", ["..", "."])
async def test_dot_segments_cannot_escape(
    value: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    """`..` as a contact UUID must not become a `..` path segment, which every server and
    proxy resolves (`/contacts/../credit-balance` is `/credit-balance`)."""
    api.reply(BALANCE_BODY)
    with pytest.raises(ValueError, match="must not be empty"):
        await scripted.contacts.get_credit_balance(value)
    assert api.received == []


@pytest.mark.parametrize("value", ["", "   "])
async def test_an_empty_path_parameter_is_a_value_error(
    value: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    with pytest.raises(ValueError, match="contact_uuid"):
        await scripted.contacts.get(value)
    assert api.received == [], "nothing may be sent to the collection URL instead"


@pytest.mark.parametrize("value", [None, UNSET, True, 1.5, b"123"])
async def test_a_path_parameter_that_is_not_a_string_is_a_type_error(
    value: Any, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    with pytest.raises(TypeError, match="contact_uuid"):
        await scripted.contacts.get(value)
    assert api.received == []


# -- query ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "wire"),
    [
        (datetime(2023, 11, 1, tzinfo=UTC), "2023-11-01T00:00:00Z"),
        (datetime(2023, 11, 1, 2, 30, tzinfo=timezone(timedelta(hours=2))), "2023-11-01T00:30:00Z"),
        (datetime(2023, 11, 1, 0, 0, 0, 123456, tzinfo=UTC), "2023-11-01T00:00:00.123456Z"),
    ],
)
async def test_datetime_filters_are_iso_8601_utc(
    moment: datetime, wire: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(PAGE)
    await scripted.loyalty_transactions.list(created_at_gte=moment, created_at_lt=moment)
    request = only(api)
    assert request.query == [("page", "1"), ("created_at[gte]", wire), ("created_at[lt]", wire)]
    assert request.url.query["created_at[gte]"] == wire


@pytest.mark.parametrize("resource", ["contacts", "loyalty_transactions"])
async def test_a_naive_datetime_is_a_value_error(
    resource: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(PAGE)
    api.reply(PAGE)
    with pytest.raises(ValueError, match=r"created_at_gt must be timezone-aware"):
        await getattr(scripted, resource).list(created_at_gt=datetime(2023, 11, 1))
    assert api.received == []


async def test_sort_descending(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(PAGE)
    await scripted.contacts.list(sort="-created_at", limit=50)
    request = only(api)
    assert request.query == [("page", "1"), ("limit", "50"), ("sort", "-created_at")]
    assert request.url.query["sort"] == "-created_at"


async def test_query_values_are_percent_encoded(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply({"data": {"uuid": "1"}})
    email = "sandy+test c&d=e#f@bikinibottom.sea"
    await scripted.contacts.find_one_by(email=email)
    request = only(api)
    assert request.url.query["email"] == email
    assert "%2B" in request.url.raw_query_string, "a literal + would be read as a space"


async def test_unset_and_none_query_values_are_omitted(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply({"data": [], "meta": {}})
    await scripted.rewards.list(
        contact_uuid=UNSET,
        shop_uuid=None,  # type: ignore[arg-type]
        extra_query={"also_none": None, "also_unset": UNSET},
    )
    request = only(api)
    assert request.query == []
    assert request.url.query_string == ""


async def test_query_value_types(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply({"data": [], "meta": {}})
    await scripted.rewards.list(
        shop_uuid="s 1",
        extra_query={"active": True, "archived": False, "limit": 5, "ids": ["a", "b"]},
    )
    assert only(api).query == [
        ("shop_uuid", "s 1"),
        ("active", "true"),
        ("archived", "false"),
        ("limit", "5"),
        ("ids[]", "a"),
        ("ids[]", "b"),
    ]


async def test_a_query_value_that_cannot_be_sent_is_a_type_error(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    with pytest.raises(TypeError, match="filter"):
        await scripted.rewards.list(extra_query={"filter": {"nested": 1}})
    assert api.received == []


# -- JSON bodies ----------------------------------------------------------------------------


async def test_body_omits_unset_and_keeps_none(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(REWARD_BODY)
    await scripted.rewards.update(REWARD, title="Net")
    await scripted.rewards.update(REWARD, description=None)  # type: ignore[arg-type]
    first, second = api.received
    assert first.json == {"title": "Net"}
    assert second.json == {"description": None}


async def test_nested_none_and_unicode_survive(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply({"data": {"uuid": "123"}, "meta": []})
    await scripted.contacts.update("123", attributes={"firstname": "Zoë", "age": None})
    request = only(api)
    assert request.json == {"attributes": {"firstname": "Zoë", "age": None}}
    assert request.headers["Content-Type"] == "application/json"
    assert "Zoë".encode() in (request.body or b"")


async def test_a_post_with_no_arguments_sends_an_empty_object(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply({"data": {"uuid": "a"}, "meta": []})
    await scripted.contacts.create_anonymous()
    request = only(api)
    assert request.json == {}
    assert request.headers["Content-Type"] == "application/json"


async def test_a_get_sends_no_body(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply({"data": {"uuid": "1"}})
    await scripted.contacts.find_one_by(email="sandy@bikinibottom.sea")
    request = only(api)
    assert request.body == b""
    assert "Content-Type" not in request.headers
    assert request.query == [("email", "sandy@bikinibottom.sea")]


# -- per-call options -----------------------------------------------------------------------


async def test_extra_headers(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(BALANCE_BODY)
    await scripted.contacts.get_credit_balance(
        "123", extra_headers={"X-Partner-ID": "p-1", "Accept-Language": "nl"}
    )
    headers = only(api).headers
    assert headers["X-Partner-ID"] == "p-1"
    assert headers["Accept-Language"] == "nl"
    assert headers["Authorization"] == "Bearer test-key"
    assert headers["Accept"] == "application/json"


async def test_extra_query(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply({"data": {"uuid": "1"}})
    await scripted.contacts.find_one_by(
        email="a@b.c", extra_query={"include": "tier", "email": "override@b.c"}
    )
    assert only(api).query == [("email", "override@b.c"), ("include", "tier")]


async def test_extra_body_adds_top_level_keys(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(REWARD_BODY)
    await scripted.rewards.update(
        REWARD,
        required_credits=5,
        extra_body={"custom_attribute_one": "ABC", "valid_from": datetime(2024, 1, 1, tzinfo=UTC)},
    )
    assert only(api).json == {
        "required_credits": 5,
        "custom_attribute_one": "ABC",
        "valid_from": "2024-01-01T00:00:00Z",
    }


async def test_a_naive_datetime_in_a_body_is_a_value_error(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await scripted.rewards.update(REWARD, extra_body={"valid_from": datetime(2024, 1, 1)})
    assert api.received == []


async def test_extra_body_on_a_get_is_a_type_error(scripted: OAuthClient, api: ScriptedAPI) -> None:
    with pytest.raises(TypeError, match="GET requests have no body"):
        await scripted.contacts.get("c-1", extra_body={"x": 1})
    assert api.received == []


async def test_client_headers(api: ScriptedAPI) -> None:
    api.reply(BALANCE_BODY)
    async with OAuthClient(
        api_key="k", base_url=api.url, headers={"X-Partner-ID": "partner"}
    ) as piggy:
        await piggy.contacts.get_credit_balance("123")
    request = only(api)
    assert request.headers["X-Partner-ID"] == "partner"
    assert request.headers["Authorization"] == "Bearer k"


@pytest.mark.parametrize("kwargs", [{"timeout": 0}, {"timeout": -1}, {"connection_limit": 0}])
def test_invalid_client_limits_are_value_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        OAuthClient(api_key="k", base_url=HOST, **kwargs)
