"""Structuring API JSON into models and back: the runtime behind the generated codecs.

Every generated model has a `structure_<Model>` and an `unstructure_<Model>` function in
`_generated/codecs/<module>.py`, written from the spec by `make generate`: they build the model
directly, check each field against its annotation, and create `extra` only when the object
has keys the model does not name. This module

- finds those functions, importing a codec module the first time one of its models is used;
- builds, once per type, the function for any other type an operation returns or a user asks
  for (`list[Reward]`, `Tier | None`, `list[Product] | dict[str, Any]`, a tagged union);
- holds the slow paths the generated code calls when a value is not of the exact class it
  expects (a subclass passes, anything else is a `TypeError` naming the model and field).

A model is an attrs class (`piggy_async.Model` and its generated subclasses): this module
needs no more of `Model` than that, so `Model` can build on it without an import cycle.

The rules, the same on every path: scalars are never coerced (`"22"` is not an `int`, `true`
is not a number) and numbers are finite; lists come only from JSON arrays and objects only
from JSON objects; unions pick their member by the kind of JSON value; absent keys are
`UNSET`, `null` is `None`; `unstructure(structure(data)) == data`.
"""

from __future__ import annotations

import importlib
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import NoneType
from typing import TYPE_CHECKING, Any, Union

import attrs

from ._datetime import dump_datetime, parse_datetime
from ._unset import UNSET, Unset

if TYPE_CHECKING:
    from ._model import Model

__all__ = [
    "UNSET",
    "MissingKeyError",
    "as_list",
    "as_object",
    "dump",
    "dump_datetime",
    "expect",
    "extra_of",
    "parse_datetime",
    "register_tagged_union",
    "structure",
    "structurer",
]

Structure = Callable[[Any], Any]


class MissingKeyError(KeyError):
    """A key the spec marks as always sent was not in the response."""

    def __init__(self, model: type, key: str) -> None:
        super().__init__(f"{model.__name__}: required key {key!r} is missing")

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled from its message, without `__init__` (which takes the model and key).
        return BaseException.__new__, (type(self), *self.args), self.__dict__


# -- the slow paths of the generated code --------------------------------------------------


def expect(value: Any, kinds: tuple[Any, ...], where: str) -> Any:
    """`value` if it is one of `kinds` (scalar types, `NoneType`, `dict`), else a TypeError.

    The generated code tests the exact class first and calls this only when that fails, so
    subclasses (a `str` enum, an `OrderedDict` given to `from_dict`) still pass here.
    """
    for kind in kinds:
        if kind is NoneType:
            if value is None:
                return value
        elif kind is int or kind is float:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if kind is float and isinstance(value, float):
                if not math.isfinite(value):
                    raise ValueError(f"{where}: expected a finite number, got {value!r}")
                return value
        elif isinstance(value, kind):
            return value
    names = " | ".join("null" if kind is NoneType else kind.__name__ for kind in kinds)
    raise TypeError(f"{where}: expected {names}, got {type(value).__name__}")


