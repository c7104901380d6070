"""Reading what places an exported item (its uuid, its creation time, and its kind for a
model with several kinds) out of its JSON text, skipping everything else.

A page's texts are read in one decoding; if one of them has keys of another shape (it is
not an object, or an object on the way to the creation time is something else), each is
read on its own, and one that still does not fit is decoded in full to tell what it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from .._codecs import _tagged
from .._json import decode
from ._source import Source

Keys = tuple[object, object, object] | str
"""An item's uuid, creation time and kind, as sent (any JSON value, None if absent); or,
for an item that is not a JSON object, why it cannot be placed."""


def keys_reader(source: Source) -> Callable[[list[bytes]], list[Keys]]:
    """The function reading the keys of a page's items (`source.created_at` names the way
    to the creation time)."""
    path = source.created_at
    found: Any = Any
    for key in reversed(path[1:]):  # an object on the way: a struct holding the next key
        level = msgspec.defstruct("Level", [("at", found, msgspec.field(name=key, default=None))])
        found = level | None
    fields: list[tuple[str, Any, Any]] = [
        ("uuid", Any, None),
        ("at", found, msgspec.field(name=path[0], default=None)),
    ]
    tag_key = _tagged[source.model][0] if source.model in _tagged else None
    if tag_key is not None:
        fields.append(("tag", Any, msgspec.field(name=tag_key, default=None)))
    struct = msgspec.defstruct("Keys", fields, gc=False)
    one = msgspec.json.Decoder(struct).decode
    every = msgspec.json.Decoder(list[struct]).decode  # type: ignore[valid-type]
    depth = len(path) - 1

    def keys_of(read: Any) -> Keys:
        at = read.at
        for _ in range(depth):
            at = None if at is None else at.at
        return read.uuid, at, read.tag if tag_key is not None else None

    def slowly(text: bytes) -> Keys:
        try:
            return keys_of(one(text))
        except msgspec.DecodeError:
            item = decode(text, status=200)
        if not isinstance(item, dict):
            return f"an item that is not a JSON object ({type(item).__name__}), left out"
        return item.get("uuid"), _dig(item, path), None if tag_key is None else item.get(tag_key)

    def read(texts: list[bytes]) -> list[Keys]:
        try:
            return [keys_of(found) for found in every(b"[%b]" % b",".join(texts))]
        except msgspec.DecodeError:
            return [slowly(text) for text in texts]

    return read


def _dig(item: object, path: tuple[str, ...]) -> object:
    for key in path:
        item = item.get(key) if isinstance(item, dict) else None
    return item
