"""Turning a call's arguments into a URL, query pairs and a JSON body."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ._model import Model
from ._unset import Unset


def fill_path(template: str, values: Mapping[str, Any]) -> str:
    """The operation path with each `{name}` replaced by its percent-encoded value.

    Everything but unreserved characters is encoded, `/` included, and a value of only dots
    is refused, so a value can never leave its path segment (`"../x"` becomes `..%2Fx`).
    """
    parts = _templates.get(template) or _parse(template)
    path = parts[0]
    for at in range(1, len(parts), 2):
        name = parts[at]
        value = values[name]
        if value.__class__ is not str or _plain_segment(value) is None:
            value = _segment(name, value)
        path += value + parts[at + 1]  # uuids and ids: percent-encoding changes nothing
    return path


_templates: dict[str, tuple[str, ...]] = {}
"""A path template split once into text, placeholder name, text, ... text."""


def _parse(template: str) -> tuple[str, ...]:
    parts: list[str] = []
    for text, name, _, _ in string.Formatter().parse(template):
        parts.append(text)
        if name is not None:
            parts.append(name)
    if len(parts) % 2 == 0:  # a template ending with a placeholder
        parts.append("")
    _templates[template] = tuple(parts)
    return _templates[template]


_plain_segment = re.compile("[A-Za-z0-9-]+").fullmatch
"""Letters, digits and dashes: a segment as it stands, no dot in sight."""


def _segment(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    text = str(value)
    if not text.strip() or text.strip(".") == "":
        raise ValueError(f"{name} must not be empty, '.' or '..', got {text!r}")
    return quote(text, safe="")


def utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z` (no `+`, which a query string would turn into a space)."""
    if value.tzinfo is None:
        raise ValueError(f"pass a timezone-aware datetime (e.g. datetime.now(UTC)), got {value!r}")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _query_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        try:
            return utc_iso(value)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"{name}: cannot send a {type(value).__name__} as a query parameter")


def encode_query(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query pairs, leaving out unset and None values; sequences repeat their key."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if value is None or isinstance(value, Unset):
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            pairs.extend((f"{name}[]", _query_value(name, item)) for item in value)
        else:
            pairs.append((name, _query_value(name, value)))
    return pairs


def _json_default(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"cannot send a {type(value).__name__} in a JSON body")


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The JSON body: unset values are left out, None is sent as null."""
    present = {name: value for name, value in body.items() if not isinstance(value, Unset)}
    try:
        text = json.dumps(
            present,
            default=_json_default,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except ValueError as error:  # NaN or Infinity, which JSON cannot carry
        raise ValueError(f"cannot send {error}: NaN and Infinity are not JSON") from None
    return text.encode()
