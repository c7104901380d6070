"""Argument checks of the generated methods: bad input is refused before anything is sent.

Each generated method tests its arguments inline with the cheapest test that passes a good
value (`email.__class__ is not str`, a few tens of nanoseconds), and calls one of these
functions only when that test fails. They accept the other values a parameter takes (a
`str` subclass, a `uuid.UUID` for a UUID, an `int` or a `Decimal` for a number), return the
value to send, and raise `TypeError` (wrong type, `None` for a required parameter) or
`ValueError` (a value out of range) naming the operation and the parameter:

    contacts.find_one_by(): email must be a str, got int
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NoReturn
from uuid import UUID

from ._operation import Operation
from ._options import RequestOptions

OPTIONS = frozenset(RequestOptions.__annotations__)
"""The keyword arguments every method takes besides its parameters (`RequestOptions`)."""

RESERVED_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "host", "connection", "accept-encoding"}
)
"""Headers that frame or route the request, or say which encodings the SDK can read: the
HTTP client sets them, nobody else may."""


def _name(op: Operation[Any]) -> str:
    return f"{op.resource}.{op.name}()"


def _refuse(value: Any, name: str, op: Operation[Any], expected: str) -> NoReturn:
    if value is None:  # optional parameters take None (JSON null) without a check
        raise TypeError(f"{_name(op)}: {name} is required, got None")
    raise TypeError(f"{_name(op)}: {name} must be {expected}, got {type(value).__name__}")


def text(value: Any, name: str, op: Operation[Any]) -> str:
    if isinstance(value, str):
        return value
    _refuse(value, name, op, "a str")


def uuid(value: Any, name: str, op: Operation[Any]) -> str:
    """A UUID as the API writes it, from a `str` or a `uuid.UUID`."""
    if isinstance(value, str):
        return value
    if isinstance(value, UUID):
        return str(value)
    _refuse(value, name, op, "a str or uuid.UUID")


def integer(value: Any, name: str, op: Operation[Any]) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    _refuse(value, name, op, "an int")


def positive_integer(value: Any, name: str, op: Operation[Any]) -> int:
    """A page number or page size: 1 or more."""
    number = integer(value, name, op)
    if number < 1:
        raise ValueError(f"{_name(op)}: {name} must be at least 1, got {number}")
    return number


def number(value: Any, name: str, op: Operation[Any]) -> float:
    """A finite number: JSON has no NaN or Infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        _refuse(value, name, op, "a number")
    return _finite(float(value), name, op)


def money(value: Any, name: str, op: Operation[Any]) -> float:
    """An amount, also from a `Decimal` (`Decimal("10.40")` is sent as 10.4)."""
    decimal = sys.modules.get("decimal")  # a caller holding a Decimal has imported it
    if decimal is not None and isinstance(value, decimal.Decimal):
        return _finite(float(value), name, op)
    if isinstance(value, bool) or not isinstance(value, int | float):
        _refuse(value, name, op, "a number or Decimal")
    return _finite(float(value), name, op)


def _finite(value: float, name: str, op: Operation[Any]) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{_name(op)}: {name} must be a finite number, got {value}")
    return value


def boolean(value: Any, name: str, op: Operation[Any]) -> bool:
    if isinstance(value, bool):
        return value
    _refuse(value, name, op, "a bool")


def moment(value: Any, name: str, op: Operation[Any]) -> datetime:
    """A timezone-aware datetime: a naive one would be read in the server's timezone."""
    if isinstance(value, str):
        raise TypeError(
            f"{_name(op)}: {name} must be a datetime, got str "
            "(parse it first, e.g. datetime.fromisoformat(...))"
        )
    if not isinstance(value, datetime):
        _refuse(value, name, op, "a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{_name(op)}: {name} must be timezone-aware (e.g. datetime.now(UTC)), "
            f"got the naive {value.isoformat()}"
        )
    return value


def mapping(value: Any, name: str, op: Operation[Any]) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    _refuse(value, name, op, "a mapping (dict)")


