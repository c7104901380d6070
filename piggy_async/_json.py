"""`decode`: the one JSON decoder for every body the SDK reads (responses, error bodies, the
token response).

orjson parses a typical response about twice as fast as the standard library. What orjson
refuses but is still JSON (integers beyond 64 bits, lone surrogate escapes, UTF-16 bodies)
goes to the standard library, which reads them as JSON always has. Neither accepts `NaN` or
`Infinity`, which are not JSON. Nesting too deep to decode is a `MalformedResponseError`,
never a bare `RecursionError`.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import orjson

from . import _errors


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def decode(body: bytes, *, status: int) -> Any:
    """The decoded JSON `body` of a response with `status`.

    Raises:
        ValueError: the body is not JSON.
        MalformedResponseError: it is nested too deeply to decode.
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise _errors.MalformedResponseError(
            "the JSON is nested too deeply", status=status, body=body
        ) from None
