"""pydantic v2 models equivalent to the SDK's `Contact` and loyalty transactions: the same
fields and types, unknown keys kept (`extra="allow"`), absent fields left out of the dump
(`exclude_unset`), so both sides do the same work."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Media(_Model):
    type: str | None = None
    value: str | None = None


class Tier(_Model):
    uuid: str | None = None
    name: str | None = None
    description: str | None = None
    position: int | None = None
    media: Media | None = None


class SubscriptionType(_Model):
    id: int | None = None
    uuid: str | None = None
    name: str | None = None
    description: str | None = None
    active: bool | None = None
    strategy: str | None = None


class Subscription(_Model):
    is_subscribed: bool | None = None
    status: str | int | None = None
    subscription_type: SubscriptionType | None = None


class CreditBalance(_Model):
    balance: int
    id: int | None = None


class PrepaidBalance(_Model):
    balance_in_cents: int
    balance: str | None = None


class ContactAttributeValue(_Model):
    value: Any = None
    attribute: dict[str, Any] | None = None


class Contact(_Model):
    uuid: str
    id: int | None = None
    email: str | None = None
    attributes: list[ContactAttributeValue] | None = None
    tier: Tier | None = None
    subscriptions: list[Subscription] | None = None
    credit_balance: CreditBalance | None = None
    prepaid_balance: PrepaidBalance | None = None
    current_values: dict[str, Any] | None = None
    current_display_values: dict[str, Any] | None = None


class ContactRef(_Model):
    uuid: str
    email: str | None = None
    credit_balance: CreditBalance | None = None


class Address(_Model):
    id: int | None = None
    shop_id: int | None = None
    street: str | None = None
    housenumber: int | str | None = None
    postalcode: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    house_number: int | str | None = None
    postal_code: str | None = None


class Shop(_Model):
    uuid: str
    id: int | None = None
    name: str | None = None
    type: str | None = None
    reference: str | None = None
    address: Address | None = None


class ContactIdentifier(_Model):
    name: str | None = None
    value: str | None = None
    active: bool | None = None
    default: bool | None = None
    contact: ContactRef | None = None


class Unit(_Model):
    id: int | None = None
    name: str | None = None
    label: str | None = None
    prefix: str | None = None
    is_default: bool | None = None


class Reward(_Model):
    uuid: str
    id: int | None = None
    title: str | None = None
    description: str | None = None
    type: str | None = None
    reward_type: str | None = None
    is_active: bool | None = None
    active: bool | None = None
    required_credits: int | None = None
    media: Media | None = None
    cost_price: float | None = None
    stock: int | None = None
    pre_redeemable: bool | None = None
    expiration_duration: int | None = None


class CreditReception(_Model):
    uuid: str
    type: Literal["credit_reception"]
    credits: int | None = None
    created_at: datetime | None = None
    contact: ContactRef | None = None
    shop: Shop | None = None
    contact_identifier: ContactIdentifier | None = None
    unit_value: float | None = None
    unit: Unit | None = None
    channel: str | None = None


class RewardReception(_Model):
    uuid: str
    type: Literal["reward_reception", "digital_reward_reception"]
    title: str | None = None
    credits: int | None = None
    created_at: datetime | None = None
    contact: ContactRef | None = None
    shop: Shop | None = None
    contact_identifier: ContactIdentifier | None = None
    reward: Reward | None = None
    expires_at: datetime | None = None
    has_been_collected: bool | None = None
    digital_reward: Reward | None = None
    digital_reward_code: dict[str, Any] | None = None


LoyaltyTransactions = TypeAdapter(
    list[Annotated[CreditReception | RewardReception, Field(discriminator="type")]]
)
