"""Orders and shifts, kept by the natural keys the API holds unique: an order's
`external_identifier` (unique per account) and a shift's `external_id`. A second create with
a key already taken is refused, as the API refuses it, and `find` answers the one stored.

The docs give no code for a taken order identifier nor for an unknown one: the fake answers
the API's validation error (1003) on the field, and its general "Model not found." (60013).
A taken shift id is 80531, whose other meaning is "Shift status not found."
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from piggy_async import ErrorCode
from piggy_async.models import Order, Shift

from .._call import Call, Handler
from .._replies import Failure, Reply, field_label, invalid_input
from .._state import State
from .._synthesis import example
from ._shared import contact_of

_ORDER_FIELDS = ("external_identifier", "reference", "status", "payment_status", "currency")
_ORDER_AMOUNTS = ("total_order_amount", "order_amount", "total_discount_amount")


def _new_order(state: State, call: Call) -> dict[str, Any]:
    key = call.args["external_identifier"]
    if key in state.orders:
        raise invalid_input(
            {"external_identifier": ["The external identifier has already been taken."]}
        )
    order: dict[str, Any] = copy.deepcopy(example(Order))
    order.update(
        {name: call.args[name] for name in _ORDER_FIELDS + _ORDER_AMOUNTS if name in call.args}
    )
    order["uuid"] = state.new_uuid()
    order["contact"] = {"uuid": state.contact(_uuid_of(call, "contact")).uuid}
    order["business_profile"] = state.shop(_uuid_of(call, "business_profile"))
    order["created_at"] = order["updated_at"] = state.now().isoformat()
    state.orders[key] = order
    return order


def _uuid_of(call: Call, name: str) -> str:
    """The `uuid` of the object the body names as `name` (`{"uuid": ...}`)."""
    uuid = call.args[name].get("uuid")
    if not isinstance(uuid, str):
        raise invalid_input({f"{name}.uuid": [f"The {field_label(name)} uuid field is required."]})
    return uuid


def create_order(state: State, call: Call) -> Reply:
    return Reply(_new_order(state, call))


def create_and_process_order(state: State, call: Call) -> Reply:
    order = _new_order(state, call)
    result = {"type": "POINTS_TRANSACTION", "data": {"points": 0, "new_balance": 0}}
    return Reply({"order": order, "result": result})


def find_order(state: State, call: Call) -> Reply:
    order = state.orders.get(call.args["external_identifier"])
    if order is None:
        raise Failure(ErrorCode.MODEL_NOT_FOUND)
    return Reply(order)


def get_order(state: State, call: Call) -> Reply:
    found = next((o for o in state.orders.values() if o["uuid"] == call.args["order_uuid"]), None)
    if found is None:
        raise Failure(ErrorCode.MODEL_NOT_FOUND)
    return Reply(found)


def create_shift(state: State, call: Call) -> Reply:
    key = call.args.get("external_id")
    if key is not None and key in state.shifts:
        raise Failure(
            ErrorCode.SHIFT_STATUS_NOT_FOUND, message="Shift with external id already exists."
        )
    shift: dict[str, Any] = copy.deepcopy(example(Shift))
    shift.update(
        uuid=state.new_uuid(),
        contact={"uuid": contact_of(state, call).uuid},
        external_id=key,
        created_at=state.now().isoformat(),
    )
    if "status" in call.args:
        shift["status"] = call.args["status"]
    if key is not None:
        state.shifts[key] = shift
    return Reply(shift)


def find_shift(state: State, call: Call) -> Reply:
    shift = state.shifts.get(call.args["external_id"])
    if shift is None:
        raise Failure(ErrorCode.SHIFT_NOT_FOUND)
    return Reply(shift)


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("orders", "create"): create_order,
    ("orders", "create_and_process"): create_and_process_order,
    ("orders", "find"): find_order,
    ("orders", "get"): get_order,
    ("shifts", "create"): create_shift,
    ("shifts", "find"): find_shift,
}
