"""Loyalty: credit receptions raise a balance, reward receptions spend it, and both are
listed as loyalty transactions."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import attrs

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call, Handler
from .._listing import by_creation, created_within, paginate
from .._replies import Failure, Reply, invalid_input
from .._state import State, TransactionRecord
from ._shared import contact_of, shop_of

_TYPE_FILTERS = {"credit_receptions": "credit_reception", "reward_receptions": "reward_reception"}
"""The `type` filter's plural values → the transactions' singular `type`."""


def create_credit_reception(state: State, call: Call) -> Reply:
    """Credits given directly or earned by a unit value; custom attributes (other body keys)
    are kept on the transaction."""
    pos_transaction = call.args.get("pos_transaction_uuid")
    if pos_transaction in state.pos_links:  # one credit reception per POS transaction
        raise Failure(ErrorCode.POS_TRANSACTION_ALREADY_LINKED)
    credits = _credits(state, call.args)
    shop = shop_of(state, call)
    contact = contact_of(state, call)
    unit = state.unit(call.args.get("unit_name"))
    transaction = state.add_transaction(
        TransactionRecord(
            uuid=state.new_uuid(),
            type="credit_reception",
            credits=credits,
            created_at=state.now(),
            contact_uuid=contact.uuid,
            shop_uuid=shop["uuid"],
            unit_name=unit["name"],
            unit_value=call.args.get("unit_value"),
            identifier_value=call.args.get("contact_identifier_value"),
            extra=dict(call.extra),
        )
    )
    if pos_transaction is not None:
        state.pos_links[pos_transaction] = transaction.uuid
    return _credit_reception_created(state, transaction)


def _credit_reception_created(state: State, transaction: TransactionRecord) -> Reply:
    """The reception, also announced to `credit_reception_created` webhook subscribers."""
    data = render.transaction(state, transaction)
    state.webhooks.emit("credit_reception_created", lambda: {"credit_reception": data})
    return Reply(data)


def _credits(state: State, args: Mapping[str, Any]) -> int:
    if "credits" in args:
        credits: int = args["credits"]
        return credits
    if "unit_value" in args:
        unit_value: float = args["unit_value"]
        return math.floor(unit_value * state.credits_per_unit)
    raise invalid_input(
        {"credits": ["The credits field is required when unit value is not present."]}
    )


def reverse_credit_reception(state: State, call: Call) -> Reply:
    """A mirror credit reception with negated credits."""
    original = state.transactions.get(call.args["credit_reception_uuid"])
    if original is None or original.type != "credit_reception":
        raise Failure(ErrorCode.CREDIT_RECEPTION_NOT_FOUND)
    mirror = attrs.evolve(
        original, uuid=state.new_uuid(), credits=-original.credits, created_at=state.now()
    )
    return _credit_reception_created(state, state.add_transaction(mirror))


def calculate_credits(state: State, call: Call) -> Reply:
    shop_of(state, call)
    if "contact_uuid" in call.args:
        state.contact(call.args["contact_uuid"])
    state.unit(call.args.get("unit_name"))
    return Reply({"credits": _credits(state, call.args)})


def create_reward_reception(state: State, call: Call) -> Reply:
    """Spend the reward's required credits; 1017 if the balance does not cover them."""
    shop = shop_of(state, call)
    contact = contact_of(state, call)
    reward = state.reward(call.args["reward_uuid"])
    if contact.credits < reward["required_credits"]:
        raise Failure(ErrorCode.INSUFFICIENT_CREDITS)
    transaction = state.add_transaction(
        TransactionRecord(
            uuid=state.new_uuid(),
            type="reward_reception",
            credits=-reward["required_credits"],
            created_at=state.now(),
            contact_uuid=contact.uuid,
            shop_uuid=shop["uuid"],
            identifier_value=call.args.get("contact_identifier_value"),
            reward_uuid=reward["uuid"],
        )
    )
    return Reply(render.transaction(state, transaction))


def list_transactions(state: State, call: Call) -> Reply:
    """The OAuth API's list, over every contact unless `contact_uuid` narrows it."""
    return _transactions(state, call, call.args.get("contact_uuid"))


def list_contact_transactions(state: State, call: Call) -> Reply:
    """The Register API's list, of the contact in the path."""
    return _transactions(state, call, call.args["contact_uuid"])


def _transactions(state: State, call: Call, contact_uuid: str | None) -> Reply:
    """Filtered by `type`, `shop_uuid`, the contact and `created_at[...]`; newest first
    unless `sort` says otherwise, as the docs' example is."""
    shop_uuid = call.args.get("shop_uuid")
    if shop_uuid is not None:
        state.shop(shop_uuid)
    if contact_uuid is not None:
        state.contact(contact_uuid)
    criteria = {
        name: value
        for name, value in (
            ("type", _TYPE_FILTERS.get(call.args.get("type", ""))),
            ("shop_uuid", shop_uuid),
            ("contact_uuid", contact_uuid),
        )
        if value is not None
    }
    matching = [
        transaction
        for transaction in created_within(state.transactions.values(), call.args)
        if all(getattr(transaction, name) == value for name, value in criteria.items())
    ]
    return paginate(
        call,
        by_creation(matching, call.args.get("sort", "-created_at"), state.ties),
        functools.partial(render.transaction, state),
    )


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("credit_receptions", "create"): create_credit_reception,
    ("credit_receptions", "reverse"): reverse_credit_reception,
    ("credit_receptions", "calculate"): calculate_credits,
    ("reward_receptions", "create"): create_reward_reception,
    ("loyalty_transactions", "list"): list_transactions,
    ("contacts", "list_loyalty_transactions"): list_contact_transactions,
}
