"""Contact attributes: the account's list (system ones, then custom), and creating one."""

from __future__ import annotations

from collections.abc import Mapping

from piggy_async import ErrorCode

from .._call import Call, Handler
from .._replies import Failure, Reply
from .._seed import contact_attribute_json
from .._state import State


def list_attributes(state: State, call: Call) -> Reply:
    return Reply(list(state.contact_attributes.values()))


def create(state: State, call: Call) -> Reply:
    name = call.args["name"]
    if name in state.contact_attributes:
        raise Failure(ErrorCode.ATTRIBUTE_ALREADY_EXISTS)
    attribute = contact_attribute_json(
        state.new_id(), name, label=call.args["label"], type=call.args["data_type"]
    )
    state.contact_attributes[name] = attribute
    return Reply(attribute)


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("contact_attributes", "list"): list_attributes,
    ("contact_attributes", "create"): create,
}
