"""Answers for the operations the fake keeps no state for, synthesized from their types.

`example(operation.data_type)` walks the response type (models through their attrs fields
and type hints) and fills every field with a plausible value, so the answer decodes into the
documented model with every field set. It is computed once per operation at startup; a
request only picks its page.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from piggy_async import Model, Operation, Unset

from ._call import Call, Handler
from ._listing import paginate
from ._replies import Reply

if TYPE_CHECKING:
    from ._state import State

_EXAMPLE_MOMENT = datetime(2024, 1, 1, 12, 0, tzinfo=UTC).isoformat()


def example(annotation: Any, key: str = "") -> Any:
    """A JSON value of type `annotation`; `key` (the JSON key it sits under) shapes strings."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return _example_member(typing.get_args(annotation), key)
    if origin is list:
        return [example(typing.get_args(annotation)[0], key)]
    if origin is dict or annotation is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return _example_model(annotation)
    return _example_scalar(annotation, key)


def _example_member(members: tuple[Any, ...], key: str) -> Any:
    """The first member that is a value: `Tier | None` is a `Tier`, `None` alone is null."""
    for member in members:
        if member not in (Unset, types.NoneType):
            return example(member, key)
    return None


_MODEL_EXAMPLES: dict[type[Model], dict[str, Any]] = {}
"""Models recur across operations and their examples are never changed: built once."""


def _example_model(cls: type[Model]) -> dict[str, Any]:
    cached = _MODEL_EXAMPLES.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls)
        keys = {field.name: field.metadata.get("key", field.name) for field in attrs.fields(cls)}
        cached = _MODEL_EXAMPLES[cls] = {
            keys[name]: example(hints[name], keys[name]) for name in keys if name != "extra"
        }
    return cached


def _example_scalar(annotation: Any, key: str) -> Any:
    if annotation is str:
        return _example_string(key)
    if annotation is bool:
        return True
    if annotation is int:
        return 1
    if annotation is float:
        return 1.5
    if annotation is datetime:
        return _EXAMPLE_MOMENT
    if annotation is types.NoneType:
        return None
    if annotation is Any:
        return []  # `any` responses are `[]` in the docs (automation runs, push calls)
    raise TypeError(f"no example for {annotation!r}")


def _example_string(key: str) -> str:
    if key.endswith("uuid"):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    if "email" in key:
        return "spongebob@bikinibottom.sea"
    if key.endswith("url"):
        return f"https://example.com/{key}"
    return key or "string"


def synthesized(operation: Operation[Any]) -> Handler:
    """A handler that answers `operation` with its example, paged if it is a list."""
    data = example(operation.data_type)
    if operation.pagination is None:
        reply = Reply(data)
        return lambda state, call: reply

    def page(state: State, call: Call) -> Reply:
        return paginate(call, data, _same)

    return page


def _same(item: Any) -> Any:
    return item
