"""Exponential backoff with full jitter.

Attempt n waits a uniformly random time in [0, min(cap, base * 2**n)]: the expected wait
grows exponentially, and coroutines that failed together do not retry together (the
"thundering herd" a fixed or equal-jitter delay creates).
"""

from __future__ import annotations

import random
from collections.abc import Callable


def full_jitter(
    attempt: int, *, base: float, cap: float, random: Callable[[], float] = random.random
) -> float:
    """The wait before retry number `attempt` (0 for the first retry)."""
    ceiling: float = min(cap, base * 2.0 ** min(attempt, 32))
    return ceiling * random()
