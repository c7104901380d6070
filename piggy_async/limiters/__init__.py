"""Rate limiters: how a client paces its requests within the API's budget.

    OAuthClient(api_key=..., limiter=AdaptiveLimiter())     # the default
    OAuthClient(api_key=..., limiter=FixedRateLimiter(50))  # at most 50 requests/s
    OAuthClient(api_key=..., limiter=NoLimiter())           # send at once, learn nothing

Every limiter implements `Limiter`, so one shared by several processes can be plugged in.
"""

from __future__ import annotations

from ._adaptive import AdaptiveLimiter
from ._base import Limiter, RateLimitState, WaitTooLong
from ._simple import FixedRateLimiter, NoLimiter

__all__ = [
    "AdaptiveLimiter",
    "FixedRateLimiter",
    "Limiter",
    "NoLimiter",
    "RateLimitState",
    "WaitTooLong",
]
