"""`decode`: the one JSON decoder for every body the SDK reads (responses, error bodies, the
token response).

msgspec parses a typical response two to three times as fast as the standard library, and
integers of any size exactly. What it refuses but is still JSON (lone surrogate escapes,
UTF-16 bodies, numbers past a float's range, nesting past its limit) goes to the standard
library, which reads it as JSON always has. Neither accepts `NaN` or `Infinity`, which are not
JSON. Nesting too deep to decode is a `MalformedResponseError`, never a bare `RecursionError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

from . import _errors

_fast: Callable[[bytes], Any] | None = None  # made on the first decode: the import stays cheap


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def decode(body: bytes, *, status: int) -> Any:
    """The decoded JSON `body` of a response with `status`.

    Raises:
        ValueError: the body is not JSON.
        MalformedResponseError: it is nested too deeply to decode.
    """
    global _fast
    if _fast is None:
        import msgspec

        _fast = msgspec.json.Decoder().decode
    try:
        return _fast(body)
    except (ValueError, RecursionError):  # msgspec's errors are ValueErrors
        pass
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise _errors.MalformedResponseError(
            "the JSON is nested too deeply", status=status, body=body
        ) from None
