"""What several handlers need: the acting shop, the contact a call names, its channel."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call
from .._replies import Failure, invalid_input
from .._state import ContactRecord, State

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def shop_of(state: State, call: Call) -> dict[str, Any]:
    """The call's `shop_uuid`; on the Register API, where it is optional, the register
    key's shop when it is left out."""
    if call.on_register and "shop_uuid" not in call.args:
        return state.shops[state.default_shop_uuid]
    return state.shop(call.args["shop_uuid"])


def contact_of(state: State, call: Call) -> ContactRecord:
    """The contact the call names by `contact_uuid` or else by `contact_identifier_value`."""
    if "contact_uuid" in call.args:
        return state.contact(call.args["contact_uuid"])
    if "contact_identifier_value" not in call.args:
        raise invalid_input(
            {
                "contact_uuid": [
                    "The contact uuid field is required when contact identifier value is not"
                    " present."
                ]
            }
        )
    identifier = state.identifier(call.args["contact_identifier_value"])
    if identifier.contact_uuid is None:
        raise Failure(ErrorCode.CONTACT_IDENTIFIER_NOT_LINKED)
    return state.contact(identifier.contact_uuid)


def channel_of(call: Call) -> str:
    """The `channel` a contact created by this call gets."""
    return "REGISTER_API" if call.on_register else "OAUTH_API"


def is_email(text: str) -> bool:
    """Laravel's `email` rule, loosely."""
    return _EMAIL.fullmatch(text) is not None


def email_of(call: Call) -> str:
    """The call's `email`, if it is an email address (Laravel's `email` rule, loosely)."""
    email: str = call.args["email"]
    if not is_email(email):
        raise invalid_input({"email": ["The email field must be a valid email address."]})
    return email


def announce_created(state: State, contact: ContactRecord) -> None:
    """Tell `contact_created` webhook subscribers."""
    state.webhooks.emit("contact_created", lambda: {"contact": render.contact(state, contact)})


def announce_updated(state: State, contact: ContactRecord, changed: Collection[str]) -> None:
    """Tell the `contact_updated` subscribers that watch one of the `changed` attributes."""
    state.webhooks.emit(
        "contact_updated", lambda: {"contact": render.contact(state, contact)}, changed=changed
    )
