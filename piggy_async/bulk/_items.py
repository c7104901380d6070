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

from .._codecs import _tagged, structurer
from .._json import decode
from .._lenient import mismatches
from .._mismatches import DECODE_ERRORS, strict_decoding
from ._fit import fit_check
from ._keys import keys_reader
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
        self._model = source.model
        self._keys = keys_reader(source)
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
        for text, keys in zip(texts, self._keys(texts), strict=True):
            if isinstance(keys, str):
                problem = keys
            else:
                uuid, moment, tag = keys
                second = _second_of(moment) if moment.__class__ is str else None
                if uuid.__class__ is str and uuid and second is not None:
                    placed.append(Placed(second, uuid, text, tag))
                    continue
                problem = _unplaceable(uuid)
            if count:
                self._note(self.unplaced, problem)
        return placed

    def check(self, placed: Iterable[Placed]) -> None:
        """Count those of the `placed` items the models cannot take (each exported item
        once). Items the quick check passes fit; any other is structured strictly, and
        only an odd one is decoded again, leniently, to name the values that do not fit."""
        kinds: dict[object, list[Placed]] = {}
        for item in placed:  # the quick check takes items of one kind together
            kinds.setdefault(item.tag if item.tag.__class__ is str else None, []).append(item)
        for tag, items in kinds.items():
            texts = [item.text for item in items]
            fitting = [False] * len(items) if self._fits is None else self._fits(texts, tag)
            for item, fits in zip(items, fitting, strict=True):
                if not (fits or self._fits_strictly(item.text)):
                    continue
                unknown = self._kinds(item.tag)
                if unknown is not None:
                    self._note(self.odd, unknown)

    def _fits_strictly(self, text: bytes) -> bool:
        """Whether the models take the item `text` strictly; if not, it is counted as odd."""
        data = decode(text, status=200)
        try:
            with strict_decoding():
                self._structure(data)
        except DECODE_ERRORS:
            self._odd(data)
            return False
        return True

    def _odd(self, item: RawItem) -> None:
        name = _model_name(self._model, item)
        paths = mismatches(item, self._model) or ["$"]
        fields = ", ".join(name + path.removeprefix("$") for path in paths)
        self._note(self.odd, f"values the models cannot take: {fields}"[:KIND_LENGTH])

    def _note(self, counts: Counter[str], kind: str) -> None:
        if kind not in counts:
            logger.warning("%s export: %s (counted; logged once per run)", self._job, kind)
        counts[kind] += 1


def _unplaceable(uuid: object) -> str:
    if not (isinstance(uuid, str) and uuid):
        return "an item without a uuid, left out"
    return "an item without a readable created_at, left out"


@functools.lru_cache(maxsize=1024)  # the items of a second share their timestamp
def _second_of(moment: str) -> int | None:
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return int(when.timestamp() // 1)


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
