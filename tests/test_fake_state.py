"""FakePiggy state for batch imports, prepaid balances and vouchers: what a user's jobs
change can be asserted on, and the documented errors come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scripted_api import Receiver

from piggy_async import APIError, ErrorCode, OAuthClient, RegisterClient
from piggy_async.models import VoucherCreatedEvent, VoucherRedeemedEvent
from piggy_async.testing import FakePiggy, VirtualClock
from piggy_async.webhooks import parse_event

SANDY = "sandy@bikinibottom.sea"


def _code(error: pytest.ExceptionInfo[APIError]) -> int | None:
    return error.value.code


async def test_a_batch_import_stores_its_contacts(oauth: OAuthClient, server: FakePiggy) -> None:
    existing = await oauth.contacts.create(email=SANDY)
    await oauth.contacts.create_batch(
        contacts=[
            {
                "email": "patrick@bikinibottom.sea",
                "custom_attributes": [{"name": "favourite_food", "value": "Krabby Patty"}],
                "subscription_types": [{"uuid": "marketing", "enroll": True}],
            },
            {"email": SANDY, "custom_attributes": [{"name": "firstname", "value": "Sandy"}]},
        ]
    )
    patrick = await oauth.contacts.find_one_by(email="patrick@bikinibottom.sea")
    assert server.state.contacts[patrick.uuid].attributes == {"favourite_food": "Krabby Patty"}
    assert server.state.contacts[existing.uuid].attributes == {"firstname": "Sandy"}
    assert len(server.state.contacts) == 2


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"email": "not-an-address"}, "contacts.1.email"),
        ({"custom_attributes": []}, "contacts.1.email"),
        (
            {"email": "a@b.example", "custom_attributes": [{"value": 1}]},
            "contacts.1.custom_attributes.0",
        ),
        ({"email": "a@b.example", "subscription_types": "all"}, "contacts.1.subscription_types"),
        ({"email": "patrick@bikinibottom.sea"}, "contacts.1.email"),  # twice in one batch
    ],
)
async def test_a_bad_entry_fails_the_whole_batch(
    oauth: OAuthClient, server: FakePiggy, entry: object, key: str
) -> None:
    with pytest.raises(APIError) as caught:
        await oauth.contacts.create_batch(
            contacts=[{"email": "patrick@bikinibottom.sea"}, entry]  # type: ignore[list-item]
        )
    assert _code(caught) == ErrorCode.INVALID_INPUT
    assert key in caught.value.errors
    assert server.state.contacts == {}  # nothing stored


async def test_prepaid_transactions_move_the_prepaid_balance(
    oauth: OAuthClient, register: RegisterClient, server: FakePiggy
) -> None:
    contact = await oauth.contacts.create(email=SANDY)
    shop = server.state.default_shop_uuid
    top_up = await oauth.prepaid_transactions.create(
        contact_uuid=contact.uuid, amount_in_cents=500, shop_uuid=shop
    )
    assert top_up.prepaid_balance.balance_in_cents == 500  # type: ignore[union-attr]
    spent = await register.prepaid_transactions.create(
        contact_uuid=contact.uuid, amount_in_cents=-200
    )
    assert spent.amount_in_cents == -200
    balance = await register.contacts.get_prepaid_balance(contact.uuid)
    assert (balance.balance_in_cents, balance.balance) == (300, "€3.00")
    with pytest.raises(APIError) as caught:
        await register.prepaid_transactions.create(contact_uuid=contact.uuid, amount_in_cents=-301)
    assert _code(caught) == ErrorCode.INVALID_INPUT
    reversal = await oauth.prepaid_transactions.reverse(spent.uuid)
    assert reversal.amount_in_cents == 200
    listed = await oauth.prepaid_transactions.list(contact_uuid=contact.uuid)
    assert [t.uuid for t in listed.items] == [reversal.uuid, spent.uuid, top_up.uuid]
    assert server.state.contacts[contact.uuid].prepaid_cents == 500


async def test_a_merge_moves_the_prepaid_history_with_the_balance(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    source = (await oauth.contacts.create(email="plankton@bikinibottom.sea")).uuid
    destination = (await oauth.contacts.create(email=SANDY)).uuid
    top_up = await oauth.prepaid_transactions.create(
        contact_uuid=source, amount_in_cents=500, shop_uuid=server.state.default_shop_uuid
    )
    await oauth.contacts.merge(source_contact_uuid=source, destination_contact_uuid=destination)

    listed = await oauth.prepaid_transactions.list(contact_uuid=destination)
    reversal = await oauth.prepaid_transactions.reverse(top_up.uuid)

    assert [t.uuid for t in listed.items] == [top_up.uuid]
    assert reversal.amount_in_cents == -500
    assert server.state.contacts[destination].prepaid_cents == 0


async def _voucher_setup(piggy: OAuthClient) -> tuple[str, str]:
    (promotion,) = await piggy.promotions.list()
    contact = await piggy.contacts.create(email=SANDY)
    return promotion.uuid, contact.uuid


async def test_a_voucher_is_created_listed_and_redeemed_once(
    oauth: OAuthClient, register: RegisterClient, server: FakePiggy
) -> None:
    promotion, contact = await _voucher_setup(oauth)
    voucher = await oauth.vouchers.create(
        promotion_uuid=promotion, contact_uuid=contact, code="KRABBY-1"
    )
    assert (voucher.code, voucher.status, voucher.is_redeemed) == ("KRABBY-1", "ACTIVE", False)
    assert voucher.promotion.uuid == promotion  # type: ignore[union-attr]
    page = await oauth.vouchers.list(contact_uuid=contact, status="ACTIVE")
    assert [v.uuid for v in page.items] == [voucher.uuid] and page.meta["total"] == 1
    redeemed = await register.vouchers.redeem(code="KRABBY-1", contact_uuid=contact)
    assert (redeemed.status, redeemed.is_redeemed, redeemed.times_redeemed) == (
        "REDEEMED",
        True,
        1,
    )
    assert redeemed.voucher_redemption.uuid  # type: ignore[union-attr]
    with pytest.raises(APIError) as caught:
        await register.vouchers.redeem(code="KRABBY-1", contact_uuid=contact)
    assert _code(caught) == ErrorCode.VOUCHER_ALREADY_REDEEMED
    assert (await oauth.vouchers.find(code="KRABBY-1")).status == "REDEEMED"
    assert (await oauth.vouchers.list(status="ACTIVE")).items == []


async def test_a_multi_use_voucher_counts_its_redemptions(register: RegisterClient) -> None:
    (promotion,) = await register.promotions.list()
    contact = await register.contacts.create(email=SANDY)
    await register.vouchers.create(
        promotion_uuid=promotion.uuid, code="TWICE", total_redemptions_allowed=2
    )
    first = await register.vouchers.redeem(code="TWICE", contact_uuid=contact.uuid)
    assert (first.status, first.redemptions_remaining) == ("ACTIVE", 1)
    second = await register.vouchers.redeem(code="TWICE", contact_uuid=contact.uuid)
    assert (second.status, second.redemptions_remaining) == ("REDEEMED", 0)


async def test_vouchers_answer_the_documented_errors(
    oauth: OAuthClient, register: RegisterClient, clock: VirtualClock
) -> None:
    promotion, contact = await _voucher_setup(oauth)
    now = datetime.fromtimestamp(clock.wall(), UTC)
    await oauth.vouchers.create(promotion_uuid=promotion, code="TAKEN")
    with pytest.raises(APIError) as caught:
        await oauth.vouchers.create(promotion_uuid="nope")
    assert _code(caught) == ErrorCode.PROMOTION_NOT_FOUND
    with pytest.raises(APIError) as caught:
        await oauth.vouchers.create(promotion_uuid=promotion, code="TAKEN")
    assert _code(caught) == ErrorCode.VOUCHER_ALREADY_EXISTS
    with pytest.raises(APIError) as caught:
        await register.vouchers.redeem(code="MISSING", contact_uuid=contact)
    assert _code(caught) == ErrorCode.VOUCHER_NOT_FOUND
    later = await oauth.vouchers.create(
        promotion_uuid=promotion, code="LATER", activation_date=now + timedelta(days=1)
    )
    assert later.status == "INACTIVE"
    soon = await oauth.vouchers.create(
        promotion_uuid=promotion, code="SOON", expiration_date=now + timedelta(hours=1)
    )
    off = await oauth.vouchers.create(promotion_uuid=promotion, code="OFF")
    await oauth.vouchers.update(off.uuid, status="DEACTIVATED")
    clock.advance(2 * 3600)
    assert (await oauth.vouchers.find(code=soon.code)).status == "EXPIRED"  # type: ignore[arg-type]
    for code, expected in (
        ("LATER", ErrorCode.VOUCHER_INACTIVE),
        ("SOON", ErrorCode.VOUCHER_EXPIRED),
        ("OFF", ErrorCode.VOUCHER_DEACTIVATED),
    ):
        with pytest.raises(APIError) as caught:
            await register.vouchers.redeem(code=code, contact_uuid=contact)
        assert _code(caught) == expected


async def test_voucher_events_are_delivered(
    oauth: OAuthClient, register: RegisterClient, server: FakePiggy
) -> None:
    promotion, contact = await _voucher_setup(oauth)
    async with Receiver() as receiver:
        for event_type in ("voucher_created", "voucher_redeemed"):
            await oauth.webhook_subscriptions.create(
                name=event_type, event_type=event_type, url=receiver.url
            )
        await oauth.vouchers.create(promotion_uuid=promotion, code="HOOK")
        await register.vouchers.redeem(code="HOOK", contact_uuid=contact)
        await server.webhooks.deliver_due()
        events = [parse_event(body) for _, body in receiver.deliveries]
    assert [type(event) for event in events] == [VoucherCreatedEvent, VoucherRedeemedEvent]
    assert events[1].data.voucher.status == "REDEEMED"  # type: ignore[union-attr]


async def test_a_created_promotion_issues_vouchers_up_to_its_limit(
    oauth: OAuthClient,
) -> None:
    promotion = await oauth.promotions.create(
        name="Two only", description="Two vouchers at most", voucher_limit=2
    )
    assert (await oauth.promotions.get(promotion.uuid)).voucher_limit == 2
    assert promotion.uuid in [p.uuid for p in await oauth.promotions.list()]
    for _ in range(2):
        await oauth.vouchers.create(promotion_uuid=promotion.uuid)
    with pytest.raises(APIError) as caught:
        await oauth.vouchers.create(promotion_uuid=promotion.uuid)
    assert _code(caught) == ErrorCode.VOUCHER_LIMIT_REACHED
    with pytest.raises(APIError) as caught:
        await oauth.promotions.get("no-such-promotion")
    assert _code(caught) == ErrorCode.PROMOTION_NOT_FOUND
