"""`default_limiter`: the limiter a client makes for itself when given none."""

from __future__ import annotations

import os

from .. import _defaults
from .._clock import Clock
from ._adaptive import AdaptiveLimiter
from ._base import Limiter


def default_limiter(clock: Clock) -> Limiter:
    """`RedisLimiter(PIGGY_LIMITER_URL)` when that is set, so that every process of a
    deployment shares its budget without a change to its code; else an `AdaptiveLimiter`."""
    url = os.environ.get(_defaults.LIMITER_URL_ENV)
    if url:
        from ._redis import RedisLimiter  # only then: most programs never import it

        return RedisLimiter(url, clock=clock)
    return AdaptiveLimiter(clock=clock)
