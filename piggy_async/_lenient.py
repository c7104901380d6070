"""Decoding that keeps what the models cannot take: the items of a page that cannot be models
at all, and `mismatches`, which says whether a JSON object decodes cleanly as a model."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import attrs

from ._codecs import structurer
from ._mismatches import (
    DECODE_ERRORS,
    is_strict,
    json_kind,
    quiet_mismatches,
    strict_decoding,
    warn_once,
)
from ._model import Model

__all__ = ["ItemList", "mismatches", "page_items"]

T = TypeVar("T")


class ItemList(list[T]):
    """The answer of a list operation that is not paged: a `list` of its models, with the
    items that cannot be models at all (not an object, or a key that identifies one missing
    or unreadable) kept as sent in `raw_items`."""

    raw_items: list[Any]

    def __init__(self, items: Iterable[T] = (), raw_items: list[Any] | None = None) -> None:
        super().__init__(items)
        self.raw_items = raw_items or []


def page_items(annotation: Any, data: Any) -> tuple[list[Any], list[Any]]:
    """The items of a page's `data` (a JSON array of `annotation`, a `list[...]` type): those
    that decode, and those that cannot be one at all (not an object, an identifying key
    missing or unreadable), as sent. In strict mode the first of the latter raises."""
    if data.__class__ is not list:
        structurer(annotation)(data)  # raises the error that says what came instead
    (inner,) = typing.get_args(annotation)
    item = structurer(inner)
    try:
        return list(map(item, data)), []
    except DECODE_ERRORS:
        if is_strict():
            raise
    items: list[Any] = []
    raw_items: list[Any] = []
    for value in data:
        try:
            items.append(item(value))
        except DECODE_ERRORS as error:
            raw_items.append(value)
            where = " | ".join(getattr(m, "__name__", str(m)) for m in _members(inner))
            warn_once(
                f"{where} list item",
                f"{json_kind(value)} {type(error).__name__}",
                f"a list item that cannot be a {where} ({json_kind(value)}: "
                f"{_reason(error)}) is kept as sent in the list's `raw_items`",
            )
    return items, raw_items


def _members(annotation: Any) -> tuple[Any, ...]:
    return typing.get_args(annotation) or (annotation,)


def _reason(error: Exception) -> str:
    if isinstance(error, TypeError | KeyError) and error.args:
        return str(error.args[0])  # these name models, fields and types, never values
    return f"a value it cannot read ({type(error).__name__})"


def mismatches(data: Any, annotation: Any) -> list[str]:
    """Where the decoded JSON `data` does not decode cleanly as `annotation` (a model class,
    or any type a response is decoded into): `[]` when it does; else the path of each value
    kept as sent instead of filling its field (`"$.credits"`, `"$.shop.id"`,
    `"$.items[2].price"`), or `["$"]` when `data` cannot be one at all (not an object, or a
    key that identifies it missing or unreadable). Never raises for JSON data.

        bad = [row for row in rows if piggy_async.mismatches(row, LoyaltyTransaction)]
    """
    try:
        with strict_decoding(False), quiet_mismatches():
            value = structurer(annotation)(data)
    except DECODE_ERRORS:
        return ["$"]
    return list(_paths(value, "$"))


def _paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Model):
        for key in value.mismatched:
            yield f"{path}.{key}"
        for field in attrs.fields(type(value)):
            if field.name != "extra":
                key = field.metadata.get("key", field.name)
                yield from _paths(getattr(value, field.name), f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, f"{path}.{key}")
