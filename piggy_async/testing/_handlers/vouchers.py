"""Vouchers and the promotions they are issued from: created, listed, found, updated and
redeemed, with the documented errors (80005 for a second redemption, 80006 when expired,
...). Locks, batches, validation and reversal are answered from their examples."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call, Handler
from .._listing import by_creation, paginate
from .._replies import Failure, Reply, invalid_input
from .._seed import promotion_json
from .._state import State, VoucherRecord
from ._shared import shop_of

_REFUSALS = {
    "REDEEMED": ErrorCode.VOUCHER_ALREADY_REDEEMED,
    "DEACTIVATED": ErrorCode.VOUCHER_DEACTIVATED,
    "EXPIRED": ErrorCode.VOUCHER_EXPIRED,
    "INACTIVE": ErrorCode.VOUCHER_INACTIVE,
}
"""Why a voucher in each status cannot be redeemed."""


def _promotion(state: State, uuid: str) -> dict[str, Any]:
    try:
        return state.promotions[uuid]
    except KeyError:
        raise Failure(ErrorCode.PROMOTION_NOT_FOUND) from None


def _by_code(state: State, code: str) -> VoucherRecord:
    found = next((v for v in state.vouchers.values() if v.code == code), None)
    if found is None:
        raise Failure(ErrorCode.VOUCHER_NOT_FOUND)
    return found


def _announce(state: State, event_type: str, data: dict[str, Any]) -> Reply:
    state.webhooks.emit(event_type, lambda: {"voucher": data})
    return Reply(data)


def create_promotion(state: State, call: Call) -> Reply:
    promotion = promotion_json(state.new_uuid(), call.args["name"], call.args["description"])
    for name in ("voucher_limit", "limit_per_contact", "expiration_duration"):
        if name in call.args:
            promotion[name] = call.args[name]
    state.promotions[promotion["uuid"]] = promotion
    return Reply(promotion)


def list_promotions(state: State, call: Call) -> Reply:
    return Reply(list(state.promotions.values()))


def get_promotion(state: State, call: Call) -> Reply:
    return Reply(_promotion(state, call.args["promotion_uuid"]))


def create(state: State, call: Call) -> Reply:
    promotion = _promotion(state, call.args["promotion_uuid"])
    contact_uuid = call.args.get("contact_uuid")
    if contact_uuid is not None:
        state.contact(contact_uuid)
    code = call.args.get("code") or state.new_uuid()[:8].upper()
    if any(voucher.code == code for voucher in state.vouchers.values()):
        raise Failure(ErrorCode.VOUCHER_ALREADY_EXISTS)
    issued = sum(v.promotion_uuid == promotion["uuid"] for v in state.vouchers.values())
    if promotion["voucher_limit"] is not None and issued >= promotion["voucher_limit"]:
        raise Failure(ErrorCode.VOUCHER_LIMIT_REACHED)
    voucher = VoucherRecord(
        uuid=state.new_uuid(),
        code=code,
        promotion_uuid=promotion["uuid"],
        status="ACTIVE",
        created_at=state.now(),
        contact_uuid=contact_uuid,
        expiration_date=call.args.get("expiration_date"),
        activation_date=call.args.get("activation_date"),
        total_redemptions_allowed=call.args.get("total_redemptions_allowed", 1),
        attributes=dict(call.args.get("custom_attributes", {})),
    )
    state.vouchers[voucher.uuid] = voucher
    return _announce(state, "voucher_created", render.voucher(state, voucher))


def list_vouchers(state: State, call: Call) -> Reply:
    """Oldest first, narrowed by promotion, contact and status (as the dates make it)."""
    if "promotion_uuid" in call.args:
        _promotion(state, call.args["promotion_uuid"])
    if "contact_uuid" in call.args:
        state.contact(call.args["contact_uuid"])
    matching = [
        voucher
        for voucher in state.vouchers.values()
        if call.args.get("promotion_uuid", voucher.promotion_uuid) == voucher.promotion_uuid
        and call.args.get("contact_uuid", voucher.contact_uuid) == voucher.contact_uuid
        and call.args.get("status", render.voucher_status(state, voucher))
        == render.voucher_status(state, voucher)
    ]
    return paginate(
        call,
        by_creation(matching, "created_at", state.ties),
        functools.partial(render.voucher, state),
    )


def find(state: State, call: Call) -> Reply:
    return Reply(render.voucher(state, _by_code(state, call.args["code"])))


def update(state: State, call: Call) -> Reply:
    voucher = state.vouchers.get(call.args["voucher_uuid"])
    if voucher is None:
        raise Failure(ErrorCode.VOUCHER_NOT_FOUND)
    if voucher.status == "REDEEMED":
        raise Failure(ErrorCode.VOUCHER_ALREADY_REDEEMED)
    voucher.status = call.args["status"]
    if "expiration_date" in call.args:
        voucher.expiration_date = call.args["expiration_date"]
    voucher.attributes.update(call.args.get("custom_attributes", {}))
    return _announce(state, "voucher_updated", render.voucher(state, voucher))


def delete(state: State, voucher_uuid: str) -> None:
    """Remove a voucher as the dashboard does (the API has no call for it), announcing
    `voucher_deleted` with the voucher as it was."""
    voucher = state.vouchers.get(voucher_uuid)
    if voucher is None:
        raise KeyError(f"no voucher {voucher_uuid!r}")
    data = render.voucher(state, voucher)
    del state.vouchers[voucher_uuid]
    state.webhooks.emit("voucher_deleted", lambda: {"voucher": data})


def redeem(state: State, call: Call) -> Reply:
    """Once per allowed redemption; after the last the voucher is REDEEMED and a further
    redemption fails with 80005."""
    voucher = _by_code(state, call.args["code"])
    refusal = _REFUSALS.get(render.voucher_status(state, voucher))
    if refusal is not None:
        raise Failure(refusal)
    shop_of(state, call)
    contact_uuid = call.args.get("contact_uuid")
    if contact_uuid is not None:
        state.contact(contact_uuid)
    if voucher.contact_uuid is None and contact_uuid is None:
        raise invalid_input(
            {"contact_uuid": ["The contact uuid field is required for a voucher without contact."]}
        )
    if voucher.contact_uuid is not None and contact_uuid not in (None, voucher.contact_uuid):
        raise invalid_input({"contact_uuid": ["The voucher belongs to another contact."]})
    now = state.now()
    voucher.redemptions.append((state.new_uuid(), now))
    if len(voucher.redemptions) >= voucher.total_redemptions_allowed:
        voucher.status = "REDEEMED"
    redemption_uuid, _ = voucher.redemptions[-1]
    data = render.voucher(state, voucher)
    data["voucher_redemption"] = {"uuid": redemption_uuid, "created_at": now.isoformat()}
    return _announce(state, "voucher_redeemed", data)


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("promotions", "create"): create_promotion,
    ("promotions", "list"): list_promotions,
    ("promotions", "get"): get_promotion,
    ("vouchers", "create"): create,
    ("vouchers", "list"): list_vouchers,
    ("vouchers", "find"): find,
    ("vouchers", "update"): update,
    ("vouchers", "redeem"): redeem,
}
