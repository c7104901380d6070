"""A response that drifts from the spec does not fail the call: a value that does not fit
its field leaves the field UNSET and is kept as sent, a page keeps an item that cannot be a
model as raw data, and `strict_responses=True` raises as before."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from helpers import API_KEY, load_seed
from scripted_api import ScriptedAPI

from piggy_async import UNSET, ItemList, MalformedResponseError, OAuthClient, mismatches
from piggy_async import _mismatches as mismatch_module
from piggy_async.models import CreditReception, LoyaltyTransaction, PortalSession


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the warnings as a fresh process would: none given yet."""
    monkeypatch.setattr(mismatch_module, "_warned", set())


@pytest.fixture
async def lenient(api: ScriptedAPI) -> AsyncIterator[OAuthClient]:
    async with OAuthClient(api_key=API_KEY, base_url=api.url, max_retries=0) as client:
        yield client


def _page(items: list[Any]) -> dict[str, Any]:
    return {"data": items, "meta": {"page": 1, "last_page": 1, "total": len(items)}}


def _transactions() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = load_seed("loyalty_transactions.list")["data"]
    return data


async def test_credits_null_in_a_page_leaves_the_field_unset_and_keeps_the_value(
    lenient: OAuthClient, api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    items = _transactions()
    items[0]["credits"] = None
    api.reply(_page(items))
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        page = await lenient.loyalty_transactions.list()
    first = page.items[0]
    assert len(page.items) == len(items) and page.raw_items == []
    assert first.credits is UNSET
    assert first.mismatched == ("credits",)
    assert first.extra["credits"] is None
    assert [item.to_dict() for item in page.items] == items
    assert all(not item.mismatched for item in page.items[1:])
    (record,) = caplog.records
    assert record.getMessage().startswith("CreditReception.credits: expected int, got null")


async def test_a_new_transaction_type_with_another_shape_decodes_as_the_default(
    lenient: OAuthClient, api: ScriptedAPI
) -> None:
    new = {
        "uuid": "t9",
        "type": "voucher_reception",
        "credits": {"amount": 5, "currency": "EUR"},
        "created_at": 1699281564,
        "voucher": {"code": "KRABBY"},
    }
    api.reply(_page([*_transactions(), new]))
    page = await lenient.loyalty_transactions.list()
    (decoded,) = [item for item in page.items if item.uuid == "t9"]
    assert isinstance(decoded, CreditReception)
    assert decoded.credits is UNSET and decoded.created_at is UNSET
    assert set(decoded.mismatched) == {"credits", "created_at"}
    assert decoded.extra["voucher"] == {"code": "KRABBY"}
    assert decoded.to_dict() == new


async def test_an_item_that_cannot_be_a_model_is_kept_raw_and_counted(
    lenient: OAuthClient, api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    items = _transactions()
    no_identity = {"credits": 5, "type": "credit_reception"}
    int_uuid = {**items[0], "uuid": 123}
    data = [*items, "oops", no_identity, int_uuid]
    api.reply({"data": data, "meta": {"per_page": len(data)}})
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        page = await lenient.loyalty_transactions.list(limit=len(data))
    assert [item.to_dict() for item in page.items] == items
    assert page.raw_items == ["oops", no_identity, int_uuid]
    assert page.has_next  # a full page, counting the raw items: more may follow
    assert "raw" in repr(page)
    text = caplog.text
    assert "kept as sent in the list's `raw_items`" in text
    assert "123" not in text  # the value is never logged, only its kind


async def test_a_shop_id_of_another_type_does_not_fail_a_portal_session(
    lenient: OAuthClient, api: ScriptedAPI
) -> None:
    shop = {"id": 243.5, "uuid": "shop-1", "name": "Krusty Krab"}  # `int | str` in the spec
    data = {"uuid": "s1", "url": "https://portal", "shop": shop, "created_at": "2025-01-01"}
    api.reply({"data": data})
    session = await lenient.portal_sessions.get("s1")
    assert session.shop is not UNSET
    assert session.shop.id is UNSET and session.shop.mismatched == ("id",)
    assert session.shop.name == "Krusty Krab"
    assert session.to_dict() == data
    assert mismatches(data, PortalSession) == ["$.shop.id"]
    assert mismatches({**data, "shop": {**shop, "id": "243"}}, PortalSession) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("credits", 10.0),  # a float for an int: not coerced
        ("credits", "10"),
        ("created_at", 1699281564),  # a Unix timestamp for an ISO 8601 string
        ("created_at", "yesterday"),
        ("unit_value", float("inf")),
        ("channel", 7),
        ("contact", {"uuid": 123}),  # an id as an int where a string is expected
        ("shop", ["not", "an", "object"]),
    ],
)
def test_a_value_that_does_not_fit_is_kept_as_sent(key: str, value: Any) -> None:
    data = {"uuid": "t1", "type": "credit_reception", key: value}
    transaction = CreditReception.from_dict(data)
    assert getattr(transaction, key) is UNSET
    assert transaction.mismatched == (key,)
    assert transaction.to_dict() == data
    assert mismatches(data, LoyaltyTransaction) == [f"$.{key}"]
    with pytest.raises((TypeError, ValueError)):
        CreditReception.from_dict(data, strict=True)


