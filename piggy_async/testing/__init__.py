"""`piggy_async.testing`: a local, stateful fake of the Piggy API for tests, demos and
benchmarks, over real HTTP on loopback.

With pytest, the SDK's plugin (`piggy_async.pytest_plugin`, installed with it) provides the
fixtures: `piggy_server` (a `FakePiggy`), `piggy` and `pos` (clients on it):

    async def test_signup_gives_welcome_credits(piggy, piggy_server):
        await my_app.sign_up(piggy, "sandy@bikinibottom.sea")
        contact = await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")
        assert piggy_server.state.contacts[contact.uuid].credits == 50

Time: give `FakePiggy` and the client one `VirtualClock` and rate-limit windows, token
lifetimes, backoff and attempt deadlines pass without waiting (`clock.advance(60)`).

Standalone: `python -m piggy_async.testing serve --port 8080` prints the URL and keys.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._virtual_clock import VirtualClock
from ._clock import ManualClock
from ._faults import Faults
from ._rate_limit import RateLimit
from ._redis_server import RedisServer
from ._sample import Sample, write_sample_csv
from ._seed import SeedData, SeedReward, SeedTier
from ._server import FakePiggy
from ._state import (
    ContactRecord,
    IdentifierRecord,
    PrepaidRecord,
    RequestRecord,
    State,
    TransactionRecord,
    VoucherRecord,
)
from ._webhooks import RETRY_DELAYS, DeliveryAttempt, SubscriptionRecord, Webhooks

__all__ = [
    "RETRY_DELAYS",
    "ContactRecord",
    "DeliveryAttempt",
    "FakePiggy",
    "Faults",
    "IdentifierRecord",
    "ManualClock",
    "PrepaidRecord",
    "RateLimit",
    "RedisServer",
    "RequestRecord",
    "Sample",
    "SeedData",
    "SeedReward",
    "SeedTier",
    "State",
    "SubscriptionRecord",
    "TransactionRecord",
    "VirtualClock",
    "VoucherRecord",
    "Webhooks",
    "write_sample_csv",
]


def __getattr__(name: str) -> Any:
    """`Clock`, once the fake's own type of clock, is `piggy_async.Clock` now."""
    if name == "Clock":
        warnings.warn(
            "piggy_async.testing.Clock is deprecated: FakePiggy takes a piggy_async.Clock",
            DeprecationWarning,
            stacklevel=2,
        )
        from .._clock import Clock

        return Clock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
