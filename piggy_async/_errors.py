"""The exceptions the SDK raises.

    PiggyError
    ├── APIError                  the API answered with an error (any status but 2xx)
    │   ├── RedirectError         3xx: never followed, so nothing goes to another host
    │   ├── BadRequestError       400: the API's usual error status (invalid input, not found, ...)
    │   ├── AuthenticationError   401
    │   ├── PermissionDeniedError 403
    │   ├── NotFoundError         404
    │   ├── UnprocessableEntityError 422
    │   ├── RateLimitError        429 (`retry_after`, when the API says)
    │   └── ServerError           5xx
    │       └── MaintenanceError  503: the platform is in maintenance mode
    ├── MalformedResponseError    a success response the SDK cannot read
    ├── ResponseTooLargeError     a response body over the client's `max_response_bytes`
    ├── ClientStateError          the client is closed, or used from another event loop
    └── APIConnectionError        no usable response (`may_have_been_processed` says if the
        │                         server may still have acted on the request)
        ├── APITimeoutError       the request took longer than its timeout
        └── OutcomeUnknownError   a write that is not safe to repeat broke off after it was
                                  sent: it may or may not have been processed

The API reports most errors with status 400 and tells them apart by `code`: compare
`APIError.code` with `ErrorCode` members.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import _defaults
from ._transport.headers import retry_after as _retry_after


class PiggyError(Exception):
    """Base of every exception the SDK raises."""


class APIError(PiggyError):
    """The API answered with an error status.

    Attributes:
        status: The HTTP status.
        code: The API's error code (compare with `ErrorCode`), or None if the body had none.
        message: The API's message, or a description of the unreadable body.
        errors: Per-field validation messages (`{"email": ["The email is invalid."]}`).
        body: The decoded JSON body, or None if it was not JSON.
        headers: The response headers.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None = None,
        errors: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors: dict[str, Any] = dict(errors or {})
        self.body = body
        self.headers: Mapping[str, str] = headers or {}

    @property
    def retry_after(self) -> float | None:
        """Seconds the API asked to wait (`Retry-After`, in seconds or as a date, or
        `X-RateLimit-Reset`), None if it did not say; `inf` if what it said is unusable."""
        return _retry_after(self.headers)

    def __str__(self) -> str:
        code = f" (code {self.code})" if self.code is not None else ""
        fields = f" {self.errors}" if self.errors else ""
        return f"HTTP {self.status}{code}: {self.message}{fields}"


class RedirectError(APIError):
    """HTTP 3xx: the SDK follows no redirect, so credentials, query strings and bodies only
    ever go to the configured host. `location` is where it pointed (without its query)."""

    @property
    def location(self) -> str | None:
        return _without_query(self.headers.get("Location"))


class BadRequestError(APIError):
    """HTTP 400: the API's status for most errors (`code` says which)."""


class AuthenticationError(APIError):
    """HTTP 401: the API key or access token is missing, wrong or expired."""


class PermissionDeniedError(APIError):
    """HTTP 403: the credentials may not do this."""


class NotFoundError(APIError):
    """HTTP 404: no such endpoint or object."""


class UnprocessableEntityError(APIError):
    """HTTP 422: the input failed validation (`errors` says where)."""


class RateLimitError(APIError):
    """HTTP 429: the key's request budget is spent; `retry_after` says for how long."""


class ServerError(APIError):
    """HTTP 5xx: the API failed."""


class MaintenanceError(ServerError):
    """HTTP 503: the Piggy platform is in maintenance mode."""


class MalformedResponseError(PiggyError):
    """A success response whose body the SDK cannot read: not JSON, no `data`, or `data` not
    shaped like the documented model.

    Attributes:
        status: The HTTP status.
        excerpt: The start of the body.
    """

    def __init__(self, reason: str, *, status: int, body: bytes) -> None:
        self.status = status
        self.excerpt = _excerpt(body)
        super().__init__(f"HTTP {status}: {reason}; body starts {self.excerpt!r}")


class ResponseTooLargeError(PiggyError):
    """The response body was larger than the client's `max_response_bytes`; no more than
    that was read."""


class ClientStateError(PiggyError):
    """The client cannot send: it was closed, or it belongs to another event loop."""


class APIConnectionError(PiggyError):
    """The request got no usable response: the connection failed or broke off.

    Attributes:
        may_have_been_processed: False when the request provably never reached the server
            (the connection was refused, DNS failed, the connect timed out), True when it was
            sent and the server may have acted on it.
    """

    def __init__(self, message: str, *, may_have_been_processed: bool = False) -> None:
        super().__init__(message)
        self.may_have_been_processed = may_have_been_processed


class APITimeoutError(APIConnectionError):
    """The request took longer than its timeout."""


class OutcomeUnknownError(APIConnectionError):
    """A write that is not safe to repeat was sent, but its answer was lost (read timeout,
    connection reset, a cut-off body): the server may or may not have processed it.

    The SDK does not retry it, since a retry could apply it twice. Look the result up (find
    the contact, list the transactions) before sending it again.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_been_processed=True)


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: MaintenanceError,
}


def _excerpt(body: bytes) -> str:
    return body[: _defaults.ERROR_BODY_EXCERPT].decode("utf-8", errors="replace")


def _without_query(url: str | None) -> str | None:
    return url.split("?", 1)[0].split("#", 1)[0] if url else None


def error_from_response(status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
    """The exception for an error response, from the API's error body when it has one."""
    cls = _BY_STATUS.get(status) or (
        ServerError if status >= 500 else RedirectError if 300 <= status < 400 else APIError
    )
    if cls is RedirectError:
        where = _without_query(headers.get("Location")) or "nowhere (no Location header)"
        return cls(f"redirect to {where}, not followed", status=status, headers=headers)
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("message"), str):
        code = decoded.get("code")
        errors = decoded.get("errors")
        return cls(
            decoded["message"],
            status=status,
            code=code if isinstance(code, int) else None,
            errors=errors if isinstance(errors, dict) else None,
            body=decoded,
            headers=headers,
        )
    if status == 503:
        message = "the Piggy platform is in maintenance mode"
    elif decoded is None and body:
        message = f"non-JSON error body: {_excerpt(body)!r}"
    else:
        message = f"error body without a message: {_excerpt(body)!r}"
    return cls(message, status=status, body=decoded, headers=headers)
