"""Loyalty tokens: a created token is a genuine claim URL on the fake's portal, signed with
the account secret, so `piggy_async.verify_claim_url` accepts it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import urlencode

from piggy_async import ErrorCode, build_claim_url

from .._call import Call, Handler
from .._replies import Failure, Reply, invalid_input
from .._state import State

PORTAL_URL: Final = "https://loyalty.fake-piggy.example"
"""The contacts portal the fake's claim URLs point at."""
_V3_NEEDS: Final = ("shop_uuid", "unit_value")
"""What a v3 token cannot do without (the OpenAPI file marks them required)."""


def create(state: State, call: Call) -> Reply:
    """A v3 token needs a known shop and a unit value; v1 needs `credits` (60018), v2 a
    unit (60019), as the API's error list says. Only v3 URLs are signed."""
    version = call.args["version"]
    if version == "v1" and "credits" not in call.args:
        raise Failure(ErrorCode.LOYALTY_TOKEN_CREDITS_REQUIRED)
    if version == "v2" and not {"unit_name", "unit_value"} <= call.args.keys():
        raise Failure(ErrorCode.LOYALTY_TOKEN_UNITS_REQUIRED)
    if version != "v3":  # only the v3 recipe is signed here: the older ones come unsigned
        return Reply(f"{PORTAL_URL}/l?{urlencode(dict(call.args))}")
    missing = [name for name in _V3_NEEDS if name not in call.args]
    if missing:
        raise invalid_input({name: [f"The {name} field is required."] for name in missing})
    state.shop(call.args["shop_uuid"])
    url = build_claim_url(
        PORTAL_URL,
        shop_uuid=call.args["shop_uuid"],
        unique_id=call.args["unique_id"],
        unit_value=call.args["unit_value"],
        unit_name=call.args.get("unit_name") or state.default_unit["name"],
        secret=state.account_secret,
        timestamp=int(state.now().timestamp()),
    )
    return Reply(url)


HANDLERS: Mapping[tuple[str, str], Handler] = {("loyalty_tokens", "create"): create}
