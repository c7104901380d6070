"""`decode`: the one JSON decoder for every body the SDK reads (responses, error bodies, the
token response).

orjson parses a typical response two to three times as fast as the standard library. What it
refuses but is still JSON (lone surrogate escapes, UTF-16 bodies, nesting past its limit) goes
to the standard library, which reads it as JSON always has; so does a body that may hold an
integer beyond 64 bits, which orjson would silently turn into a float (such an integer has at
least 19 digits in a row, a cheap test on the bytes). Neither accepts `NaN` or `Infinity`,
which are not JSON. Nesting too deep to decode is a `MalformedResponseError`, never a bare
`RecursionError`.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from . import _errors

_orjson: Any = None  # imported on the first decode: `import piggy_async` stays cheap

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # -2**63 and 2**64 have 19 and 20 digits: shorter ones fit


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def decode(body: bytes, *, status: int) -> Any:
    """The decoded JSON `body` of a response with `status`.

    Raises:
        ValueError: the body is not JSON.
        MalformedResponseError: it is nested too deeply to decode.
    """
    global _orjson
    if _orjson is None:
        import orjson as _orjson
    if _LONG_NUMBER not in body.translate(_DIGITS_AS_ZERO):
        try:
            return _orjson.loads(body)
        except _orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise _errors.MalformedResponseError(
            "the JSON is nested too deeply", status=status, body=body
        ) from None
