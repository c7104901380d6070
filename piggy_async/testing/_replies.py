"""What the fake answers: the success envelope and the API's error body.

Handlers return a `Reply` or raise `Failure`, and the endpoint encodes both, so every answer
has the shape clients meet in production:

    {"data": ..., "meta": ...}                                                   success
    {"status_code": 400, "code": 55031, "message": "Contact not found.", "errors": {...}}  error
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
from aiohttp import web

from piggy_async import ERROR_MESSAGES, ErrorCode

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the API sends it."""
    return _encoder.encode(value).encode()


def json_response(status: int, body: bytes, headers: Mapping[str, str]) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


@attrs.frozen
class Reply:
    """A success: `data` and `meta` as the operation documents them."""

    data: Any
    meta: Any = attrs.field(factory=list)
    """The docs show `[]` for single objects; lists carry their pagination meta."""
    links: Mapping[str, Any] | None = None
    """The top-level `links` of Laravel-style pages."""

    def body(self) -> bytes:
        envelope = {"data": self.data, "meta": self.meta}
        if self.links is not None:
            envelope["links"] = self.links
        return _encode_json(envelope)


class Failure(Exception):
    """An error answer in the API's error envelope, raised wherever the error is found.

    `code` is the API's error code (its documented message is used unless `message` says
    otherwise); errors outside the API's code table (401, 429, gateway errors) have none.
    """

    def __init__(
        self,
        code: int | None,
        *,
        status: int = 400,
        message: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        text = message or (ERROR_MESSAGES[code] if code is not None else "")
        if not text:
            raise ValueError("a Failure without a code needs a message")
        super().__init__(text)
        self.status = status
        self.code = code
        self.message = text
        self.errors = errors

    def body(self) -> bytes:
        envelope: dict[str, Any] = {"status_code": self.status}
        if self.code is not None:
            envelope["code"] = self.code
        envelope["message"] = self.message
        if self.errors:
            envelope["errors"] = self.errors
        return _encode_json(envelope)


def invalid_input(errors: Mapping[str, list[str]]) -> Failure:
    """The API's validation error: code 1003 with the messages per field."""
    return Failure(ErrorCode.INVALID_INPUT, errors=errors)


def field_label(name: str) -> str:
    """How Laravel names a field in its messages: `contact_uuid` → `contact uuid`."""
    return name.replace("_", " ")
