"""Reaching Redis for `RedisLimiter`: a client with short timeouts and no retries of its
own (a slow Redis must make the limiter fall back, not hold requests), what counts as Redis
failing, and the URL as logs and reprs may show it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import Redis


def connect(url: str, timeout: float) -> Redis:
    try:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
    except ImportError as error:
        raise ImportError(
            "RedisLimiter needs the redis package: pip install 'piggy_async[redis]'"
        ) from error
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def is_redis_failure(error: BaseException) -> bool:
    from redis.exceptions import RedisError

    return isinstance(error, RedisError | OSError | TimeoutError)


def redacted(url: str) -> str:
    """The URL without its password, for logs and reprs."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}://{user + ':***' if user else '***'}@{host}"
