"""Checks for the HTTP settings a user brings: their own `aiohttp.ClientSession` or
connector, an `ssl` context and a `proxy`.

What the SDK promises holds whoever owns the session: redirects are not followed, the
body cap applies, `Authorization` goes to `base_url`'s host only, and a session the SDK was
given is never closed by it. A session whose own settings would break one of those
promises (credentials of its own, a `base_url`, undecoded bodies) is refused up front.
"""

from __future__ import annotations

import ssl as _ssl
from typing import Any

import aiohttp
from yarl import URL


def session(value: Any) -> aiohttp.ClientSession | None:
    """`value` if it is a session the SDK can send through, else `TypeError`/`ValueError`."""
    if value is None:
        return None
    if not isinstance(value, aiohttp.ClientSession):
        raise TypeError(f"session must be an aiohttp.ClientSession, got {type(value).__name__}")
    if getattr(value, "_base_url", None) is not None:
        raise ValueError(
            "session must have no base_url (the client sends absolute URLs): "
            "pass its connector instead"
        )
    if value.auth is not None or "Authorization" in value.headers:
        raise ValueError(
            "session must carry no credentials of its own (auth= or an Authorization "
            "header): the client sends its own, to base_url's host only"
        )
    return value


def connector(value: Any) -> aiohttp.BaseConnector | None:
    if value is None or isinstance(value, aiohttp.BaseConnector):
        return value
    raise TypeError(f"connector must be an aiohttp.BaseConnector, got {type(value).__name__}")


def ssl(value: Any) -> _ssl.SSLContext | bool:
    """An `ssl.SSLContext` (e.g. trusting a corporate CA), True (the system's trust store,
    verified) or False (no verification: for local test servers only)."""
    if isinstance(value, _ssl.SSLContext | bool):
        return value
    raise TypeError(f"ssl must be an ssl.SSLContext or a bool, got {type(value).__name__}")


def proxy(value: Any) -> str:
    """An absolute http(s) proxy URL; credentials in it are sent to the proxy only."""
    if not isinstance(value, str | URL):
        raise TypeError(f"proxy must be a URL string, got {type(value).__name__}")
    url = URL(value)
    if not url.is_absolute() or url.scheme not in ("http", "https") or not url.host:
        raise ValueError("proxy must be an absolute http(s) URL such as http://proxy:3128")
    return str(url)
