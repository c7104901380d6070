"""Rate limiters: how a client paces its requests within the API's budget.

Pass one as `OAuthClient(..., limiter=...)`. Every limiter implements `Limiter`.
"""

from __future__ import annotations

from ._base import Limiter, RateLimitState, WaitTooLong
from ._redis import RedisLimiter

__all__ = ["Limiter", "RateLimitState", "RedisLimiter", "WaitTooLong"]
