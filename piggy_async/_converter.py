"""`converter`: the cattrs converter that turns API JSON into models and back.

- Models (`Model` subclasses) map JSON keys to fields through the field's `key` metadata,
  keep unknown keys in `extra`, skip absent keys (the field stays `UNSET`) and never emit
  `UNSET` fields, so `unstructure(structure(data, T)) == data` for what the API sends.
- Scalars pass through untouched: the SDK never coerces what the API sent.
- `datetime` fields parse ISO 8601 and are written back with `isoformat()`.
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
from typing import Any, TypeVar, Union

import attrs
import cattrs
from cattrs.strategies import configure_union_passthrough

from ._model import Model
from ._unset import Unset

T = TypeVar("T")

converter = cattrs.Converter()
"""Structures API JSON into models and unstructures models into JSON-ready data."""

configure_union_passthrough(str | int | float | bool | None, converter)


def _passthrough(value: Any, _: Any) -> Any:
    return value


for _scalar in (str, int, float, bool):
    converter.register_structure_hook(_scalar, _passthrough)


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
    table: dict[str, tuple[str, Callable[[Any, Any], Any], Any]] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if field.name == "extra":
            continue
        key = field.metadata.get("key", field.name)
        annotation = _strip_unset(hints[field.name])
        table[key] = (
            field.alias or field.name,
            converter.get_structure_hook(annotation),
            annotation,
        )
        if field.default is attrs.NOTHING:
            required.append(key)

    def structure(data: Any, _: Any) -> Model:
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            entry = table.get(key)
            if entry is None:
                extra[key] = value
            else:
                name, hook, annotation = entry
                kwargs[name] = hook(value, annotation)
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


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Model)


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
