"""Prepaid transactions: top-ups and spending move the contact's prepaid balance."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call, Handler
from .._listing import by_creation, paginate
from .._replies import Failure, Reply, invalid_input
from .._state import PrepaidRecord, State
from ._shared import contact_of, shop_of


def create(state: State, call: Call) -> Reply:
    """A positive amount tops up, a negative one spends. Spending more than the balance is
    refused as invalid input: the docs name no error code for it."""
    shop = shop_of(state, call)
    contact = contact_of(state, call)
    amount: int = call.args["amount_in_cents"]
    if contact.prepaid_cents + amount < 0:
        raise invalid_input({"amount_in_cents": ["The prepaid balance is insufficient."]})
    return Reply(
        _record(
            state, contact.uuid, shop["uuid"], amount, call.args.get("contact_identifier_value")
        )
    )


def reverse(state: State, call: Call) -> Reply:
    """A transaction of the opposite amount, for the same contact and shop."""
    original = state.prepaid_transactions.get(call.args["prepaid_transaction_uuid"])
    if original is None:  # the docs name no code of its own for this
        raise Failure(ErrorCode.INVALID_INPUT, message="Prepaid transaction not found.")
    contact = state.contact(original.contact_uuid)
    return Reply(_record(state, contact.uuid, original.shop_uuid, -original.amount_in_cents, None))


def _record(
    state: State,
    contact_uuid: str,
    shop_uuid: str,
    amount: int,
    identifier_value: str | None,
) -> dict[str, object]:
    """Apply the amount, keep the transaction and announce it to webhook subscribers."""
    contact = state.contact(contact_uuid)
    contact.prepaid_cents += amount
    record = PrepaidRecord(
        uuid=state.new_uuid(),
        amount_in_cents=amount,
        balance_in_cents=contact.prepaid_cents,
        created_at=state.now(),
        contact_uuid=contact.uuid,
        shop_uuid=shop_uuid,
        identifier_value=identifier_value,
    )
    state.prepaid_transactions[record.uuid] = record
    data = render.prepaid_transaction(state, record)
    state.webhooks.emit("prepaid_transaction_created", lambda: {"prepaid_transaction": data})
    return data


def list_transactions(state: State, call: Call) -> Reply:
    """Newest first, narrowed by contact and shop."""
    if "shop_uuid" in call.args:
        state.shop(call.args["shop_uuid"])
    if "contact_uuid" in call.args:
        state.contact(call.args["contact_uuid"])
    matching = [
        record
        for record in state.prepaid_transactions.values()
        if all(
            getattr(record, name) == call.args[name]
            for name in ("contact_uuid", "shop_uuid")
            if name in call.args
        )
    ]
    return paginate(
        call,
        by_creation(matching, "-created_at", state.ties),
        functools.partial(render.prepaid_transaction, state),
    )


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("prepaid_transactions", "create"): create,
    ("prepaid_transactions", "reverse"): reverse,
    ("prepaid_transactions", "list"): list_transactions,
}
