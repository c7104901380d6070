"""Giftcards, which the fake keeps no state for: a Register create must still name its
program, by UUID or by numeric id, before it is answered with the documented example."""

from __future__ import annotations

from collections.abc import Mapping

from .._call import Call, Handler
from .._replies import Reply, invalid_input
from .._state import State
from .._synthesis import example


def create(state: State, call: Call) -> Reply:
    if not {"giftcard_program_uuid", "giftcard_program_id"} & call.args.keys():
        raise invalid_input(
            {"giftcard_program_uuid": ["The giftcard program uuid field is required."]}
        )
    return Reply(example(call.operation.data_type))


HANDLERS: Mapping[tuple[str, str], Handler] = {("giftcards", "create"): create}
