"""Where the public sources disagree, the SDK takes the reading that costs the user nothing:
string shop ids and missing ids decode, an optional `shop_uuid` on the Register API is still
sent, the giftcard-transaction page size goes under both names, `voucher_deleted` is a typed
event, and parameters seen in a single source are accepted. FakePiggy follows each reading."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from helpers import OAUTH_PATH, REGISTER_PATH
from scripted_api import Receiver, ScriptedAPI

import piggy_async
from codegen import load_spec
from piggy_async import (
    UNSET,
    ErrorCode,
    InvalidInputError,
    NotFoundError,
    OAuthClient,
    RegisterClient,
    loyalty_urls,
)
from piggy_async.models import VoucherDeletedEvent
from piggy_async.testing import FakePiggy
from piggy_async.webhooks import parse_event, signature_from, verify_signature

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "api.md"
SHOP = {"uuid": "shop-1", "name": "Krusty Krab"}


def _envelope(data: Any) -> dict[str, Any]:
    return {"data": data, "meta": {}}


@pytest.mark.parametrize("shop_id", ["243", 243])
async def test_a_shop_id_decodes_as_a_number_or_a_string(
    api: ScriptedAPI, scripted: OAuthClient, shop_id: int | str
) -> None:
    session = {"uuid": "ps-1", "shop": {**SHOP, "id": shop_id}}
    api.reply(_envelope(session))
    result = await scripted.portal_sessions.get("ps-1")
    assert result.shop.id == shop_id  # type: ignore[union-attr]
    assert result.to_dict() == session


async def test_ids_the_sources_may_omit_read_unset(api: ScriptedAPI, scripted: OAuthClient) -> None:
    api.reply(
        _envelope({"uuid": "gt-1", "amount_in_cents": 500}),
        _envelope({"name": "visits", "label": "V"}),
        _envelope({"name": "plu"}),
    )
    transaction = await scripted.giftcard_transactions.get("gt-1")
    unit = await scripted.units.create(name="visits", label="V")
    attribute = await scripted.promotion_attributes.get(7)
    assert (transaction.id, unit.id, attribute.id) == (UNSET, UNSET, UNSET)
    assert (transaction.amount_in_cents, unit.name, attribute.name) == (500, "visits", "plu")


REGISTER_SHOP_CALLS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("prepaid_transactions", "create", "/prepaid-transactions",
     {"contact_uuid": "c-1", "amount_in_cents": 500}),
    ("vouchers", "redeem", "/vouchers/redeem", {"code": "ABC"}),
    ("visits", "create", "/visits", {"contact_uuid": "c-1"}),
]  # fmt: skip


@pytest.mark.parametrize(("resource", "name", "path", "args"), REGISTER_SHOP_CALLS)
@pytest.mark.parametrize("shop_uuid", [None, "shop-2"])
async def test_register_calls_send_shop_uuid_only_when_given(
    api: ScriptedAPI,
    scripted_pos: RegisterClient,
    resource: str,
    name: str,
    path: str,
    args: dict[str, Any],
    shop_uuid: str | None,
) -> None:
    api.reply(_envelope({"uuid": "x-1"}))
    given = args if shop_uuid is None else {**args, "shop_uuid": shop_uuid}
    await getattr(getattr(scripted_pos, resource), name)(**given)
    (request,) = api.received
    assert request.path == REGISTER_PATH + path
    assert request.json == given


async def test_register_voucher_validation_sends_shop_uuid_when_given(
    api: ScriptedAPI, scripted_pos: RegisterClient
) -> None:
    api.reply(_envelope({"valid": True}))
    await scripted_pos.vouchers.validate("v-1", shop_uuid="shop-2")
    (request,) = api.received
    assert request.path == f"{REGISTER_PATH}/vouchers/v-1/validate"
    assert request.json == {"shop_uuid": "shop-2"}


async def test_the_fake_register_books_on_the_shop_given_else_its_own(
    register: RegisterClient, server: FakePiggy
) -> None:
    own, other = list(server.state.shops)
    contact = await register.contacts.create(email="sandy@bikinibottom.sea")
    default = await register.prepaid_transactions.create(
        contact_uuid=contact.uuid, amount_in_cents=5
    )
    chosen = await register.prepaid_transactions.create(
        contact_uuid=contact.uuid, amount_in_cents=5, shop_uuid=other
    )
    assert (default.shop.uuid, chosen.shop.uuid) == (own, other)  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        await register.prepaid_transactions.create(
            contact_uuid=contact.uuid, amount_in_cents=5, shop_uuid="no-such-shop"
        )


async def test_the_giftcard_transaction_page_size_goes_under_both_names(
    api: ScriptedAPI, scripted: OAuthClient
) -> None:
    api.reply({"data": [], "meta": []})
    await scripted.giftcard_transactions.list(per_page=50, giftcard_uuid="gc-1")
    (request,) = api.received
    query = dict(request.query)
    assert (query["perPage"], query["limit"], query["giftcard_uuid"]) == ("50", "50", "gc-1")


async def test_without_a_page_size_neither_name_is_sent(
    api: ScriptedAPI, scripted: OAuthClient
) -> None:
    api.reply({"data": [], "meta": []})
    await scripted.giftcard_transactions.list()
    (request,) = api.received
    assert {"perPage", "limit"}.isdisjoint(dict(request.query))


async def test_the_fake_accepts_the_giftcard_filter(oauth: OAuthClient) -> None:
    page = await oauth.giftcard_transactions.list(giftcard_uuid="gc-1", per_page=5)
    assert page.per_page == 5


async def _voucher(oauth: OAuthClient, server: FakePiggy) -> str:
    promotion = next(iter(server.state.promotions))
    voucher = await oauth.vouchers.create(promotion_uuid=promotion, code="KRABBY-9")
    return voucher.uuid


async def test_a_voucher_deleted_in_the_dashboard_is_delivered_as_a_typed_event(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    voucher_uuid = await _voucher(oauth, server)
    async with Receiver() as receiver:
        await oauth.webhook_subscriptions.create(
            name="gone", event_type="voucher_deleted", url=receiver.url, secret="s"
        )
        server.delete_voucher(voucher_uuid)
        await server.webhooks.deliver_due()
        ((headers, body),) = receiver.deliveries
    verify_signature(body, signature_from(headers), "s")
    event = parse_event(body)
    assert isinstance(event, VoucherDeletedEvent)
    assert (event.data.voucher.uuid, event.data.voucher.code) == (voucher_uuid, "KRABBY-9")  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        await oauth.vouchers.find(code="KRABBY-9")


async def test_deleting_a_voucher_the_fake_lacks_is_a_key_error(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    voucher_uuid = await _voucher(oauth, server)
    server.delete_voucher(voucher_uuid)
    assert server.webhooks.pending == 0  # nobody subscribed: nothing queued
    with pytest.raises(KeyError):
        server.delete_voucher(voucher_uuid)


def test_the_loyalty_token_helpers_are_found_at_the_top_and_in_the_reference() -> None:
    for name in ("build_claim_url", "verify_claim_url", "LoyaltyToken", "LoyaltyTokenError"):
        assert getattr(piggy_async, name) is getattr(loyalty_urls, name)
        assert name in piggy_async.__all__
    docs = DOCS.read_text(encoding="utf-8")
    section = docs[docs.index("## Loyalty Tokens") : docs.index("### `loyalty_tokens.create`")]
    assert "`piggy_async.build_claim_url`" in section
    assert "`piggy_async.verify_claim_url`" in section


def test_every_helper_the_spec_lists_exists() -> None:
    listed = [name for r in load_spec(ROOT / "spec").resources for name, _ in r.helpers]
    assert "piggy_async.build_claim_url" in listed
    for name in listed:
        module, _, attribute = name.rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute)), name


async def test_a_created_v3_token_is_a_claim_url_the_helpers_verify(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    shop = server.state.default_shop_uuid
    url = await oauth.loyalty_tokens.create(
        version="v3", shop_uuid=shop, unique_id="receipt-1", unit_value=10.4
    )
    token = piggy_async.verify_claim_url(url, secret=server.state.account_secret)
    assert (token.shop_uuid, token.unique_id, token.unit_name, token.unit_value) == (
        shop,
        "receipt-1",
        "purchase_amount",
        "10.4",
    )


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ({"version": "v3", "unit_value": 1.0}, ErrorCode.INVALID_INPUT, "shop_uuid"),
        ({"version": "v3", "shop_uuid": "SHOP"}, ErrorCode.INVALID_INPUT, "unit_value"),
        ({"version": "v1", "shop_id": 1}, ErrorCode.LOYALTY_TOKEN_CREDITS_REQUIRED, None),
        ({"version": "v2", "unit_value": 1.0}, ErrorCode.LOYALTY_TOKEN_UNITS_REQUIRED, None),
    ],
)
async def test_the_fake_refuses_a_token_without_its_versions_fields(
    oauth: OAuthClient, server: FakePiggy, args: dict[str, Any], code: int, field: str | None
) -> None:
    if args.get("shop_uuid") == "SHOP":
        args = {**args, "shop_uuid": server.state.default_shop_uuid}
    with pytest.raises(InvalidInputError) as caught:
        await oauth.loyalty_tokens.create(unique_id="receipt-2", **args)
    assert caught.value.code == code
    if field is not None:
        assert field in caught.value.errors


async def test_a_v1_token_needs_no_v3_fields(oauth: OAuthClient) -> None:
    url = await oauth.loyalty_tokens.create(version="v1", shop_id=15, credits=20, unique_id="r-3")
    assert "credits=20" in url


SINGLE_SOURCE_PARAMS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("oauth", "contact_attributes", "create", "/contact-attributes",
     {"name": "size", "label": "Size", "data_type": "text", "form_element_type": "input"}),
    ("register", "loyalty_transaction_attributes", "create", "/loyalty-transaction-attributes",
     {"name": "lane", "data_type": "text", "placeholder": "Lane 1", "is_soft_read_only": True,
      "is_hard_read_only": False}),
    ("register", "giftcards", "create", "/giftcards", {"type": 1, "giftcard_program_id": 12}),
    ("register", "rewards", "update", "/rewards/rw-1", {"attributes": {"custom_attribute": "P1"}}),
]  # fmt: skip


@pytest.mark.parametrize(("which", "resource", "name", "path", "args"), SINGLE_SOURCE_PARAMS)
async def test_parameters_seen_in_one_source_are_sent(
    api: ScriptedAPI,
    scripted: OAuthClient,
    scripted_pos: RegisterClient,
    which: str,
    resource: str,
    name: str,
    path: str,
    args: dict[str, Any],
) -> None:
    client, prefix = (scripted, OAUTH_PATH) if which == "oauth" else (scripted_pos, REGISTER_PATH)
    api.reply(_envelope({"uuid": "x-1", "name": "x"}))
    positional = ["rw-1"] if name == "update" else []
    await getattr(getattr(client, resource), name)(*positional, **args)
    spread = args.get("attributes", {})  # custom attributes travel as top-level keys
    expected = {key: value for key, value in args.items() if key != "attributes"} | spread
    (request,) = api.received
    assert (request.method, request.path) == ("PUT" if name == "update" else "POST", prefix + path)
    assert request.json == expected


async def test_a_register_giftcard_names_its_program_one_way_or_the_other(
    register: RegisterClient,
) -> None:
    by_uuid = await register.giftcards.create(type=1, giftcard_program_uuid="gp-1")
    by_id = await register.giftcards.create(type=1, giftcard_program_id=12)
    assert by_uuid.uuid and by_id.uuid
    with pytest.raises(InvalidInputError) as caught:
        await register.giftcards.create(type=1)
    assert "giftcard_program_uuid" in caught.value.errors


async def test_an_oauth_giftcard_still_needs_the_program_uuid(piggy: OAuthClient) -> None:
    with pytest.raises(TypeError, match="giftcard_program_uuid"):
        await piggy.giftcards.create(type=1)  # type: ignore[call-arg]
