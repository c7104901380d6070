"""Reaching Redis for `RedisLimiter`: a client with short timeouts and no retries of its
own (a slow Redis must make the limiter fall back, not hold requests), what counts as Redis
failing, the limiter's own `window=` and `timeout=` taken out of the URL, and the URL as
logs and reprs may show it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from .. import _defaults

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


_OWN = {"window": _defaults.REDIS_WINDOW, "timeout": _defaults.REDIS_TIMEOUT}
"""The limiter's own options a URL may carry, and their defaults (seconds)."""


def own_options(url: str, given: Mapping[str, float | None]) -> tuple[str, dict[str, float]]:
    """The URL without the limiter's own query parameters (`window=` and `timeout=`, in
    seconds: not Redis's), and each option's seconds: the argument `given` or the URL's
    (the two must agree), else the default."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    chosen: dict[str, float] = {}
    for name, default in _OWN.items():
        in_url, argument = _seconds(name, [v for k, v in pairs if k == name]), given.get(name)
        if argument is not None and in_url is not None and argument != in_url:
            raise ValueError(f"{name}={argument:g} and the URL's {name}={in_url:g} disagree")
        chosen[name] = next(v for v in (argument, in_url, default) if v is not None)
    if not any(name in _OWN for name, _ in pairs):
        return url, chosen
    rest = urlencode([(name, value) for name, value in pairs if name not in _OWN])
    return parts._replace(query=rest).geturl(), chosen


def _seconds(name: str, given: list[str]) -> float | None:
    if not given:
        return None
    try:
        seconds = float(given[-1])
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0) or len(given) > 1:
        raise ValueError(
            f"the Redis URL's {name}= must be one positive number of seconds, got {given!r}"
        )
    return seconds