def test_an_object_that_cannot_be_a_model_is_one_mismatch_at_the_root() -> None:
    assert mismatches({"credits": 5}, CreditReception) == ["$"]
    assert mismatches("text", CreditReception) == ["$"]
    assert mismatches(_transactions()[0], LoyaltyTransaction) == []
    with pytest.raises(KeyError, match="uuid"):
        CreditReception.from_dict({"credits": 5})


def test_one_warning_per_model_field_and_kind_of_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        for credits in (None, None, "sandy@bikinibottom.sea", "x", 1.5):
            CreditReception.from_dict({"uuid": "t", "credits": credits})
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3
    assert [m.split(";")[0] for m in messages] == [
        "CreditReception.credits: expected int, got null",
        "CreditReception.credits: expected int, got a string",
        "CreditReception.credits: expected int, got a floating-point number",
    ]
    assert "sandy" not in caplog.text


def test_asking_where_values_do_not_fit_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        assert mismatches({"uuid": "t", "credits": None}, CreditReception) == ["$.credits"]
        assert mismatches({"credits": 5}, CreditReception) == ["$"]
    assert caplog.records == [], "no model is kept, so nothing is left UNSET"
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        CreditReception.from_dict({"uuid": "t", "credits": None})
    assert len(caplog.records) == 1, "a decoding later still warns, once"


async def test_strict_responses_raise_as_before(
    lenient: OAuthClient, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    items = _transactions()
    items[0]["credits"] = None
    for _ in range(3):
        api.reply(_page(items))
    with pytest.raises(MalformedResponseError, match=r"CreditReception\.credits"):
        await scripted.loyalty_transactions.list()  # the tests' fixture client is strict
    with pytest.raises(MalformedResponseError, match=r"CreditReception\.credits"):
        await lenient.with_options(strict_responses=True).loyalty_transactions.list()
    page = await scripted.with_options(strict_responses=False).loyalty_transactions.list()
    assert page.items[0].mismatched == ("credits",)


async def test_strict_responses_fail_a_page_with_an_item_that_cannot_be_a_model(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(_page([*_transactions(), "oops"]))
    with pytest.raises(MalformedResponseError, match="expected a JSON object, got str"):
        await scripted.loyalty_transactions.list()


async def test_a_single_object_without_its_identity_is_malformed(
    lenient: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply({"data": {"url": "https://portal"}})
    with pytest.raises(MalformedResponseError, match="required key 'uuid' is missing"):
        await lenient.portal_sessions.get("s1")


async def test_a_list_answer_that_is_not_paged_keeps_its_raw_items(
    lenient: OAuthClient, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    rewards = load_seed("rewards.list")["data"]
    for _ in range(2):
        api.reply({"data": [*rewards, {"title": "no uuid"}]})
    answer = await lenient.rewards.list()
    assert isinstance(answer, ItemList) and isinstance(answer, list)
    assert [reward.to_dict() for reward in answer] == rewards
    assert answer.raw_items == [{"title": "no uuid"}]
    with pytest.raises(MalformedResponseError, match="required key 'uuid' is missing"):
        await scripted.rewards.list()


async def test_a_page_of_raw_items_only_does_not_end_the_pages(
    lenient: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply({"data": [1, 2], "meta": {"page": 1, "last_page": 2}})
    api.reply(_page(_transactions()))
    pages = [page async for page in lenient.loyalty_transactions.list().pages()]
    assert [(len(page.items), page.raw_items) for page in pages] == [
        (0, [1, 2]),
        (len(_transactions()), []),
    ]


def test_a_field_set_after_decoding_wins_over_the_value_kept_for_it() -> None:
    transaction = CreditReception.from_dict({"uuid": "t", "credits": None})
    transaction.credits = 5
    assert transaction.mismatched == ()
    assert transaction.to_dict() == {"uuid": "t", "credits": 5}
