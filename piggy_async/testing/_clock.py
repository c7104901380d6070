"""The fake's notion of time: the wall time of the `Clock` it is given.

Rate-limit windows, token expiry and `created_at` stamps all read it, so a test that gives
`FakePiggy` the client's `VirtualClock` moves both with one `clock.advance(...)`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from .._clock import Clock as _ClockProtocol
from .._virtual_clock import VirtualClock

Clock = Callable[[], float]
"""How the fake's parts read the time: seconds since the epoch, like `time.time`."""


def wall_time(clock: _ClockProtocol | Clock) -> Clock:
    """The wall time of `clock`; a plain function returning epoch seconds still works."""
    if isinstance(clock, _ClockProtocol):
        return clock.wall
    warnings.warn(
        "FakePiggy(clock=...) takes a piggy_async.Clock now: pass piggy_async.VirtualClock() "
        "(or nothing, for the system's time) instead of a function",
        DeprecationWarning,
        stacklevel=3,
    )
    return clock


class ManualClock(VirtualClock):
    """Deprecated: `piggy_async.VirtualClock` is the one fake clock, for the client and for
    `FakePiggy`. A `ManualClock(start)` is a `VirtualClock` whose wall time starts at
    `start`, and calling it reads that wall time."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        warnings.warn(
            "ManualClock is deprecated: use piggy_async.VirtualClock (its wall() is what "
            "calling a ManualClock returned, and it moves with advance() the same way)",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(wall_start=start)

    def __call__(self) -> float:
        return self.wall()
