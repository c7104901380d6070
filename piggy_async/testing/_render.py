"""The documented JSON shapes of the fake's records (tests/fixtures/seeds/ has the docs'
examples).

Built on every read from the records and the state around them, so a contact embedded in a
transaction shows its balance of now, as the API's does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._state import (
    ContactRecord,
    IdentifierRecord,
    PrepaidRecord,
    State,
    TransactionRecord,
    VoucherRecord,
)

_BLANK_ATTRIBUTES: dict[str, Any] = {
    "firstname": "",
    "lastname": "",
    "birthdate": None,
    "phonenumber": "",
    "address": "",
    "housenumber": None,
    "postalcode": "",
    "city": "",
    "locale": None,
    "avatar": "",
}
"""The standard attributes of a new contact, until `update` sets them."""


def contact(state: State, record: ContactRecord) -> dict[str, Any]:
    tier = state.tier_of(record)
    values = _current_values(record, tier)
    return {
        "id": record.id,
        "uuid": record.uuid,
        "email": record.email,
        "tier": tier,
        "subscriptions": [
            {"is_subscribed": False, "status": "UNSUBSCRIBED", "subscription_type": kind}
            for kind in state.subscription_types
        ],
        "credit_balance": credit_balance(record),
        "prepaid_balance": {"balance_in_cents": record.prepaid_cents},
        "current_values": values,
        "current_display_values": {key: _display(value) for key, value in values.items()},
    }


def _current_values(record: ContactRecord, tier: dict[str, Any] | None) -> dict[str, Any]:
    """Attribute name → value: the blanks, what `update` set, then the system attributes,
    which `update` cannot change."""
    return {
        **_BLANK_ATTRIBUTES,
        **record.attributes,
        "uuid": record.uuid,
        "email": record.email,
        "status": "ACTIVE",
        "channel": record.channel,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "is_anonymous": record.anonymous,
        "tier": tier["name"] if tier else None,
        "loyalty_balance": record.credits,
        "prepaid_balance": record.prepaid_cents / 100,
        "loyalty_number_of_transactions": record.transaction_count,
        "loyalty_total_credits_received": record.credits_received,
    }


def _display(value: Any) -> str:
    """A value as `current_display_values` shows it: null as "", booleans capitalised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def credit_balance(record: ContactRecord) -> dict[str, Any]:
    return {"balance": record.credits, "id": record.credit_balance_id}


def prepaid_balance(record: ContactRecord) -> dict[str, Any]:
    return prepaid_balance_of(record.prepaid_cents)


def _contact_ref(record: ContactRecord) -> dict[str, Any]:
    """A contact as other objects embed it."""
    return {"uuid": record.uuid, "email": record.email, "credit_balance": credit_balance(record)}


def identifier(state: State, record: IdentifierRecord) -> dict[str, Any]:
    owner = state.contacts.get(record.contact_uuid) if record.contact_uuid else None
    return {
        "name": record.name,
        "value": record.value,
        "active": record.active,
        "default": record.default,
        "contact": _contact_ref(owner) if owner else None,
    }


def transaction(state: State, record: TransactionRecord) -> dict[str, Any]:
    """A credit or reward reception; custom attributes are top-level keys, as sent."""
    owner = state.contacts.get(record.contact_uuid)
    linked = state.identifiers.get(record.identifier_value) if record.identifier_value else None
    common = {
        "uuid": record.uuid,
        "type": record.type,
        "credits": record.credits,
        "created_at": record.created_at.isoformat(),
        "contact": _contact_ref(owner) if owner else None,
        "shop": state.shops[record.shop_uuid],
        "contact_identifier": identifier(state, linked) if linked else None,
    }
    return {**common, **_details(state, record), **record.extra}


def _details(state: State, record: TransactionRecord) -> dict[str, Any]:
    """Credit receptions carry their unit; reward receptions, their reward."""
    if record.reward_uuid is None:
        return {"unit_value": record.unit_value, "unit": state.unit(record.unit_name)}
    reward = state.rewards[record.reward_uuid]
    return {
        "title": reward["title"],
        "reward": reward,
        "expires_at": None,
        "has_been_collected": False,
    }


def prepaid_balance_of(cents: int) -> dict[str, Any]:
    return {"balance_in_cents": cents, "balance": f"€{cents / 100:.2f}"}


def prepaid_transaction(state: State, record: PrepaidRecord) -> dict[str, Any]:
    owner = state.contacts.get(record.contact_uuid)
    linked = state.identifiers.get(record.identifier_value) if record.identifier_value else None
    return {
        "uuid": record.uuid,
        "amount_in_cents": record.amount_in_cents,
        "prepaid_balance": prepaid_balance_of(record.balance_in_cents),
        "created_at": record.created_at.isoformat(),
        "shop": state.shops[record.shop_uuid],
        "contact_identifier": identifier(state, linked) if linked else None,
        "contact": _contact_ref(owner) if owner else None,
    }


def voucher_status(state: State, record: VoucherRecord) -> str:
    """The stored status, or EXPIRED / INACTIVE as the dates make it now."""
    if record.status != "ACTIVE":
        return record.status
    now = state.now()
    if record.expiration_date is not None and now >= record.expiration_date:
        return "EXPIRED"
    if record.activation_date is not None and now < record.activation_date:
        return "INACTIVE"
    return "ACTIVE"


def voucher(state: State, record: VoucherRecord) -> dict[str, Any]:
    promotion = state.promotions[record.promotion_uuid]
    owner = state.contacts.get(record.contact_uuid) if record.contact_uuid else None
    last = record.redemptions[-1][1].isoformat() if record.redemptions else None
    return {
        "uuid": record.uuid,
        "code": record.code,
        "status": voucher_status(state, record),
        "name": promotion["name"],
        "description": promotion["description"],
        "expiration_date": _iso(record.expiration_date),
        "activation_date": _iso(record.activation_date),
        "redeemed_at": last,
        "is_redeemed": record.status == "REDEEMED",
        "redemptions_remaining": record.total_redemptions_allowed - len(record.redemptions),
        "times_redeemed": len(record.redemptions),
        "total_redemptions_allowed": record.total_redemptions_allowed,
        "attributes": record.attributes,
        "contact": _contact_ref(owner) if owner else None,
        "promotion": promotion,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
