"""Values that do not fit their field: kept as sent, reported once, raised in strict mode.

The generated structure functions check every value against its field's annotation. When an
optional field's value does not fit (null for a field that is never null, `"243"` for an
`int`, `10.0` for an `int`, an object that is not a valid nested model), they call
`mismatch`: the field stays `UNSET` (so its annotation holds), the value goes to the model's
`extra` as sent (so `to_dict()` gives the response back), and the `piggy_async` logger says
so once per model field and kind of value, naming types only, never the value.

A value a model cannot do without (a key marked `required` in the spec: its identity) has no
such way out: the model cannot be built, and the error reaches the caller of the structure
function (the parent model's field, a page that keeps the item as raw data, or the client,
which raises `MalformedResponseError`).

In strict mode (`strict_responses=True` on a client, `from_dict(..., strict=True)`) every
mismatch raises as it is found.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import attrs

from ._codecs import _json_kind, dump
from ._unset import UNSET, Unset

__all__ = [
    "DECODE_ERRORS",
    "fields_over_extra",
    "json_kind",
    "mismatch",
    "quiet_mismatches",
    "strict_decoding",
    "warn_once",
]

logger = logging.getLogger("piggy_async")

DECODE_ERRORS = (TypeError, ValueError, KeyError, AttributeError)
"""What a structure function raises for a value that is not what it expects."""

_strict: ContextVar[bool] = ContextVar("piggy_async_strict_responses", default=False)
_quiet: ContextVar[bool] = ContextVar("piggy_async_quiet_mismatches", default=False)
_warned: set[tuple[str, str]] = set()


@contextmanager
def strict_decoding(strict: bool = True) -> Iterator[None]:
    """Within the block, a value that does not fit its field raises instead of being kept."""
    token = _strict.set(strict)
    try:
        yield
    finally:
        _strict.reset(token)


@contextmanager
def quiet_mismatches() -> Iterator[None]:
    """Within the block, values that do not fit are kept without a warning: for a check
    that only asks where they are (`mismatches`), which hands no model to anyone."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_strict() -> bool:
    return _strict.get()


def mismatch(error: Exception, model: type, key: str, value: Any) -> Unset:
    """Called by a structure function whose field `key` cannot take `value`: `UNSET` for the
    field (the caller keeps `value` in `extra`), or `error` raised again in strict mode."""
    if _strict.get():
        raise error
    expected = _expected(model, key)
    warn_once(
        f"{model.__name__}.{key}",
        json_kind(value),
        f"{model.__name__}.{key}: expected {expected}, got {_received(value, error)}; "
        "the field is left UNSET and the value kept as sent in `extra`",
    )
    return UNSET


def fields_over_extra(out: dict[str, Any], model: Any) -> None:
    """Write back into `out` the set fields of `model` whose keys `extra` also holds: a
    field set since decoding wins over the value kept for it when it did not fit."""
    extra = model.extra
    for field in attrs.fields(type(model)):
        key = field.metadata.get("key", field.name)
        if key in extra and field.name != "extra":
            value = getattr(model, field.name)
            if value is not UNSET:
                out[key] = dump(value)


def warn_once(where: str, kind: str, message: str) -> None:
    """Log `message` the first time `where` meets a value of `kind` in this process (not
    within `quiet_mismatches`)."""
    if (where, kind) in _warned or _quiet.get():
        return
    _warned.add((where, kind))
    logger.warning("%s", message)


_KINDS = {
    "null": "null",
    "bool": "a boolean",
    "int": "an integer",
    "float": "a floating-point number",
    "str": "a string",
    "array": "an array",
    "object": "an object",
}


def json_kind(value: Any) -> str:
    """The kind of a decoded JSON value, as the warnings name it (never the value)."""
    kind = _json_kind(value)
    if kind == "float" and not math.isfinite(value):
        return "a non-finite number"
    return _KINDS[kind]


def _received(value: Any, error: Exception) -> str:
    kind = json_kind(value)
    if isinstance(error, TypeError | KeyError) and kind in ("an object", "an array"):
        # The messages of these name models, fields and types, never values.
        return f"{kind} that does not fit ({error.args[0] if error.args else error})"
    return kind


@functools.cache
def _expected(model: type, key: str) -> str:
    """The annotation of the field `key` of `model`, as written in the model's source."""
    for field in attrs.fields(model):
        if field.metadata.get("key", field.name) == key:
            text = str(field.type)
            return text.replace(" | Unset", "").replace("Unset | ", "")
    return "?"
