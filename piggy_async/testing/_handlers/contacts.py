"""Contacts: create, find, update, claim, merge and delete; balances and tier."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call, Handler
from .._listing import by_creation, created_within, paginate
from .._replies import Failure, Reply, invalid_input
from .._state import ContactRecord, State
from ._batch import create_batch
from ._shared import announce_created, announce_updated, channel_of, email_of


def list_contacts(state: State, call: Call) -> Reply:
    contacts = created_within(state.contacts.values(), call.args)
    ordered = by_creation(contacts, call.args.get("sort", "created_at"), state.ties)
    return paginate(call, ordered, functools.partial(render.contact, state))


def create(state: State, call: Call) -> Reply:
    """`create` and `create_async`: the fake does the work at once either way."""
    contact = state.add_contact(email_of(call), channel=channel_of(call))
    announce_created(state, contact)
    return Reply({"uuid": contact.uuid})


def create_anonymous(state: State, call: Call) -> Reply:
    """An anonymous contact, linked to `contact_identifier_value` (created if new)."""
    value = call.args.get("contact_identifier_value")
    identifier = (
        None
        if value is None
        else state.identifiers.get(value) or state.add_identifier(value, name=None, contact=None)
    )
    if identifier is not None and identifier.contact_uuid is not None:
        raise Failure(ErrorCode.CONTACT_IDENTIFIER_ALREADY_LINKED)
    contact = state.add_contact(None, channel=channel_of(call))
    if identifier is not None:
        state.link(identifier, contact)
    announce_created(state, contact)
    return Reply({"uuid": contact.uuid})


def find_one_by(state: State, call: Call) -> Reply:
    contact = state.contact_by_email(call.args["email"])
    if contact is None:
        raise Failure(ErrorCode.CONTACT_NOT_FOUND)
    return Reply(render.contact(state, contact))


def find_or_create(state: State, call: Call) -> Reply:
    return Reply(render.contact(state, _found_or_created(state, call)))


def find_or_create_async(state: State, call: Call) -> Reply:
    return Reply({"uuid": _found_or_created(state, call).uuid})


def _found_or_created(state: State, call: Call) -> ContactRecord:
    email = email_of(call)
    found = state.contact_by_email(email)
    if found is not None:
        return found
    contact = state.add_contact(email, channel=channel_of(call))
    announce_created(state, contact)
    return contact


def get(state: State, call: Call) -> Reply:
    return Reply(render.contact(state, state.contact(call.args["contact_uuid"])))


def update(state: State, call: Call) -> Reply:
    contact = state.contact(call.args["contact_uuid"])
    if state.reject_unknown_attributes:
        unknown = [name for name in call.args["attributes"] if name not in state.contact_attributes]
        if unknown:
            raise invalid_input(
                {
                    f"attributes.{name}": [f"The attribute {name} does not exist."]
                    for name in unknown
                }
            )
    contact.attributes.update(call.args["attributes"])
    contact.updated_at = state.now()
    announce_updated(state, contact, call.args["attributes"])
    return Reply(render.contact(state, contact))


def delete(state: State, call: Call) -> Reply:
    state.remove_contact(state.contact(call.args["contact_uuid"]))
    return Reply(None, meta={})


def claim(state: State, call: Call) -> Reply:
    contact = state.contact(call.args["anonymous_contact_uuid"])
    if not contact.anonymous:
        raise Failure(ErrorCode.CONTACT_NOT_ANONYMOUS)
    email = email_of(call) if "email" in call.args else None
    return Reply(render.contact(state, state.claim(contact, email)))


def merge(state: State, call: Call) -> Reply:
    source = state.contact(call.args["source_contact_uuid"])
    destination = state.contact(call.args["destination_contact_uuid"])
    if source is destination:
        raise invalid_input(
            {
                "destination_contact_uuid": [
                    "The destination contact uuid field and source contact uuid must be different."
                ]
            }
        )
    state.merge(source, destination)
    return Reply([])


def get_credit_balance(state: State, call: Call) -> Reply:
    return Reply(render.credit_balance(state.contact(call.args["contact_uuid"])))


def get_prepaid_balance(state: State, call: Call) -> Reply:
    return Reply(render.prepaid_balance(state.contact(call.args["contact_uuid"])))


def get_tier(state: State, call: Call) -> Reply:
    return Reply(state.tier_of(state.contact(call.args["contact_uuid"])))


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("contacts", "list"): list_contacts,
    ("contacts", "create"): create,
    ("contacts", "create_async"): create,
    ("contacts", "create_batch"): create_batch,
    ("contacts", "create_anonymous"): create_anonymous,
    ("contacts", "find_one_by"): find_one_by,
    ("contacts", "find_or_create"): find_or_create,
    ("contacts", "find_or_create_async"): find_or_create_async,
    ("contacts", "get"): get,
    ("contacts", "update"): update,
    ("contacts", "delete"): delete,
    ("contacts", "claim"): claim,
    ("contacts", "merge"): merge,
    ("contacts", "get_credit_balance"): get_credit_balance,
    ("contacts", "get_prepaid_balance"): get_prepaid_balance,
    ("contacts", "get_tier"): get_tier,
}
