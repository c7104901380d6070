"""A quick check that an item's JSON text fits its model, without building the model.

msgspec decodes the text into plain structs that mirror the model: the same keys, types and
required keys, timestamps read by `datetime.fromisoformat` as the models read them (msgspec's
own timestamps take more: `2023-11-06t14:39:24z`). The mirror is never
more lenient than the models' strict decoding (where they differ it refuses more: a key
sent twice must fit both times), so an item it takes is one the models take, and only an
item it refuses needs the models to decide. A model with a field the mirror cannot express
(a union of several models) has no quick check.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from datetime import datetime
from types import NoneType
from typing import Any, Union

import attrs
import msgspec

from .._codecs import _tagged
from .._unset import Unset

Fits = Callable[[list[bytes], object], list[bool]]
"""`fits(texts, tag)`: for each item of `texts` (all with the discriminator's value `tag`,
for a model with several kinds), whether it surely fits the model."""


class _Moment:
    """A timestamp: any text `datetime.fromisoformat` reads."""

    __slots__ = ()


_MOMENT = _Moment()


def _hook(kind: type, value: Any) -> Any:
    if kind is _Moment and value.__class__ is str:
        datetime.fromisoformat(value)  # a ValueError fails the decoding
        return _MOMENT
    raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")


class _Unmirrored(Exception):
    """The model has a field the mirror cannot express."""


@functools.cache
def fit_check(model: Any) -> Fits | None:
    """The quick check of items of `model` (a model or a model with several kinds), or None
    if it has none (made once per model)."""
    try:
        if model in _tagged:
            _key, variants, default = _tagged[model]
            by_tag = {tag: _decoder(variant) for tag, variant in variants.items()}
            fallback = _decoder(default)
        else:
            by_tag, fallback = {}, _decoder(model)
    except (_Unmirrored, TypeError):
        return None

    def fits(texts: list[bytes], tag: object) -> list[bool]:
        one, every = by_tag.get(tag, fallback) if tag.__class__ is str else fallback
        try:
            every(b"[%b]" % b",".join(texts))  # all at once: most often they all fit
            return [True] * len(texts)
        except msgspec.DecodeError:
            pass
        verdicts = []
        for text in texts:
            try:
                one(text)
            except msgspec.DecodeError:
                verdicts.append(False)
            else:
                verdicts.append(True)
        return verdicts

    return fits


def _decoder(model: type) -> tuple[Callable[[bytes], Any], Callable[[bytes], Any]]:
    """Decoding one item and a list of items into the model's mirror."""
    mirror = _mirror(model, set())
    one = msgspec.json.Decoder(mirror, dec_hook=_hook).decode
    return one, msgspec.json.Decoder(list[mirror], dec_hook=_hook).decode  # type: ignore[valid-type]


_mirrors: dict[type, Any] = {}


def _mirror(model: type, building: set[type]) -> Any:
    """A struct with the model's keys and the mirrors of their types (made once)."""
    if model in _mirrors:
        return _mirrors[model]
    if model in building:  # a model within itself: not expressed
        raise _Unmirrored(model)
    building.add(model)
    hints = typing.get_type_hints(model)
    fields: list[tuple[str, Any, Any]] = []
    for field in attrs.fields(model):
        if field.name == "extra":
            continue
        key = field.metadata.get("key", field.name)
        kind = _type(hints[field.name], building)
        if field.default is attrs.NOTHING:
            fields.append((field.name, kind, msgspec.field(name=key)))
        else:
            fields.append((field.name, kind, msgspec.field(name=key, default=None)))
    building.discard(model)
    mirror = _mirrors[model] = msgspec.defstruct(
        f"{model.__name__}Fit", fields, kw_only=True, gc=False
    )
    return mirror


def _type(annotation: Any, building: set[type]) -> Any:
    """The mirror of a field's annotation (its `Unset` dropped: an absent key)."""
    if annotation is Any or annotation in (str, int, float, bool, NoneType):
        return annotation
    if annotation is datetime:
        return _Moment
    if isinstance(annotation, type) and attrs.has(annotation):
        return _mirror(annotation, building)
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        return list[_type(arguments[0], building)]  # type: ignore[misc]
    if origin is dict and arguments[0] is str:
        return dict[str, _type(arguments[1], building)]  # type: ignore[misc]
    if origin in (Union, types.UnionType) and annotation not in _tagged:
        members = tuple(_type(member, building) for member in arguments if member is not Unset)
        return Union[members] if len(members) > 1 else members[0]  # noqa: UP007
    raise _Unmirrored(annotation)