def as_object(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise TypeError(f"{where}: expected a JSON object, got {type(value).__name__}")


def as_list(value: Any, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise TypeError(f"{where}: expected a JSON array, got {type(value).__name__}")


def extra_of(
    data: dict[str, Any], fields: Mapping[str, str], model: Any, taken: int
) -> dict[str, Any]:
    """The keys of `data` a model does not name, and those its field (attribute `fields[key]`)
    left `UNSET` because the value did not fit, in the order they came; `taken` is the number
    of keys the model's fields took."""
    extra = {key: value for key, value in data.items() if key not in fields}
    if len(extra) + taken == len(data):
        return extra
    return {
        key: value
        for key, value in data.items()
        if key not in fields or getattr(model, fields[key]) is UNSET
    }


# -- structuring any type ---------------------------------------------------------------------

_structurers: dict[Any, Structure] = {}
_tagged: dict[Any, tuple[str, Mapping[str, type[Model]], type[Model]]] = {}


def structure(value: Any, annotation: Any) -> Any:
    """`value` (decoded JSON) as `annotation`: a model, `list[Model]`, a union, a scalar."""
    return structurer(annotation)(value)


def structurer(annotation: Any) -> Structure:
    """The function that structures JSON into `annotation`, built once per type."""
    function = _structurers.get(annotation)
    if function is None:
        function = _structurers[annotation] = _build(annotation)
    return function


def register_tagged_union(
    union: Any,
    *,
    discriminator: str,
    variants: Mapping[str, type[Model]],
    default: type[Model],
) -> None:
    """Structure `union` by the value of its `discriminator` key.

    A value not in `variants` structures as `default`, so a new kind of object the API
    starts sending is still decoded (and round-trips) instead of failing.
    """
    _tagged[union] = (discriminator, variants, default)


def _codec(model: type, direction: str) -> Callable[..., Any]:
    """`structure_<Model>` or `unstructure_<Model>` from the model's codec module: the
    models of `<package>.models.<name>` have theirs in `<package>.codecs.<name>`."""
    package, found, name = model.__module__.rpartition(".models.")
    if not found:
        raise TypeError(f"{model.__qualname__} is not a model generated from the spec")
    module = importlib.import_module(f"{package}.codecs.{name}")
    function: Callable[..., Any] = getattr(module, f"{direction}_{model.__name__}")
    return function


def _identity(value: Any) -> Any:
    return value


def _null(_value: Any) -> None:
    return None  # an operation documented to answer `data: null` returns None, whatever came


def _build(annotation: Any) -> Structure:
    if annotation is Any:
        return _identity
    if annotation is NoneType:
        return _null
    if annotation is datetime:
        return lambda value: parse_datetime(value, "datetime")
    if annotation in (str, int, float, bool):
        kinds = (annotation,)
        return lambda value: expect(value, kinds, annotation.__name__)
    if isinstance(annotation, type) and attrs.has(annotation):
        return _codec(annotation, "structure")
    if annotation in _tagged:
        return _build_tagged(*_tagged[annotation])
    origin = typing.get_origin(annotation)
    if origin is list:
        return _build_list(annotation)
    if origin is dict:
        return _build_map(annotation)
    if origin in (Union, types.UnionType):
        return _build_union(annotation)
    raise TypeError(f"cannot structure {annotation!r}")


def _build_list(annotation: Any) -> Structure:
    (inner,) = typing.get_args(annotation)
    item = structurer(inner)
    where = str(annotation)

    def structure_list(value: Any) -> list[Any]:
        if value.__class__ is not list:
            value = as_list(value, where)
        return value if item is _identity else list(map(item, value))

    return structure_list


def _build_map(annotation: Any) -> Structure:
    _key, inner = typing.get_args(annotation)
    item = structurer(inner)
    where = str(annotation)

    def structure_map(value: Any) -> dict[str, Any]:
        if value.__class__ is not dict:
            value = as_object(value, where)
        return value if item is _identity else {k: item(v) for k, v in value.items()}

    return structure_map


def _json_kinds(member: Any) -> tuple[str, ...]:
    """The kinds of JSON value a union member accepts."""
    if member is NoneType:
        return ("null",)
    if member is bool:
        return ("bool",)
    if member is int:
        return ("int",)
    if member is float:
        return ("int", "float")
    if member in (str, datetime):
        return ("str",)
    origin = typing.get_origin(member) or member
    if origin is list:
        return ("array",)
    if origin is dict or member in _tagged or attrs.has(origin):
        return ("object",)
    return ("null", "bool", "int", "float", "str", "array", "object")  # Any


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "array" if isinstance(value, list) else "object"


def _build_union(union: Any) -> Structure:
    """Pick the member by the kind of JSON value; the first member that accepts it wins."""
    by_kind: dict[str, Structure] = {}
    for member in typing.get_args(union):
        for kind in _json_kinds(member):
            by_kind.setdefault(kind, structurer(member))

    def structure_union(value: Any) -> Any:
        function = by_kind.get(_json_kind(value))
        if function is None:
            raise TypeError(f"expected {union}, got {type(value).__name__}")
        return function(value)

    return structure_union


def _build_tagged(
    discriminator: str, variants: Mapping[str, type[Model]], default: type[Model]
) -> Structure:
    by_tag = {tag: structurer(model) for tag, model in variants.items()}
    fallback = structurer(default)

    def structure_tagged(data: Any) -> Any:
        if data.__class__ is dict or isinstance(data, dict):
            tag = data.get(discriminator)
            if tag.__class__ is str:
                return by_tag.get(tag, fallback)(data)
        return fallback(data)

    return structure_tagged


# -- unstructuring ------------------------------------------------------------------------------

_ATOMS = frozenset({str, int, float, bool, NoneType})
_dumpers: dict[type, Callable[[Any], Any]] = {}


def dump(value: Any) -> Any:
    """`value` as JSON-ready data: models as their objects, timestamps as their text,
    dicts and lists copied (a caller may change what it gets without changing a model)."""
    cls = value.__class__
    if cls in _ATOMS:
        return value
    function = _dumpers.get(cls)
    if function is None:
        function = _dumpers[cls] = _dumper(cls)
    return function(value)


def _dump_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    if _ATOMS.issuperset(map(type, value.values())):  # the usual case, tested and copied in C
        return dict(value)
    return {k: v if v.__class__ in _ATOMS else dump(v) for k, v in value.items()}


def _dump_list(value: Sequence[Any]) -> list[Any]:
    if _ATOMS.issuperset(map(type, value)):
        return list(value)
    return [v if v.__class__ in _ATOMS else dump(v) for v in value]


def _dumper(cls: type) -> Callable[[Any], Any]:
    if attrs.has(cls):
        return _codec(cls, "unstructure")
    if issubclass(cls, datetime):
        return dump_datetime
    if issubclass(cls, Unset):
        raise TypeError("UNSET is not a value: leave the field out instead")
    if issubclass(cls, Mapping):
        return _dump_dict
    if issubclass(cls, Sequence) and not issubclass(cls, str | bytes):
        return _dump_list
    return _identity
