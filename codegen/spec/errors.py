"""`spec/errors.yaml`: the API's error codes, each with a name and a kind."""

from __future__ import annotations

import re
from typing import Any

from .objects import ErrorCode
from .reader import Reader

ERROR_KINDS = {
    "not_found": "NotFoundError",
    "already_exists": "AlreadyExistsError",
    "conflict": "ConflictError",
    "invalid_input": "InvalidInputError",
    "insufficient_balance": "InsufficientBalanceError",
    "limit_reached": "LimitReachedError",
    "unavailable": "UnavailableError",
    "permission_denied": "PermissionDeniedError",
    "authentication": "AuthenticationError",
    "misconfigured": "MisconfiguredError",
    "internal": "ServerError",
}
"""Each error kind and the `piggy_async` exception class it raises (see spec/README.md)."""


def load_errors(reader: Reader, document: Any) -> list[ErrorCode]:
    data = reader.mapping(document, "", allowed=("errors",), required=("errors",))
    table = reader.mapping(
        data["errors"], "errors", allowed=data["errors"] if isinstance(data["errors"], dict) else ()
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
        if item["kind"] not in ERROR_KINDS:
            raise reader.error(f"{key}.kind", f"expected one of {', '.join(ERROR_KINDS)}")
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
    return sorted(result, key=lambda e: e.code)
