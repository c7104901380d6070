"""Decoded items written again as JSON text (where the text the API sent is not at hand)."""

from __future__ import annotations

import json
from typing import Any

import msgspec

_encode = msgspec.json.Encoder().encode


def item_text(item: Any) -> bytes:
    """A decoded item written as compact JSON: msgspec, or the standard library for what it
    cannot write (integers past 64 bits, lone surrogates)."""
    try:
        return _encode(item)
    except (OverflowError, TypeError, UnicodeEncodeError, msgspec.EncodeError):
        return json.dumps(item, separators=(",", ":")).encode()
