"""What each seed endpoint's documented response example must decode into: one check per
endpoint, used by the table of endpoints in `test_seed_endpoints.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from piggy_async import UNSET, Page
from piggy_async.models import (
    Contact,
    ContactIdentifier,
    ContactUuid,
    CreditBalance,
    CreditReception,
    Media,
    PrepaidBalance,
    Reward,
    Shop,
    Subscription,
    Tier,
    Unit,
)

NEW_UUID = "cd183615-d1cb-402a-b618-6472d5e13890"
REWARD = "539483d0-fab4-40db-add5-2ec65ef12901"
TIER_UUID = "ea77edd4-5a5e-4a6e-aeda-55038c43c839"


# -- what each endpoint decodes into --------------------------------------------------------


def check_contact_uuid(result: Any) -> None:
    assert type(result) is ContactUuid
    assert result.uuid == NEW_UUID
    assert result.extra == {}


def check_spongebob(contact: Any) -> None:
    """The documented contact `123` (find one by, find or create, get, update)."""
    assert type(contact) is Contact
    assert contact.uuid == "123"
    assert contact.id == 22
    assert contact.email == "spongebob@bikinibottom.sea"
    assert type(contact.tier) is Tier
    assert contact.tier.name == "Krusty Krew"
    assert contact.tier.uuid == TIER_UUID
    assert contact.tier.position == 1
    assert contact.tier.media is None
    assert type(contact.credit_balance) is CreditBalance
    assert contact.credit_balance.balance == 1612
    assert contact.credit_balance.id is UNSET, "an absent key must read UNSET"
    assert type(contact.prepaid_balance) is PrepaidBalance
    assert contact.prepaid_balance.balance_in_cents == 2000
    assert isinstance(contact.subscriptions, list)
    assert [type(s) for s in contact.subscriptions] == [Subscription] * 4
    first = contact.subscriptions[0]
    assert first.is_subscribed is False
    assert first.status == "UNSUBSCRIBED"
    assert first.subscription_type is not UNSET
    assert first.subscription_type.strategy == "DOUBLE_OPT_IN"
    assert contact.subscriptions[1].subscription_type.uuid is None
    assert isinstance(contact.current_values, dict)
    assert contact.current_values["housenumber"] == 12
    assert contact.current_values["a_custom_attribute"] is None
    assert contact.current_values["loyalty_balance"] == 1612
    assert isinstance(contact.current_display_values, dict)
    assert contact.current_display_values["tier"] == "Gold"
    assert contact.attributes is UNSET


def check_claimed(contact: Any) -> None:
    assert type(contact) is Contact
    assert contact.uuid == "999"
    assert contact.email == "patrick@bikinibottom.sea"
    assert contact.tier is None, "tier: null must read None, not UNSET"
    assert contact.credit_balance.balance == 0
    assert contact.credit_balance.id == 2625795
    assert contact.current_values["is_anonymous"] is True


def check_contact_page(page: Any) -> None:
    assert type(page) is Page
    assert [type(item) for item in page.items] == [Contact, Contact]
    first, second = page.items
    assert first.uuid == "9504d4b2-03c5-41d8-8423-4b1821b6aa00"
    assert first.tier is None
    assert first.attributes == []
    assert second.tier.name == "Krusty Krew"
    assert second.credit_balance.balance == 2895
    assert (page.page, page.last_page, page.total, page.per_page) == (1, 31, 62, 2)


def check_deleted(result: Any) -> None:
    assert result is None


def check_merged(result: Any) -> None:
    assert result == {"message": "Merge scheduled."}, "`any` data is returned as sent"


def check_identifiers(result: Any) -> None:
    assert isinstance(result, list)
    assert [type(item) for item in result] == [ContactIdentifier, ContactIdentifier]
    card, gary = result
    assert (card.name, card.value, card.active, card.default) == (
        "Main Loyalty Card",
        "ABCDE12356-90",
        True,
        True,
    )
    assert gary.default is False
    assert card.contact is not None
    assert card.contact.uuid == "123abc-def789-qwerty-34567"


def check_credit_balance(result: Any) -> None:
    assert type(result) is CreditBalance
    assert result.balance == 49


def check_prepaid_balance(result: Any) -> None:
    assert type(result) is PrepaidBalance
    assert result.balance_in_cents == 5000
    assert result.balance == "€50.00"


def check_tier(result: Any) -> None:
    assert type(result) is Tier
    assert result.name == "Krusty Krew"
    assert result.description == "Krusty Krew Members only"
    assert result.uuid == TIER_UUID
    assert result.media is None


def check_transactions(page: Any) -> None:
    assert type(page) is Page
    assert len(page.items) == 10
    assert all(type(item) is CreditReception for item in page.items), (
        "every documented transaction is a credit_reception"
    )
    first = page.items[0]
    assert first.uuid == "daa78841-b321-4564-9dd3-91c6ccd9d600"
    assert first.credits == 1177
    assert first.created_at == datetime(2023, 11, 12, 19, 27, 49, tzinfo=UTC)
    assert first.contact_identifier is None
    assert first.contact.uuid == "123"
    assert first.contact.credit_balance.balance == 2929
    assert type(first.shop) is Shop
    assert first.shop.name == "Krusty Krab"
    assert first.shop.address.housenumber == 12
    assert first.shop.address.house_number is None
    assert first.unit_value == 1.15
    assert type(first.unit) is Unit
    assert first.unit.label == "Calories"
    assert page.items[1].unit_value is None
    assert (page.page, page.last_page, page.total, page.per_page) == (1, 6, 57, 10)


def check_rewards(result: Any) -> None:
    assert isinstance(result, list)
    assert [type(item) for item in result] == [Reward] * 4
    jellyfish, patty, shake, _ = result
    assert jellyfish.uuid == "6bfe1e50-b13a-49ab-85c9-98cd8b734da2"
    assert jellyfish.title == "Jellyfish Net"
    assert jellyfish.required_credits == 25
    assert jellyfish.type == "DIGITAL"
    assert type(jellyfish.media) is Media
    assert jellyfish.media.type == "image"
    assert jellyfish.extra == {"custom_attribute_one": "ABC", "custom_attribute_two": "123"}
    assert jellyfish.pre_redeemable is UNSET
    assert patty.extra["custom_attribute_one"] == "DEF"
    assert patty.expiration_duration is None
    assert shake.pre_redeemable is True
    assert shake.expiration_duration == 6307200


def check_reward(result: Any) -> None:
    assert type(result) is Reward
    assert result.uuid == REWARD
    assert result.title == "Krabby Patty"
    assert result.description is None
    assert result.cost_price is None
    assert result.stock is None
    assert result.required_credits == 2
    assert (result.is_active, result.active, result.reward_type) == (True, True, "PHYSICAL")
    assert result.type is UNSET
    assert result.extra == {
        "example_attribute": "custom attributes for rewards are included like this"
    }


def check_updated_reward(result: Any) -> None:
    assert type(result) is Reward
    assert result.uuid == REWARD
    assert result.required_credits == 2
    assert result.extra == {}
