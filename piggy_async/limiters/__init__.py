"""Rate limiters: how a client paces its requests within the API's budget.

    OAuthClient(api_key=..., limiter=AdaptiveLimiter())     # the default
    OAuthClient(api_key=..., limiter=FixedRateLimiter(50))  # at most 50 requests/s
    OAuthClient(api_key=..., limiter=NoLimiter())           # send at once, learn nothing
    OAuthClient(api_key=..., limiter=RedisLimiter("redis://localhost:6379/0"))
                                    # one budget shared by every process, through Redis

Without `limiter=`, a client makes `default_limiter()`: a `RedisLimiter` on the URL in
`PIGGY_LIMITER_URL` when that is set, else an `AdaptiveLimiter`.

Every limiter implements `Limiter`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._adaptive import AdaptiveLimiter
from ._base import Limiter, RateLimitState, WaitTooLong
from ._default import default_limiter
from ._simple import FixedRateLimiter, NoLimiter

if TYPE_CHECKING:
    from ._redis import RedisLimiter

__all__ = [
    "AdaptiveLimiter",
    "FixedRateLimiter",
    "Limiter",
    "NoLimiter",
    "RateLimitState",
    "RedisLimiter",
    "WaitTooLong",
    "default_limiter",
]


def __getattr__(name: str) -> Any:
    """`RedisLimiter` is imported on first use: most programs never need it."""
    if name == "RedisLimiter":
        from ._redis import RedisLimiter

        return RedisLimiter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
