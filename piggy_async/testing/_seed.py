"""`SeedData`: what a fresh FakePiggy holds before its first request.

A real account comes with shops, a default unit, rewards and tiers set up in the dashboard;
the API cannot create them, so the fake starts with them. The defaults follow the docs'
Bikini Bottom examples.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs


@attrs.frozen
class SeedReward:
    """A reward contacts can redeem for `required_credits`."""

    title: str
    required_credits: int
    description: str | None = None
    type: Literal["PHYSICAL", "DIGITAL"] = "PHYSICAL"

    def to_json(self, id: int, uuid: str) -> dict[str, Any]:
        """The reward as the API sends it, twin keys (`is_active`/`active`, `type`/
        `reward_type`) included."""
        return {
            "id": id,
            "uuid": uuid,
            "title": self.title,
            "description": self.description,
            "type": self.type,
            "reward_type": self.type,
            "is_active": True,
            "active": True,
            "required_credits": self.required_credits,
            "media": None,
            "cost_price": None,
            "stock": None,
            "pre_redeemable": False,
            "expiration_duration": None,
        }


@attrs.frozen
class SeedTier:
    """A loyalty tier, reached by contacts who received `min_credits` credits in all."""

    name: str
    min_credits: int
    description: str | None = None

    def to_json(self, uuid: str, position: int) -> dict[str, Any]:
        return {
            "uuid": uuid,
            "name": self.name,
            "description": self.description,
            "position": position,
            "media": None,
        }


@attrs.frozen
class SeedData:
    """The account's configuration. The first shop is the register key's shop, the one
    Register API calls act on."""

    shops: tuple[str, ...] = attrs.field(
        default=("Krusty Krab", "Chum Bucket"), validator=attrs.validators.min_len(1)
    )
    unit_name: str = "purchase_amount"
    unit_label: str = "Purchase Amount"
    credits_per_unit: float = 1.0
    """Credits a unit value earns per unit: `unit_value=10.4` earns 10 credits at 1.0."""
    rewards: tuple[SeedReward, ...] = (
        SeedReward("Krabby Patty", 10),
        SeedReward("Kelp Shake", 25),
        SeedReward("Krusty Krab Hat", 150, "Size: Small Fry/Regular/Krabby/Super-Sized"),
    )
    tiers: tuple[SeedTier, ...] = (
        SeedTier("Krusty Krew", 100, "Krusty Krew Members only"),
        SeedTier("Gold", 1000),
    )
    subscription_types: tuple[str, ...] = ("Marketing",)
    promotions: tuple[str, ...] = ("Free Krabby Patty",)
    """Promotions vouchers can be issued from (more can be created through the API)."""
    account_secret: str = "fake-piggy-account-secret"
    """Signs webhook deliveries of subscriptions without a secret of their own, and the
    loyalty-token URLs the fake creates."""
    contact_attributes: tuple[str, ...] = ()
    """Custom contact attributes the account has, besides the documented system ones
    (`piggy_async.bulk.SYSTEM_ATTRIBUTES` and the read-only ones);
    `contact_attributes.create` adds more."""
    reject_unknown_attributes: bool = False
    """Whether `contacts.update` naming an attribute the account does not have is refused
    with 1003 naming the field (the API does not document what it does; off, the fake
    stores any name, as it always did)."""


READ_ONLY_CONTACT_ATTRIBUTES: tuple[str, ...] = (
    "email",
    "uuid",
    "status",
    "channel",
    "created_at",
    "updated_at",
    "is_anonymous",
    "tier",
    "loyalty_balance",
    "prepaid_balance",
)
"""System contact attributes the API keeps itself (listed as hard read-only)."""


def contact_attribute_json(
    id: int, name: str, *, label: str | None = None, type: str = "text", system: bool = False
) -> dict[str, Any]:
    """A contact attribute as `contact_attributes.list` sends it."""
    read_only = name in READ_ONLY_CONTACT_ATTRIBUTES
    return {
        "id": id,
        "name": name,
        "label": label or name.replace("_", " ").capitalize(),
        "type": type,
        "group_name": None,
        "group": None,
        "is_piggy_defined": system,
        "is_soft_read_only": read_only,
        "is_hard_read_only": read_only,
        "field_type": "default" if system else None,
        "has_unique_value": name in ("email", "uuid"),
        "description": None,
        "options": [],
        "position": id,
        "created_at": "2024-01-01T12:00:00+00:00",
        "meta": [],
        "can_be_deleted": not system,
        "last_used_date": None,
        "created_by_user": None,
    }


def shop_json(id: int, uuid: str, name: str) -> dict[str, Any]:
    return {
        "id": id,
        "uuid": uuid,
        "name": name,
        "type": "physical",
        "reference": None,
        "address": None,
    }


def unit_json(id: int, name: str, label: str) -> dict[str, Any]:
    return {"id": id, "name": name, "label": label, "prefix": "€", "is_default": True}


def promotion_json(uuid: str, name: str, description: str | None = None) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "name": name,
        "description": description,
        "voucher_limit": None,
        "limit_per_contact": None,
        "expiration_duration": None,
        "attributes": {},
    }


def subscription_type_json(id: int, name: str) -> dict[str, Any]:
    return {
        "id": id,
        "uuid": None,
        "name": name,
        "description": None,
        "active": True,
        "strategy": "OPT_IN",
    }
