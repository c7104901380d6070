"""`converter`: the cattrs converter that turns API JSON into models and back.

- Models (`Model` subclasses) map JSON keys to fields through the field's `key` metadata,
  keep unknown keys in `extra`, skip absent keys (the field stays `UNSET`) and never emit
  `UNSET` fields, so `unstructure(structure(data, T)) == data` for what the API sends.
- Scalars pass through untouched: the SDK never coerces what the API sent. Lists are built
  from JSON arrays only and objects from JSON objects only (a string is not a list).
- `datetime` fields parse ISO 8601 and are written back with `isoformat()`.
- Unions (`Tier | None`, `int | str`) pick their member by the kind of JSON value.
- Discriminated unions (a loyalty transaction is a credit or a reward reception) are
  registered by the generated models with `register_tagged_union`.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from types import NoneType
from typing import Any, Union

import attrs
import cattrs

from ._model import Model
from ._unset import Unset

converter = cattrs.Converter(detailed_validation=False)
"""Structures API JSON into models and unstructures models into JSON-ready data."""


def _passthrough(value: Any, _: Any) -> Any:
    return value


for _scalar in (str, int, float, bool):
    converter.register_structure_hook(_scalar, _passthrough)

# An operation whose `data` is documented as always null returns None, whatever it carries.
converter.register_structure_hook(NoneType, lambda _value, _type: None)


def _structure_datetime(value: Any, _: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    return datetime.fromisoformat(value)


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, datetime.isoformat)


def _strip_unset(annotation: Any) -> Any:
    """`T | Unset` → `T`: absent keys never reach a field's hook."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = tuple(a for a in typing.get_args(annotation) if a is not Unset)
        return functools.reduce(operator.or_, members)
    return annotation


class MissingKeyError(KeyError):
    """A key the spec marks as always sent was not in the response."""

    def __init__(self, model: type, key: str) -> None:
        super().__init__(f"{model.__name__}: required key {key!r} is missing")


def _structure_model_factory(cls: type[Model]) -> Callable[[Any, Any], Model]:
    hints = typing.get_type_hints(cls)
    table: dict[str, tuple[str, Callable[[Any, Any], Any] | None, Any]] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if field.name == "extra":
            continue
        key = field.metadata.get("key", field.name)
        annotation = _strip_unset(hints[field.name])
        hook = converter.get_structure_hook(annotation)
        table[key] = (
            field.alias or field.name,
            None if hook is _passthrough else hook,  # scalars: no call at all
            annotation,
        )
        if field.default is attrs.NOTHING:
            required.append(key)

    def structure(data: Any, _: Any) -> Model:
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            entry = table.get(key)
            if entry is None:
                extra[key] = value
            else:
                name, hook, annotation = entry
                kwargs[name] = value if hook is None else hook(value, annotation)
        for key in required:
            if key not in data:
                raise MissingKeyError(cls, key)
        return cls(**kwargs, extra=extra)

    return structure


def _unstructure_model_factory(cls: type[Model]) -> Callable[[Model], dict[str, Any]]:
    names = [
        (field.name, field.metadata.get("key", field.name))
        for field in attrs.fields(cls)
        if field.name != "extra"
    ]
    unstructure = converter.unstructure

    def unstructure_model(model: Model) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, key in names:
            value = getattr(model, name)
            if value.__class__ is not Unset:
                result[key] = unstructure(value)
        result.update(model.extra)
        return result

    return unstructure_model


def _json_kinds(member: Any) -> tuple[str, ...]:
    """The JSON value kinds a union member accepts."""
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
    if origin is dict or _is_model(origin):
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


def _structure_list_factory(annotation: Any) -> Callable[[Any, Any], list[Any]]:
    """Lists only from JSON arrays: a string or an object is an error, not an iterable."""
    (inner,) = typing.get_args(annotation) or (Any,)
    hook = converter.get_structure_hook(inner)

    def structure(value: Any, _: Any) -> list[Any]:
        if not isinstance(value, list):
            raise TypeError(f"expected a JSON array, got {type(value).__name__}")
        return [hook(item, inner) for item in value]

    return structure


def _structure_object(value: Any, _: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (Union, types.UnionType)


_SCALARS = frozenset({str, int, float, bool, NoneType, Any})


def _structure_union_factory(union: Any) -> Callable[[Any, Any], Any]:
    """Pick the union member by the kind of JSON value: `Tier | None`, `str | int`,
    `list[Product] | dict[str, Any]`. The first member that accepts a kind wins."""
    members = typing.get_args(union)
    if all(member in _SCALARS for member in members):
        return _passthrough  # `str | None`, `int | str`: nothing to build, nothing to coerce
    by_kind: dict[str, tuple[Any, Callable[[Any, Any], Any]]] = {}
    for member in members:
        for kind in _json_kinds(member):
            if kind not in by_kind:
                by_kind[kind] = (member, converter.get_structure_hook(member))

    def structure(value: Any, _: Any) -> Any:
        entry = by_kind.get(_json_kind(value))
        if entry is None:
            raise TypeError(f"expected {union}, got {type(value).__name__}")
        member, hook = entry
        return hook(value, member)

    return structure


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Model)


converter.register_structure_hook_func(
    lambda annotation: annotation == dict[str, Any], _structure_object
)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


converter.register_structure_hook_factory(_is_list, _structure_list_factory)
converter.register_structure_hook_factory(_is_union, _structure_union_factory)
converter.register_structure_hook_factory(_is_model, _structure_model_factory)
converter.register_unstructure_hook_factory(_is_model, _unstructure_model_factory)


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

    def structure(data: Any, _: Any) -> Model:
        tag = data.get(discriminator) if isinstance(data, Mapping) else None
        cls = variants.get(tag, default) if isinstance(tag, str) else default
        return converter.structure(data, cls)

    converter.register_structure_hook_func(lambda t: t == union, structure)
