"""Walking one YAML document: typed reads that fail with a `SpecError` naming the file and
the key path, and the Python names derived from JSON names."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .types import TypeRef, parse_type

APIS = ("oauth", "register")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class SpecError(Exception):
    """A malformed spec: the message names the file and the key."""

    def __init__(self, file: str, key: str, message: str) -> None:
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


class Reader:
    """Walks one YAML document, knowing the file and key path for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, key: str, message: str) -> SpecError:
        return SpecError(self.file, key, message)

    def mapping(
        self, value: Any, key: str, *, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected a mapping, got {type(value).__name__}")
        allowed = set(allowed)
        for name in value:
            if name not in allowed:
                raise self.error(
                    _join(key, str(name)), f"unknown key (allowed: {', '.join(sorted(allowed))})"
                )
        for name in required:
            if name not in value:
                raise self.error(_join(key, name), "missing required key")
        return dict(value)

    def table(self, value: Any, key: str) -> dict[str, Any]:
        """A mapping whose keys are names the spec chooses (codes, models, operations)."""
        return self.mapping(value, key, allowed=value if isinstance(value, Mapping) else ())

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "expected a non-empty string")
        return " ".join(value.split())

    def type(self, value: Any, key: str) -> TypeRef:
        if value is None:
            value = "null"
        if not isinstance(value, str):
            raise self.error(key, f"expected a type expression, got {value!r}")
        try:
            return parse_type(value)
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def apis(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or any(a not in APIS for a in value):
            raise self.error(key, f"expected a non-empty list of {', '.join(APIS)}")
        if len(set(value)) != len(value):
            raise self.error(key, "repeated API")
        return tuple(a for a in APIS if a in value)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


_MODEL_MEMBERS = ("extra", "mismatched")
"""Names `Model` gives every model: a field with one of these keys gets `_` appended."""


def python_name(name: str) -> str:
    """The Python identifier for a JSON name.

    `created_at[gte]` → `created_at_gte`, `perPage` → `per_page`, `from` → `from_`.
    """
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    snake = re.sub(r"_+", "_", snake)
    if not snake or snake[0].isdigit():
        snake = f"_{snake}"
    return f"{snake}_" if keyword.iskeyword(snake) or snake in _MODEL_MEMBERS else snake


def attribute_name(key: str) -> str:
    """The attribute for a model field: the key itself where it is a valid identifier."""
    if key.isidentifier() and not keyword.iskeyword(key) and key not in _MODEL_MEMBERS:
        return key
    return python_name(key)
