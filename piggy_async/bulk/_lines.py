"""Items as JSON lines, written as fast as they can be."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def line_encoder() -> Callable[[Any], bytes]:
    """One JSON line per item: msgspec, or the standard library for what it cannot write
    (integers past 64 bits)."""
    import msgspec

    fast = msgspec.json.Encoder().encode

    def line(item: Any) -> bytes:
        try:
            return fast(item) + b"\n"
        except (OverflowError, TypeError, msgspec.EncodeError):
            return json.dumps(item, separators=(",", ":")).encode() + b"\n"

    return line
