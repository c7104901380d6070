"""`error_from_response`: the exception an error answer raises, read from its status, its
body and its headers; `unreadable`: the one an answer whose body was cut short raises.

The class follows the status and, when the body has a documented code, the code's kind
(`spec/errors.yaml`): both tables, and a class for every pair of them, are generated
(`_generated/error_classes.py`, imported with the first error answer), so the class is
found, never made. A JSON body that cannot be read says nothing, not even its status's
usual meaning: it raises `TruncatedResponseError`, never a class its code would choose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _json
from ._errors import (
    APIError,
    MalformedResponseError,
    OutcomeUnknownError,
    PiggyError,
    RedirectError,
    TruncatedResponseError,
)
from ._generated.error_codes import ERROR_KINDS


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    operation: str | None = None,
    unsafe: bool = False,
) -> PiggyError:
    """The exception for an error response, from the API's error body when it has one.

    `operation` (`"contacts.find_one_by"`) is named in the message. The class follows the
    status and, when the body has a documented code, the code's kind. For an `unsafe` write
    (not safe to repeat), a 500/502/504 that says nothing more specific also raises as
    `OutcomeUnknownError`: it may have been processed. A JSON body cut short (or one that
    is not UTF-8) raises `TruncatedResponseError`, through `unreadable`.
    """
    if 300 <= status < 400:
        where = RedirectError._without_query(headers.get("Location"))
        return RedirectError(
            f"redirect to {where or 'nowhere (no Location header)'}, not followed",
            status=status,
            headers=headers,
            operation=operation,
        )
    try:
        decoded = _json.decode(body, status=status) if body else None
    except ValueError:
        if not _is_json(body, headers):
            decoded = None  # a proxy's HTML page: the status says it all
        else:
            reason = "the error body's JSON is cut short or unreadable"
            cut = TruncatedResponseError(
                reason, status=status, body=body, headers=headers, operation=operation
            )
            return unreadable(cut, operation=operation, unsafe=unsafe)
    return _api_error(status, decoded, body, headers, operation, unsafe)


def _api_error(
    status: int,
    decoded: Any,
    body: bytes,
    headers: Mapping[str, str],
    operation: str | None,
    unsafe: bool,
) -> APIError:
    """The `APIError` of a readable error answer: `decoded` is its JSON body, or None."""
    # Loaded with the first error answer, not with the package: ninety classes to create.
    from ._generated.error_classes import (
        ERROR_CLASSES,
        RANGE_CLASSES,
        STATUS_CLASSES,
        UNKNOWN_OUTCOME_CLASSES,
        UNKNOWN_OUTCOME_STATUSES,
    )

    cls = STATUS_CLASSES.get(status) or RANGE_CLASSES.get(status // 100, APIError)
    maybe_processed = unsafe and status in UNKNOWN_OUTCOME_STATUSES
    unknown = UNKNOWN_OUTCOME_CLASSES if maybe_processed else {}
    if not (isinstance(decoded, dict) and isinstance(decoded.get("message"), str)):
        return unknown.get(cls, cls)(
            _description(status, decoded, body),
            status=status,
            body=decoded,
            headers=headers,
            operation=operation,
        )
    code = decoded.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    kind = ERROR_KINDS.get(code) if code is not None else None
    if kind is not None:
        cls = ERROR_CLASSES[cls, kind]
    cls = unknown.get(cls, cls)  # a code of another kind says what happened
    errors = decoded.get("errors")
    return cls(
        decoded["message"],
        status=status,
        code=code,
        errors=errors if isinstance(errors, dict) else None,
        body=decoded,
        headers=headers,
        operation=operation,
    )


def _description(status: int, decoded: Any, body: bytes) -> str:
    """The message of an error answer without the API's own."""
    if status == 503:
        return "the Piggy platform is in maintenance mode"
    if decoded is None and body:
        return f"non-JSON error body: {MalformedResponseError._excerpt_of(body)!r}"
    return f"error body without a message: {MalformedResponseError._excerpt_of(body)!r}"


def _is_json(body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether a body that did not decode was meant to be JSON: its `Content-Type` says
    so, or it starts like a JSON object or list."""
    if "json" in headers.get("Content-Type", "").lower():
        return True
    return body.lstrip()[:1] in (b"{", b"[")


def unreadable(cut: TruncatedResponseError, *, operation: str | None, unsafe: bool) -> PiggyError:
    """What an answer whose body was cut short or cannot be read raises: `cut` itself, or,
    for an `unsafe` write its status says the API may have processed (a 2xx, a 500, 502 or
    504), `OutcomeUnknownError`."""
    from ._generated.error_classes import UNKNOWN_OUTCOME_STATUSES

    status = cut.status
    if not unsafe or not (status < 300 or status in UNKNOWN_OUTCOME_STATUSES):
        return cut
    where = f"{operation}: " if operation else ""
    return OutcomeUnknownError(
        f"{where}HTTP {status} was answered, but its body was cut short or cannot be read "
        f"({cut.received} bytes received): it may or may not have been processed; look the "
        "result up before sending the request again"
    )
