"""`RequestOptions`: the per-call escape hatch every generated method accepts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict


class RequestOptions(TypedDict, total=False):
    """Keyword arguments every API method takes besides its own parameters."""

    extra_headers: Mapping[str, str]
    """Headers to add to this request (`Authorization` and `Content-Type` stay the SDK's)."""
    extra_query: Mapping[str, Any]
    """Query parameters to add, e.g. one the spec does not know yet."""
    extra_body: Mapping[str, Any]
    """Top-level JSON body keys to add: custom attributes go here (POST and PUT only)."""
    timeout: float
    """Seconds this call may take in all (attempts and waits), instead of the client's."""
    max_retries: int
    """Retries for this call, instead of the client's (0: a single attempt)."""
