"""Rewards: the seeded catalogue, listed, read and updated (announced to `reward_updated`
webhook subscribers)."""

from __future__ import annotations

from collections.abc import Mapping

from .._call import Call, Handler
from .._replies import Reply
from .._state import State

_UPDATABLE = ("title", "description", "required_credits")
_IDENTITY = frozenset({"id", "uuid"})


def list_rewards(state: State, call: Call) -> Reply:
    """Every reward; the filters are checked to exist (1008, 55031) but narrow nothing."""
    if "shop_uuid" in call.args:
        state.shop(call.args["shop_uuid"])
    if "contact_uuid" in call.args:
        state.contact(call.args["contact_uuid"])
    return Reply(list(state.rewards.values()))


def get(state: State, call: Call) -> Reply:
    return Reply(state.reward(call.args["reward_uuid"]))


def update(state: State, call: Call) -> Reply:
    """The documented fields, and custom attributes (other body keys) as top-level keys."""
    reward = state.reward(call.args["reward_uuid"])
    reward.update({name: call.args[name] for name in _UPDATABLE if name in call.args})
    reward.update({key: value for key, value in call.extra.items() if key not in _IDENTITY})
    state.webhooks.emit("reward_updated", lambda: {"reward": reward})
    return Reply(reward)


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("rewards", "list"): list_rewards,
    ("rewards", "get"): get,
    ("rewards", "update"): update,
}
