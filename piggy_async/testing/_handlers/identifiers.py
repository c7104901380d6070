"""Contact identifiers: cards and codes that find a contact, linked and unlinked."""

from __future__ import annotations

from collections.abc import Mapping

from piggy_async import ErrorCode

from .. import _render as render
from .._call import Call, Handler
from .._replies import Failure, Reply
from .._state import IdentifierRecord, State


def _active(state: State, call: Call) -> IdentifierRecord:
    identifier = state.identifier(call.args["contact_identifier_value"])
    if not identifier.active:
        raise Failure(ErrorCode.CONTACT_IDENTIFIER_INACTIVE)
    return identifier


def find(state: State, call: Call) -> Reply:
    return Reply(render.identifier(state, _active(state, call)))


def create(state: State, call: Call) -> Reply:
    contact = state.contact(call.args["contact_uuid"]) if "contact_uuid" in call.args else None
    identifier = state.add_identifier(
        call.args["contact_identifier_value"],
        name=call.args.get("contact_identifier_name"),
        contact=contact,
    )
    data = render.identifier(state, identifier)
    state.webhooks.emit("contact_identifier_created", lambda: {"contact_identifier": data})
    return Reply(data)


def link(state: State, call: Call) -> Reply:
    identifier = _active(state, call)
    contact = state.contact(call.args["contact_uuid"])
    if identifier.contact_uuid is not None:
        raise Failure(ErrorCode.CONTACT_IDENTIFIER_ALREADY_LINKED)
    state.link(identifier, contact)
    return Reply(render.identifier(state, identifier))


def unlink(state: State, call: Call) -> Reply:
    identifier = _active(state, call)
    state.unlink(identifier)
    return Reply(render.identifier(state, identifier))


def update(state: State, call: Call) -> Reply:
    identifier = state.identifier(call.args["contact_identifier_value"])
    identifier.name = call.args.get("contact_identifier_name", identifier.name)
    identifier.active = call.args.get("contact_identifier_active", identifier.active)
    return Reply(render.identifier(state, identifier))


def delete(state: State, call: Call) -> Reply:
    identifier = state.identifier(call.args["contact_identifier_value"])
    del state.identifiers[identifier.value]
    return Reply(None)


def list_for_contact(state: State, call: Call) -> Reply:
    contact = state.contact(call.args["contact_uuid"])
    return Reply([render.identifier(state, each) for each in state.identifiers_of(contact)])


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("contact_identifiers", "find"): find,
    ("contact_identifiers", "create"): create,
    ("contact_identifiers", "link"): link,
    ("contact_identifiers", "unlink"): unlink,
    ("contact_identifiers", "update"): update,
    ("contact_identifiers", "delete"): delete,
    ("contacts", "list_contact_identifiers"): list_for_contact,
}
