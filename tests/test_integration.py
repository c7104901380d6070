"""The SDK against FakePiggy over real sockets: the loyalty journey on both clients, paging,
filters, contacts and identifiers, balances, tiers and rewards. When things go wrong:
`test_integration_failures.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fake_helpers import SANDY, api_error, reward_named

from piggy_async import (
    ErrorCode,
    OAuthClient,
    RegisterClient,
)
from piggy_async.models import CreditReception, RewardReception
from piggy_async.testing import FakePiggy, VirtualClock

# -- the journey --------------------------------------------------------------------------


async def test_the_oauth_journey(
    server: FakePiggy, oauth: OAuthClient, clock: VirtualClock
) -> None:
    shop = server.state.default_shop_uuid
    created = await oauth.contacts.create(email=SANDY)
    found = await oauth.contacts.find_one_by(email=SANDY)
    clock.advance(1)
    credit = await oauth.credit_receptions.create(
        shop_uuid=shop, contact_uuid=found.uuid, unit_value=42.5
    )
    balance = await oauth.contacts.get_credit_balance(found.uuid)
    clock.advance(1)
    reception = await oauth.reward_receptions.create(
        contact_uuid=found.uuid, reward_uuid=reward_named(server, "Kelp Shake"), shop_uuid=shop
    )
    contact = await oauth.contacts.get(found.uuid)
    transactions = [t async for t in oauth.loyalty_transactions.list(contact_uuid=found.uuid)]

    assert found.uuid == created.uuid
    assert (credit.credits, credit.unit_value, balance.balance) == (42, 42.5, 42)
    assert (reception.credits, reception.title) == (-25, "Kelp Shake")
    assert contact.credit_balance.balance == server.state.contacts[found.uuid].credits == 17
    assert [(type(t), t.uuid) for t in transactions] == [
        (RewardReception, reception.uuid),
        (CreditReception, credit.uuid),
    ]


async def test_the_register_journey(
    server: FakePiggy, register: RegisterClient, clock: VirtualClock
) -> None:
    created = await register.contacts.create(email=SANDY)
    found = await register.contacts.find_one_by(email=SANDY)
    clock.advance(1)
    credit = await register.credit_receptions.create(contact_uuid=found.uuid, credits=30)
    balance = await register.contacts.get_credit_balance(found.uuid)
    clock.advance(1)
    reception = await register.reward_receptions.create(
        contact_uuid=found.uuid, reward_uuid=reward_named(server, "Krabby Patty")
    )
    transactions = [t async for t in register.contacts.list_loyalty_transactions(found.uuid)]

    assert found.uuid == created.uuid
    assert found.current_values["channel"] == "REGISTER_API"
    assert balance.balance == 30
    assert reception.shop.uuid == credit.shop.uuid == server.state.default_shop_uuid
    assert reception.contact.credit_balance.balance == 20
    assert [t.uuid for t in transactions] == [reception.uuid, credit.uuid]


async def test_contacts_have_the_documented_shape(oauth: OAuthClient) -> None:
    contact = await oauth.contacts.find_or_create(email=SANDY)
    assert set(contact.to_dict()) == {
        "id",
        "uuid",
        "email",
        "tier",
        "subscriptions",
        "credit_balance",
        "prepaid_balance",
        "current_values",
        "current_display_values",
    }
    assert contact.credit_balance.to_dict() == {"balance": 0, "id": contact.credit_balance.id}
    assert contact.current_values["is_anonymous"] is False
    assert contact.current_display_values["is_anonymous"] == "False"
    assert contact.extra == {}


# -- listing ------------------------------------------------------------------------------


async def test_loyalty_transactions_page_across_pages(
    server: FakePiggy, oauth: OAuthClient, clock: VirtualClock
) -> None:
    contact = await oauth.contacts.create(email=SANDY)
    for credits in range(1, 24):
        clock.advance(1)
        await oauth.credit_receptions.create(
            shop_uuid=server.state.default_shop_uuid, contact_uuid=contact.uuid, credits=credits
        )
    listing = oauth.loyalty_transactions.list(limit=10, sort="created_at")
    first = await listing
    sizes = [len(page) async for page in listing.pages()]
    credits_in_order = [t.credits async for t in listing]

    assert (first.page, first.last_page, first.total, first.per_page) == (1, 3, 23, 10)
    assert first.meta["viewing_from"] == 1 and first.meta["viewing_to"] == 10
    assert sizes == [10, 10, 3]
    assert credits_in_order == list(range(1, 24))


async def test_register_transactions_page_across_pages(
    register: RegisterClient, clock: VirtualClock
) -> None:
    contact = await register.contacts.create(email=SANDY)
    for _ in range(7):
        clock.advance(1)
        await register.credit_receptions.create(contact_uuid=contact.uuid, credits=1)
    listing = register.contacts.list_loyalty_transactions(contact.uuid, limit=3)
    assert [len(page) async for page in listing.pages()] == [3, 3, 1]


async def test_loyalty_transactions_filter_by_type_shop_and_creation_time(
    server: FakePiggy, oauth: OAuthClient, clock: VirtualClock
) -> None:
    home, other = list(server.state.shops)
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    clock.advance(10)
    early = await oauth.credit_receptions.create(shop_uuid=home, contact_uuid=contact, credits=10)
    clock.advance(10)
    middle = await oauth.credit_receptions.create(shop_uuid=other, contact_uuid=contact, credits=5)
    clock.advance(10)
    late = await oauth.reward_receptions.create(
        contact_uuid=contact, reward_uuid=reward_named(server, "Krabby Patty"), shop_uuid=home
    )

    async def listed(**filters: Any) -> list[str]:
        return [t.uuid async for t in oauth.loyalty_transactions.list(**filters)]

    moment = middle.created_at
    assert await listed() == [late.uuid, middle.uuid, early.uuid]
    assert await listed(type="credit_receptions") == [middle.uuid, early.uuid]
    assert await listed(type="reward_receptions") == [late.uuid]
    assert await listed(shop_uuid=other) == [middle.uuid]
    assert await listed(created_at_gte=moment) == [late.uuid, middle.uuid]
    assert await listed(created_at_gt=moment) == [late.uuid]
    assert await listed(created_at_lt=moment, sort="created_at") == [early.uuid]
    assert await listed(created_at_lte=moment, sort="created_at") == [early.uuid, middle.uuid]


async def test_contacts_list_filters_and_sorts_by_creation(
    oauth: OAuthClient, clock: VirtualClock
) -> None:
    for name in ("patrick", "squidward", "gary"):
        clock.advance(60)
        await oauth.contacts.create(email=f"{name}@bikinibottom.sea")
    since = datetime.fromtimestamp(clock.wall() - 60, UTC)

    newest_first = [c.email async for c in oauth.contacts.list(sort="-created_at")]
    recent = [c.email async for c in oauth.contacts.list(created_at_gte=since)]

    assert newest_first == [f"{n}@bikinibottom.sea" for n in ("gary", "squidward", "patrick")]
    assert recent == ["squidward@bikinibottom.sea", "gary@bikinibottom.sea"]


# -- contacts and identifiers -------------------------------------------------------------


async def test_update_sets_attributes_but_not_system_values(oauth: OAuthClient) -> None:
    contact = await oauth.contacts.create(email=SANDY)
    updated = await oauth.contacts.update(
        contact.uuid,
        attributes={"firstname": "Sandy", "favourite_food": "acorns", "loyalty_balance": 999},
    )
    assert updated.current_values["firstname"] == "Sandy"
    assert updated.current_values["favourite_food"] == "acorns"
    assert updated.current_values["loyalty_balance"] == 0
    assert updated.current_display_values["firstname"] == "Sandy"


async def test_find_or_create_finds_what_it_created(register: RegisterClient) -> None:
    created = await register.contacts.find_or_create_async(email=SANDY)
    found = await register.contacts.find_or_create(email=SANDY)
    again = await register.contacts.create_async(email="gary@bikinibottom.sea")
    assert found.uuid == created.uuid
    assert (await register.contacts.get(again.uuid)).email == "gary@bikinibottom.sea"


async def test_anonymous_contacts_are_claimed_once(oauth: OAuthClient) -> None:
    anonymous = await oauth.contacts.create_anonymous(contact_identifier_value="CARD-1")
    card = await oauth.contact_identifiers.find(contact_identifier_value="CARD-1")
    claimed = await oauth.contacts.claim(anonymous.uuid, email=SANDY)
    error = await api_error(oauth.contacts.claim(anonymous.uuid, email=SANDY))

    assert card.contact.uuid == anonymous.uuid and card.default is True
    assert (claimed.uuid, claimed.email) == (anonymous.uuid, SANDY)
    assert claimed.current_values["is_anonymous"] is False
    assert error.code == ErrorCode.CONTACT_NOT_ANONYMOUS


async def test_claiming_a_taken_address_merges_into_its_contact(
    server: FakePiggy, oauth: OAuthClient
) -> None:
    known = await oauth.contacts.create(email=SANDY)
    anonymous = await oauth.contacts.create_anonymous()
    await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid, contact_uuid=anonymous.uuid, credits=12
    )
    claimed = await oauth.contacts.claim(anonymous.uuid, email=SANDY)

    assert claimed.uuid == known.uuid
    assert claimed.credit_balance.balance == 12
    assert anonymous.uuid not in server.state.contacts


async def test_merge_moves_balance_transactions_and_identifiers(
    server: FakePiggy, oauth: OAuthClient
) -> None:
    source = (await oauth.contacts.create(email="plankton@bikinibottom.sea")).uuid
    destination = (await oauth.contacts.create(email=SANDY)).uuid
    await oauth.contact_identifiers.create(contact_identifier_value="CARD-1", contact_uuid=source)
    await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid, contact_uuid=source, credits=8
    )
    await oauth.contacts.merge(source_contact_uuid=source, destination_contact_uuid=destination)

    identifiers = await oauth.contacts.list_contact_identifiers(destination)
    transactions = [t async for t in oauth.loyalty_transactions.list(contact_uuid=destination)]
    gone = await api_error(oauth.contacts.get(source))

    assert (await oauth.contacts.get_credit_balance(destination)).balance == 8
    assert [identifier.value for identifier in identifiers] == ["CARD-1"]
    assert [t.contact.uuid for t in transactions] == [destination]
    assert gone.code == ErrorCode.CONTACT_NOT_FOUND


async def test_deleted_contacts_are_gone_but_their_transactions_stay(
    server: FakePiggy, oauth: OAuthClient
) -> None:
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid, contact_uuid=contact, credits=3
    )
    assert await oauth.contacts.delete(contact, type="GDPR") is None
    error = await api_error(oauth.contacts.find_one_by(email=SANDY))
    transactions = [t async for t in oauth.loyalty_transactions.list()]
    assert error.code == ErrorCode.CONTACT_NOT_FOUND
    assert [(t.credits, t.contact) for t in transactions] == [(3, None)]


async def test_identifiers_find_and_credit_their_contact(
    server: FakePiggy, register: RegisterClient
) -> None:
    contact = (await register.contacts.create(email=SANDY)).uuid
    await register.contact_identifiers.create(
        contact_identifier_value="CARD-1", contact_uuid=contact, contact_identifier_name="Card"
    )
    credit = await register.credit_receptions.create(contact_identifier_value="CARD-1", credits=4)
    unlinked = await register.contact_identifiers.unlink(contact_identifier_value="CARD-1")
    not_linked = await api_error(
        register.credit_receptions.create(contact_identifier_value="CARD-1", credits=4)
    )
    relinked = await register.contact_identifiers.link(
        contact_identifier_value="CARD-1", contact_uuid=contact
    )
    await register.contact_identifiers.delete(contact_identifier_value="CARD-1")
    deleted = await api_error(register.contact_identifiers.find(contact_identifier_value="CARD-1"))

    assert (credit.contact.uuid, credit.contact_identifier.value) == (contact, "CARD-1")
    assert unlinked.contact is None
    assert not_linked.code == ErrorCode.CONTACT_IDENTIFIER_NOT_LINKED
    assert (relinked.name, relinked.contact.uuid) == ("Card", contact)
    assert deleted.code == ErrorCode.CONTACT_IDENTIFIER_NOT_FOUND
    assert server.state.contacts[contact].credits == 4


async def test_inactive_and_linked_identifiers_are_refused(oauth: OAuthClient) -> None:
    sandy = (await oauth.contacts.create(email=SANDY)).uuid
    gary = (await oauth.contacts.create(email="gary@bikinibottom.sea")).uuid
    await oauth.contact_identifiers.create(contact_identifier_value="CARD-1", contact_uuid=sandy)
    linked = await api_error(
        oauth.contact_identifiers.link(contact_identifier_value="CARD-1", contact_uuid=gary)
    )
    await oauth.contact_identifiers.update(
        contact_identifier_value="CARD-1", contact_identifier_active=False
    )
    inactive = await api_error(oauth.contact_identifiers.find(contact_identifier_value="CARD-1"))
    duplicate = await api_error(oauth.contact_identifiers.create(contact_identifier_value="CARD-1"))
    assert linked.code == ErrorCode.CONTACT_IDENTIFIER_ALREADY_LINKED
    assert inactive.code == ErrorCode.CONTACT_IDENTIFIER_INACTIVE
    assert duplicate.code == ErrorCode.CONTACT_IDENTIFIER_ALREADY_EXISTS


# -- balances, tiers, rewards -------------------------------------------------------------


async def test_reversing_a_credit_reception_takes_the_credits_back(
    server: FakePiggy, oauth: OAuthClient
) -> None:
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    credit = await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid,
        contact_uuid=contact,
        credits=9,
        extra_body={"receipt_number": "A-123"},
    )
    mirror = await oauth.credit_receptions.reverse(credit.uuid)
    assert credit.extra == {"receipt_number": "A-123"}
    assert (mirror.credits, mirror.uuid != credit.uuid) == (-9, True)
    assert (await oauth.contacts.get_credit_balance(contact)).balance == 0


async def test_credits_earned_raise_the_tier(server: FakePiggy, oauth: OAuthClient) -> None:
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    before = await oauth.contacts.get_tier(contact)
    await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid, contact_uuid=contact, credits=100
    )
    after = await oauth.contacts.get_tier(contact)
    assert before is None
    assert (after.name, after.position) == ("Krusty Krew", 1)


async def test_prepaid_balance_and_credit_calculation(
    server: FakePiggy, register: RegisterClient
) -> None:
    contact = (await register.contacts.create(email=SANDY)).uuid
    prepaid = await register.contacts.get_prepaid_balance(contact)
    calculation = await register.credit_receptions.calculate(unit_value=19.99)
    assert (prepaid.balance_in_cents, prepaid.balance) == (0, "€0.00")
    assert calculation.credits == 19


async def test_rewards_are_listed_read_and_updated(oauth: OAuthClient) -> None:
    rewards = await oauth.rewards.list()
    hat = next(reward for reward in rewards if reward.title == "Krusty Krab Hat")
    updated = await oauth.rewards.update(
        hat.uuid, required_credits=200, extra_body={"custom_attribute_one": "JKL"}
    )
    assert [reward.required_credits for reward in rewards] == [10, 25, 150]
    assert (await oauth.rewards.get(hat.uuid)).required_credits == 200
    assert updated.extra == {"custom_attribute_one": "JKL"}
