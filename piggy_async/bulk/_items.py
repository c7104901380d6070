"""Placing exported items (their creation second and uuid) and noting the odd ones.

An item is exported as the API sent it. One the models cannot take (a `null` where a number
belongs, a type the SDK does not know yet) is still exported, and counted under its kind of
problem; an item without a readable `created_at` or `uuid` cannot be placed in the stream,
so it is counted and left out. Each kind of problem is logged once per run.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Final

import attrs

from .._codecs import _tagged, structurer
from .._lenient import mismatches
from .._mismatches import DECODE_ERRORS, strict_decoding
from ._source import RawItem, Source

logger = logging.getLogger("piggy_async.bulk")

KIND_LENGTH: Final = 160
"""Characters of a problem's description kept as its kind."""


@attrs.frozen(slots=True)
class Placed:
    """An item with its creation second (epoch seconds) and uuid."""

    second: int
    uuid: str
    data: RawItem


class Items:
    """Places a source's items and keeps the counts of what was odd about them."""

    def __init__(self, source: Source) -> None:
        self._job = source.job
        self._created_at = source.created_at
        self._model = source.model
        self._structure = structurer(source.model)
        self._kinds: Callable[[RawItem], str | None] = _unknown_kind(source.model)
        self.odd: Counter[str] = Counter()
        """Items exported that the models cannot take, by kind of problem."""
        self.unplaced: Counter[str] = Counter()
        """Items left out for want of a readable creation time or uuid, by kind."""

    def place(self, items: list[RawItem], *, count: bool) -> list[Placed]:
        """The placeable `items`; the others are counted if `count` (an item is counted
        once: on the page that brings it in order, not when a page is read again)."""
        placed = []
        for item in items:
            where = _where(item, self._created_at) if isinstance(item, dict) else None
            if where is None:
                if count:
                    self._note(self.unplaced, _unplaceable(item, self._created_at))
                continue
            placed.append(Placed(where[0], where[1], item))
        return placed

    def check(self, items: Iterable[RawItem]) -> None:
        """Count those of `items` the models cannot take (each exported item once). Decoding
        strictly finds them at the cost of building the models; only an odd one is decoded
        again, leniently, to name the values that do not fit."""
        structure = self._structure
        with strict_decoding():
            for item in items:
                try:
                    structure(item)
                except DECODE_ERRORS:
                    self._odd(item)
                    continue
                unknown = self._kinds(item)
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


def _where(item: RawItem, created_at: Callable[[RawItem], object]) -> tuple[int, str] | None:
    uuid, moment = item.get("uuid"), created_at(item)
    if not (isinstance(uuid, str) and uuid and isinstance(moment, str)):
        return None
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return int(when.timestamp() // 1), uuid


def _unplaceable(item: object, created_at: Callable[[RawItem], object]) -> str:
    if not isinstance(item, dict):
        return f"an item that is not a JSON object ({type(item).__name__}), left out"
    uuid = item.get("uuid")
    if not (isinstance(uuid, str) and uuid):
        return "an item without a uuid, left out"
    return "an item without a readable created_at, left out"


def _model_name(model: Any, item: RawItem) -> str:
    """The name of the model `item` decodes as (for a tagged union, its variant's)."""
    if model in _tagged:
        key, variants, default = _tagged[model]
        tag = item.get(key) if isinstance(item, dict) else None
        model = variants.get(tag, default) if isinstance(tag, str) else default
    return str(getattr(model, "__name__", "item"))


def _unknown_kind(model: Any) -> Callable[[RawItem], str | None]:
    """For a model with several kinds told apart by a key, a check naming an item of a
    kind the SDK does not know (the models take it as their default kind)."""
    if model not in _tagged:
        return lambda item: None
    key, variants, _default = _tagged[model]

    def unknown(item: RawItem) -> str | None:
        value = item.get(key)
        if value in variants:
            return None
        return f"an item of a {key} the SDK does not know: {str(value)[:40]!r}"

    return unknown
