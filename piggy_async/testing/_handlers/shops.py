"""Shops: the seeded shops, listed and read (a shop the account lacks is 1008)."""

from __future__ import annotations

from collections.abc import Mapping

from .._call import Call, Handler
from .._replies import Reply
from .._state import State


def list_shops(state: State, call: Call) -> Reply:
    return Reply(list(state.shops.values()))


def get(state: State, call: Call) -> Reply:
    return Reply(state.shop(call.args["shop_uuid"]))


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("shops", "list"): list_shops,
    ("shops", "get"): get,
}