def _items(value: Any, name: str, op: Operation[Any], expected: str) -> Sequence[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return value
    _refuse(value, name, op, expected)


def objects(value: Any, name: str, op: Operation[Any]) -> Sequence[Mapping[str, Any]]:
    """A list of objects (`list[object]`)."""
    items = _items(value, name, op, "a list of mappings")
    for index, item in enumerate(items):
        mapping(item, f"{name}[{index}]", op)
    return items


def texts(value: Any, name: str, op: Operation[Any]) -> Sequence[str]:
    """A list of strings (`list[str]`)."""
    items = _items(value, name, op, "a list of str")
    for index, item in enumerate(items):
        text(item, f"{name}[{index}]", op)
    return items


def text_or_integer(value: Any, name: str, op: Operation[Any]) -> str | int:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    _refuse(value, name, op, "a str or int")


def mapping_or_objects(
    value: Any, name: str, op: Operation[Any]
) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return value
    return objects(value, name, op)


def choice(value: Any, name: str, op: Operation[Any]) -> Any:
    """One of the parameter's documented values (its `Literal`)."""
    (param,) = (param for param in op.params if param.py_name == name)
    choices = param.enum or ()
    kinds = [allowed for allowed in choices if _same_type(value, allowed)]
    if not kinds:
        _refuse(value, name, op, "a str" if isinstance(choices[0], str) else "an int")
    if value in kinds:
        return value
    listed = ", ".join(repr(allowed) for allowed in choices)
    raise ValueError(f"{_name(op)}: {name} must be one of {listed}; got {value!r}")


def _same_type(value: Any, allowed: Any) -> bool:
    """`value` is of `allowed`'s type, a bool never passing for an int."""
    return isinstance(value, type(allowed)) and isinstance(value, bool) == isinstance(allowed, bool)


_SECONDS: frozenset[type[Any]] = frozenset({int, float})
"""The classes a timeout is taken as without a closer look."""


def options(given: Mapping[str, Any], op: Operation[Any]) -> None:
    """The keyword arguments past the parameters: known `RequestOptions` with good values.

    An unknown name is a `TypeError` that names the closest valid one, as a typo would
    otherwise be dropped silently (`contact_uid=` returning everyone's transactions).
    Good values pass with a comparison or two: this runs on every call that has options.
    """
    for key, value in given.items():
        if key == "timeout":
            if value.__class__ not in _SECONDS or not 0 < value < math.inf:
                seconds(value, f"{_name(op)}: timeout")
        elif key == "extra_headers":
            headers(value, op)
        elif key == "max_retries":
            if value.__class__ is not int or value < 0:
                _retries(value, op)
        elif key in OPTIONS:
            if value.__class__ is not dict and not isinstance(value, Mapping):
                raise TypeError(f"{_name(op)}: {key} must be a mapping, got {type(value).__name__}")
        else:
            import difflib  # only for this message: `import piggy_async` stays light

            valid = [param.py_name for param in op.params] + sorted(OPTIONS)
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{_name(op)} got an unexpected keyword argument {key!r}{hint}")


def _retries(value: Any, op: Operation[Any]) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{_name(op)}: max_retries must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{_name(op)}: max_retries must be 0 or more, got {value}")


def seconds(value: Any, name: str) -> float:
    """`value` as seconds: a positive, finite number (`name` says whose, in the error)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive, finite number of seconds, got {value}")
    return float(value)


def headers(value: Any, op: Operation[Any] | None = None) -> Mapping[str, str]:
    """Header names and values as strings, none of the framing or routing headers: a
    client's `headers`, or an operation's `extra_headers`."""
    what = "headers" if op is None else "extra_headers"
    if value.__class__ is not dict and not isinstance(value, Mapping):
        raise TypeError(f"{_where(op)}{what} must be a mapping, got {type(value).__name__}")
    for name, text_value in value.items():
        if not isinstance(name, str) or not isinstance(text_value, str):
            raise TypeError(f"{_where(op)}{what}: names and values must be str, got {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"{_where(op)}{what} cannot set {name}: the HTTP client sets it")
        if name.lower() == "authorization":
            raise ValueError(
                f"{_where(op)}{what} cannot set {name}: the client's credentials set it "
                "(api_key=, or client_id= and client_secret=); use a client per credential"
            )
    return value


def _where(op: Operation[Any] | None) -> str:
    return "" if op is None else f"{_name(op)}: "
