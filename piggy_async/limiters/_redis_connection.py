"""Reaching Redis for `RedisLimiter`: a client with short timeouts and no retries of its
own (a slow Redis must make the limiter fall back, not hold requests), what counts as Redis
failing, the limiter's own `window=` taken out of the URL, and the URL as logs and reprs
may show it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

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
    """The URL without its password, for logs and reprs: the userinfo's password (a lone
    userinfo too, as some write a password there) and any `password` query parameter,
    whatever the scheme (`redis://`, `rediss://`, `unix://`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable Redis URL>"
    netloc = parts.netloc
    credentials, at, host = netloc.rpartition("@")
    if at:
        user = credentials.partition(":")[0] if ":" in credentials else ""
        netloc = f"{user + ':***' if user else '***'}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        hidden = [(k, "***" if k.lower() == "password" else v) for k, v in pairs]
        query = urlencode(hidden, safe="*")
    return f"{parts.scheme}://{netloc}{parts.path}{'?' if query else ''}{query}"


def window_in(url: str) -> tuple[str, float | None]:
    """The URL without its `window=` query parameter (the limiter's, not Redis's), and the
    window's seconds it gave, if any."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    given = [value for name, value in pairs if name == "window"]
    if not given:
        return url, None
    try:
        window = float(given[-1])
    except ValueError:
        window = math.nan
    if not (math.isfinite(window) and window > 0) or len(given) > 1:
        raise ValueError(
            f"the Redis URL's window= must be one positive number of seconds, got {given!r}"
        )
    rest = urlencode([(name, value) for name, value in pairs if name != "window"])
    return parts._replace(query=rest).geturl(), window
