"""`error_from_response`: the exception an error answer raises, read from its status, its
body and its headers.

The class follows the status and, when the body has a documented code, the code's kind
(`spec/errors.yaml`): both tables, and a class for every pair of them, are generated
(`_generated/error_classes.py`, imported with the first error answer), so the class is
found, never made.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import _json
from ._errors import APIError, MalformedResponseError, RedirectError
from ._generated.error_codes import ERROR_KINDS


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    operation: str | None = None,
    unsafe: bool = False,
) -> APIError:
    """The exception for an error response, from the API's error body when it has one.

    `operation` (`"contacts.find_one_by"`) is named in the message. The class follows the
    status and, when the body has a documented code, the code's kind. For an `unsafe` write
    (not safe to repeat), a 500/502/504 that says nothing more specific also raises as
    `OutcomeUnknownError`: it may have been processed.
    """
    # Loaded with the first error answer, not with the package: ninety classes to create.
    from ._generated.error_classes import (
        ERROR_CLASSES,
        RANGE_CLASSES,
        STATUS_CLASSES,
        UNKNOWN_OUTCOME_CLASSES,
        UNKNOWN_OUTCOME_STATUSES,
    )

    if 300 <= status < 400:
        where = RedirectError._without_query(headers.get("Location"))
        return RedirectError(
            f"redirect to {where or 'nowhere (no Location header)'}, not followed",
            status=status,
            headers=headers,
            operation=operation,
        )
    cls = STATUS_CLASSES.get(status) or RANGE_CLASSES.get(status // 100, APIError)
    maybe_processed = unsafe and status in UNKNOWN_OUTCOME_STATUSES
    unknown = UNKNOWN_OUTCOME_CLASSES if maybe_processed else {}
    try:
        decoded = _json.decode(body, status=status) if body else None
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("message"), str):
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
    cls = unknown.get(cls, cls)
    if status == 503:
        message = "the Piggy platform is in maintenance mode"
    elif decoded is None and body:
        message = f"non-JSON error body: {MalformedResponseError._excerpt_of(body)!r}"
    else:
        message = f"error body without a message: {MalformedResponseError._excerpt_of(body)!r}"
    return cls(message, status=status, body=decoded, headers=headers, operation=operation)
