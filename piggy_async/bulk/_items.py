"""Placing exported items (their creation second and uuid) and noting the odd ones.

An item is exported as the API sent it (its JSON text). One the models cannot take (a `null`
where a number belongs, a type the SDK does not know yet) is still exported, and counted
under its kind of problem; an item without a readable `created_at` or `uuid` cannot be
placed in the stream, so it is counted and left out. Each kind of problem is logged once
per run.

Placing reads only the keys it needs out of each item's text. Whether an item fits its
model is checked by the quick mirror of the model (`_fit`); only an item that fails it is
structured strictly, and only an odd one is decoded once more, leniently, to name the
values that do not fit.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Final

import attrs
import msgspec

from .._codecs import _tagged, structurer
from .._json import decode
from .._lenient import mismatches
from .._mismatches import DECODE_ERRORS, strict_decoding
from ._fit import fit_check
from ._source import RawItem, Source

logger = logging.getLogger("piggy_async.bulk")

KIND_LENGTH: Final = 160
"""Characters of a problem's description kept as its kind."""


@attrs.frozen(slots=True)
class Placed:
    """An item with its creation second (epoch seconds) and uuid.

    Attributes:
        text: The item's JSON text, as sent, on one line: bytes-like (`bytes`, or the
            `msgspec.Raw` slice of its page), so `bytes(text)` or `str(text, "utf-8")`.
        tag: The value of the key telling the model's kinds apart, if it has several.
    """

    second: int
    uuid: str
    text: bytes
    tag: object = None


class Items:
    """Places a source's items and keeps the counts of what was odd about them."""

    def __init__(self, source: Source) -> None:
        self._job = source.job
        self._created_at = source.created_at
        self._model = source.model
        self._keys = _keys_decoder(source)
        self._fits = fit_check(source.model)
        self._structure = structurer(source.model)
        self._kinds: Callable[[object], str | None] = _unknown_kind(source.model)
        self.odd: Counter[str] = Counter()
        """Items exported that the models cannot take, by kind of problem."""
        self.unplaced: Counter[str] = Counter()
        """Items left out for want of a readable creation time or uuid, by kind."""

    def place(self, texts: list[bytes], *, count: bool) -> list[Placed]:
        """The placeable items of `texts`; the others are counted if `count` (an item is
        counted once: on the page that brings it in order, not when a page is read again)."""
        placed = []
        for text in texts:
            item = self._locate(text)
            if isinstance(item, Placed):
                placed.append(item)
            elif count:
                self._note(self.unplaced, item)
        return placed

    def _locate(self, text: bytes) -> Placed | str:
        """The item placed, or why it cannot be."""
        try:
            uuid, moment, tag = self._keys(text)
        except msgspec.DecodeError:  # not an object, or keys of another shape: decode it
            item = decode(text, status=200)
            if not isinstance(item, dict):
                return f"an item that is not a JSON object ({type(item).__name__}), left out"
            uuid, moment, tag = item.get("uuid"), _dig(item, self._created_at), None
            if self._model in _tagged:
                tag = item.get(_tagged[self._model][0])
        if not (isinstance(uuid, str) and uuid):
            return "an item without a uuid, left out"
        second = _second(moment)
        if second is None:
            return "an item without a readable created_at, left out"
        return Placed(second, uuid, text, tag)

    def check(self, placed: Iterable[Placed]) -> None:
        """Count those of the `placed` items the models cannot take (each exported item
        once). An item the quick check passes fits; any other is structured strictly,
        and only an odd one is decoded again, leniently, to name the values that do not
        fit."""
        fits = self._fits
        for item in placed:
            if fits is None or not fits(item.text, item.tag):
                data = decode(item.text, status=200)
                try:
                    with strict_decoding():
                        self._structure(data)
                except DECODE_ERRORS:
                    self._odd(data)
                    continue
            unknown = self._kinds(item.tag)
            if unknown is not None:
                self._note(self.odd, unknown)

    def _odd(self, item: RawItem) -> None:
        name = _model_name(self._model, item)
        paths = mismatches(item, self._model) or ["$"]
        fields = ", ".join(name + path.removeprefix("$") for path in paths)
        self._note(self.odd, f"values the models cannot take: {fields}"[:KIND_LENGTH])

    def _note(self, counts: Counter[str], kind: str) -> None:
        if kind not in counts:
            logger.warning("%s export: %s (counted; logged once per run)", self._job, kind)
        counts[kind] += 1


def _second(moment: object) -> int | None:
    """The epoch second of a timestamp with its zone, or None."""
    return _second_of(moment) if moment.__class__ is str else None


@functools.lru_cache(maxsize=1024)  # the items of a second share their timestamp
def _second_of(moment: str) -> int | None:
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return int(when.timestamp() // 1)


def _dig(item: object, path: tuple[str, ...]) -> object:
    for key in path:
        item = item.get(key) if isinstance(item, dict) else None
    return item


def _keys_decoder(source: Source) -> Callable[[bytes], tuple[object, object, object]]:
    """Reads an item's uuid, creation time (at `source.created_at`) and kind (the key
    telling the model's kinds apart, if any) out of its JSON text, nothing else.

    Raises (the function made):
        msgspec.DecodeError: The text is not an object, or an object on the way to the
            creation time is something else (the decoded item tells which).
    """
    path = source.created_at
    found: Any = Any
    for key in reversed(path[1:]):  # an object on the way: a struct holding the next key
        level = msgspec.defstruct("Level", [("at", found, msgspec.field(name=key, default=None))])
        found = level | None
    fields: list[tuple[str, Any, Any]] = [
        ("uuid", Any, None),
        ("at", found, msgspec.field(name=path[0], default=None)),
    ]
    tagged = source.model in _tagged
    if tagged:
        fields.append(("tag", Any, msgspec.field(name=_tagged[source.model][0], default=None)))
    decode = msgspec.json.Decoder(msgspec.defstruct("Keys", fields, gc=False)).decode
    depth = len(path) - 1

    def keys(text: bytes) -> tuple[object, object, object]:
        read: Any = decode(text)
        at = read.at
        for _ in range(depth):
            at = None if at is None else at.at
        return read.uuid, at, read.tag if tagged else None

    return keys


def _model_name(model: Any, item: RawItem) -> str:
    """The name of the model `item` decodes as (for a tagged union, its variant's)."""
    if model in _tagged:
        key, variants, default = _tagged[model]
        tag = item.get(key) if isinstance(item, dict) else None
        model = variants.get(tag, default) if isinstance(tag, str) else default
    return str(getattr(model, "__name__", "item"))


def _unknown_kind(model: Any) -> Callable[[object], str | None]:
    """For a model with several kinds told apart by a key, a check naming an item of a
    kind the SDK does not know (the models take it as their default kind), given the
    key's value in the item (a string: items of any other fail their model's check)."""
    if model not in _tagged:
        return lambda tag: None
    key, variants, _default = _tagged[model]

    def unknown(tag: object) -> str | None:
        if tag in variants:
            return None
        return f"an item of a {key} the SDK does not know: {str(tag)[:40]!r}"

    return unknown
