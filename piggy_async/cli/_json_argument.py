"""JSON given on the command line (`piggy call ... --attributes '{...}'`), held to what the
API can take: no NaN or Infinity (not JSON, though Python's parser accepts them), and no
nesting deeper than `MAX_DEPTH`, checked before parsing so no input can exhaust the stack."""

from __future__ import annotations

import json
from typing import Any, Final, NoReturn

MAX_DEPTH: Final = 64
"""Arrays and objects nested deeper than this are refused: no API value comes near it."""


def json_argument(text: str) -> Any:
    """The JSON value in `text`.

    Raises:
        ValueError: Not JSON, a non-finite number, or nested deeper than `MAX_DEPTH`.
    """
    _check_depth(text)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error})") from None


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _check_depth(text: str) -> None:
    """Count brackets outside strings; the deepest point decides."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1
