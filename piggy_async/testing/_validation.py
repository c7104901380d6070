"""Input validation from `Param` metadata, compiled once per operation at startup.

The API validates like the Laravel application it is: bad input is a 400 with code 1003
and `errors` naming every bad field at once (`{"email": ["The email field is required."]}`).
`Validator(operation)` turns the operation's params into checks up front, so a request pays
only for its own parameters and never for a walk over the operation table.

Values are coerced to their spec type (query strings and form fields arrive as text), so
handlers get ints, bools and aware datetimes whatever the encoding. Keys the operation does
not name are allowed: unknown query keys are ignored and unknown body keys are handed to
the handler, since custom attributes travel that way.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from piggy_async import Operation, Param

from ._replies import field_label, invalid_input

_INTEGER = re.compile(r"[+-]?\d+")
_EMPTY: tuple[Any, ...] = (None, "", [], {})
"""Values Laravel's `required` rule rejects, and which otherwise count as not sent."""
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@attrs.frozen
class _Kind:
    """A spec type: how to coerce a value to it, and how messages name it."""

    noun: str
    coerce: Callable[[Any], Any]
    """Returns the value as this type; raises ValueError for a value of another type."""


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise ValueError


def _number(value: Any) -> float:
    """A finite number: NaN and Infinity are no amounts (and "nan" is no numeric string)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            raise ValueError from None
    elif isinstance(value, str):
        number = float(value)  # OverflowError is impossible: a string too large reads inf
    else:
        raise ValueError
    if not math.isfinite(number):
        raise ValueError
    return number


def _boolean(value: Any) -> bool:
    """True or false, as Laravel's `boolean` rule reads them: also 1/0, "yes"/"no"."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _moment(value: Any) -> datetime:
    """An ISO 8601 moment; one without an offset is taken as UTC."""
    if not isinstance(value, str):
        raise ValueError
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise ValueError


def _anything(value: Any) -> Any:
    return value


_SCALARS: dict[str, _Kind] = {
    "str": _Kind("a string", _text),
    "int": _Kind("an integer", _integer),
    "float": _Kind("a number", _number),
    "bool": _Kind("true or false", _boolean),
    "datetime": _Kind("a valid date", _moment),
    "object": _Kind("an object", _mapping),
    "any": _Kind("a value", _anything),
}


def _kind_of(spec: str) -> _Kind:
    """The kind of a spec type (`int`, `list[object]`, `str | int`; see spec/README.md)."""
    members = spec.split(" | ")
    if len(members) > 1:
        return _union([_kind_of(member) for member in members])
    if spec.startswith("list[") and spec.endswith("]"):
        return _list(_kind_of(spec[len("list[") : -1]))
    return _SCALARS[spec]


def _union(kinds: list[_Kind]) -> _Kind:
    def coerce(value: Any) -> Any:
        for kind in kinds:
            with contextlib.suppress(ValueError):
                return kind.coerce(value)
        raise ValueError

    return _Kind(" or ".join(kind.noun for kind in kinds), coerce)


def _list(item: _Kind) -> _Kind:
    def coerce(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError
        return [item.coerce(element) for element in value]

    return _Kind("an array", coerce)


@attrs.frozen
class _Check:
    """One parameter's check, with its messages written out once."""

    param: Param
    kind: _Kind
    missing: str
    wrong_type: str
    not_allowed: str

    @classmethod
    def of(cls, param: Param) -> _Check:
        label = field_label(param.name)
        kind = _kind_of(param.type)
        return cls(
            param,
            kind,
            missing=f"The {label} field is required.",
            wrong_type=f"The {label} field must be {kind.noun}.",
            not_allowed=f"The selected {label} is invalid.",
        )

    def coerce(self, raw: Any) -> Any:
        """The value as its spec type; ValueError with the message if it is not one."""
        try:
            value = self.kind.coerce(raw)
        except ValueError:
            raise ValueError(self.wrong_type) from None
        if self.param.enum is not None and value not in self.param.enum:
            raise ValueError(self.not_allowed)
        return value


class Validator:
    """Checks and coerces the inputs of one operation."""

    __slots__ = ("_body_names", "_checks")

    def __init__(self, operation: Operation[Any]) -> None:
        self._checks = tuple(_Check.of(param) for param in operation.params)
        self._body_names = frozenset(
            param.name for param in operation.params if param.location == "body"
        )

    def __call__(
        self, path: Mapping[str, str], query: Mapping[str, str], body: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The coerced arguments by wire name, and the body keys the operation does not name.

        Raises `Failure` 1003 with a message for every bad field. Empty values count as not
        sent, as in Laravel (its middleware turns empty strings into nulls).
        """
        sources: dict[str, Mapping[str, Any]] = {"path": path, "query": query, "body": body}
        args: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for check in self._checks:
            name = check.param.name
            raw = sources[check.param.location].get(name)
            if raw in _EMPTY:
                if check.param.required:
                    errors[name] = [check.missing]
                continue
            try:
                args[name] = check.coerce(raw)
            except ValueError as error:
                errors[name] = [str(error)]
        if errors:
            raise invalid_input(errors)
        extra = {key: value for key, value in body.items() if key not in self._body_names}
        return args, extra
