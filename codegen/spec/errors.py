"""`spec/errors.yaml`: the exception classes an error answer raises, and the API's error
codes, each with a name and the kind that picks its class."""

from __future__ import annotations

import re
from typing import Any

from .objects import ErrorClass, ErrorCode, UnknownOutcome
from .reader import IDENTIFIER, Reader

CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*Error$")
STATUS = re.compile(r"^[1-5]xx$")
ROOT = "APIError"
"""The base of every class of the table, declared in `piggy_async/_errors.py`."""


def load_errors(
    reader: Reader, document: Any
) -> tuple[tuple[ErrorClass, ...], tuple[ErrorCode, ...], UnknownOutcome | None]:
    """The classes, the codes (each code's kind checked against the classes' kinds) and
    the answers that leave an unsafe write's outcome unknown."""
    data = reader.mapping(
        document,
        "",
        allowed=("classes", "errors", "unknown_outcome"),
        required=("classes", "errors"),
    )
    classes = _load_classes(reader, data["classes"])
    kinds = {cls.kind for cls in classes if cls.kind}
    unknown = _load_unknown_outcome(reader, data.get("unknown_outcome"), classes)
    return classes, _load_codes(reader, data["errors"], kinds), unknown


def _load_unknown_outcome(
    reader: Reader, document: Any, classes: tuple[ErrorClass, ...]
) -> UnknownOutcome | None:
    """`unknown_outcome: {statuses: [...], class: ...}`: each status a 5xx of a class of
    the table; the class one of `piggy_async/_errors.py` (a test checks it is there)."""
    if document is None:
        return None
    item = reader.mapping(
        document, "unknown_outcome", allowed=("statuses", "class"), required=("statuses", "class")
    )
    statuses = item["statuses"]
    if (
        not isinstance(statuses, list)
        or not statuses
        or not all(isinstance(s, int) and 500 <= s < 600 for s in statuses)
    ):
        raise reader.error("unknown_outcome.statuses", "expected a list of 5xx statuses")
    if any(cls.status in statuses for cls in classes):
        raise reader.error("unknown_outcome.statuses", "a status with a class of its own")
    name = item["class"]
    if not isinstance(name, str) or not CLASS_NAME.match(name) or name in {c.name for c in classes}:
        raise reader.error("unknown_outcome.class", "expected an error class outside `classes`")
    return UnknownOutcome(tuple(sorted(set(statuses))), name)


def _load_classes(reader: Reader, document: Any) -> tuple[ErrorClass, ...]:
    table = reader.mapping(
        document, "classes", allowed=document if isinstance(document, dict) else ()
    )
    result: list[ErrorClass] = []
    for name, entry in table.items():
        key = f"classes.{name}"
        if not isinstance(name, str) or not CLASS_NAME.match(name) or name == ROOT:
            raise reader.error(key, "expected a class name like NotFoundError (not APIError)")
        item = reader.mapping(entry or {}, key, allowed=("status", "kind", "base"))
        status = item.get("status")
        valid = (isinstance(status, int) and 400 <= status < 600) or (
            isinstance(status, str) and STATUS.match(status) and status[0] in "45"
        )
        if status is not None and not valid:
            raise reader.error(f"{key}.status", "expected a 4xx or 5xx status, or 4xx / 5xx")
        kind = item.get("kind")
        if kind is not None and (not isinstance(kind, str) or not IDENTIFIER.match(kind)):
            raise reader.error(f"{key}.kind", "expected a snake_case kind")
        base = item.get("base", ROOT)
        if base != ROOT and base not in {c.name for c in result}:
            raise reader.error(f"{key}.base", "expected APIError or a class listed before it")
        if status is None and kind is None:
            raise reader.error(key, "a class stands for a status, a kind or both")
        for other in result:
            if status is not None and other.status == status:
                raise reader.error(f"{key}.status", f"{status} is already {other.name}'s")
            if kind is not None and other.kind == kind:
                raise reader.error(f"{key}.kind", f"{kind} is already {other.name}'s")
        result.append(ErrorClass(name, status, kind, base))
    return tuple(result)


def _load_codes(reader: Reader, document: Any, kinds: set[str]) -> tuple[ErrorCode, ...]:
    table = reader.mapping(
        document, "errors", allowed=document if isinstance(document, dict) else ()
    )
    result: list[ErrorCode] = []
    names: set[str] = set()
    for code, entry in table.items():
        key = f"errors.{code}"
        if not isinstance(code, int) or code <= 0:
            raise reader.error(key, "an error code must be a positive integer")
        item = reader.mapping(
            entry,
            key,
            allowed=("name", "kind", "message", "also"),
            required=("name", "kind", "message"),
        )
        name = item["name"]
        if not isinstance(name, str) or not re.match(r"^[A-Z][A-Z0-9_]*$", name) or name in names:
            raise reader.error(f"{key}.name", f"expected a unique UPPER_SNAKE name, got {name!r}")
        names.add(name)
        if item["kind"] not in kinds:
            raise reader.error(
                f"{key}.kind", f"expected a kind of `classes`: {', '.join(sorted(kinds))}"
            )
        also = item.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            raise reader.error(f"{key}.also", "expected a list of messages")
        result.append(
            ErrorCode(
                code,
                name,
                item["kind"],
                reader.text(item["message"], f"{key}.message"),
                tuple(also),
            )
        )
    return tuple(sorted(result, key=lambda e: e.code))
