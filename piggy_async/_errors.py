"""The exceptions the SDK raises.

    PiggyError
    ├── APIError                  the API answered with an error (any status but 2xx)
    │   ├── RedirectError         3xx: never followed, so nothing goes to another host
    │   ├── BadRequestError       400: the API's usual error status (invalid input, not found, ...)
    │   ├── AuthenticationError   401, or a code of kind `authentication`
    │   ├── PermissionDeniedError 403, or a code of kind `permission_denied`
    │   ├── NotFoundError         404, or a code of kind `not_found`
    │   ├── ConflictError         409, or a code of kind `conflict`
    │   │   └── AlreadyExistsError    a code of kind `already_exists`
    │   ├── InvalidInputError     a code of kind `invalid_input`
    │   │   └── UnprocessableEntityError 422
    │   ├── InsufficientBalanceError  a code of kind `insufficient_balance`
    │   ├── LimitReachedError     a code of kind `limit_reached`
    │   ├── UnavailableError      a code of kind `unavailable`
    │   ├── MisconfiguredError    a code of kind `misconfigured`
    │   ├── RateLimitError        429 (`retry_after`, when the API says)
    │   └── ServerError           5xx, or a code of kind `internal`
    │       └── MaintenanceError  503: the platform is in maintenance mode
    ├── MalformedResponseError    a success response the SDK cannot read
    │   └── TruncatedResponseError    any response whose body was cut short or cannot be
    │                                 read (also an `APIConnectionError`)
    ├── PaginationError           a list operation's pages cannot be followed to their end
    ├── ResponseTooLargeError     a response body over the client's `max_response_bytes`
    ├── ClientStateError          the client is closed, or used from another event loop
    └── APIConnectionError        no usable response (`may_have_been_processed` says if the
        │                         server may still have acted on the request)
        ├── APITimeoutError       the request took longer than its timeout
        └── OutcomeUnknownError   a write that is not safe to repeat broke off after it was
                                  sent: it may or may not have been processed

The API reports most errors with status 400, so the class follows the error code's kind
(`spec/errors.yaml`) as well as the status: 55031 "Contact not found" answered with 400
raises `NotFoundBadRequestError`, both a `NotFoundError` and a `BadRequestError`. Those
combined classes are generated from the spec (`_generated/error_classes.py`), and
`_error_response.py` picks the class of an answer.

Every exception pickles with its message and attributes (`__reduce__` rebuilds it without
calling `__init__`, whose arguments are keyword-only), so errors cross process boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from multidict import CIMultiDict

from . import _defaults
from ._generated.error_codes import ERROR_KINDS
from ._rate_headers import retry_after as _retry_after

__all__ = [
    "PiggyError",
    "APIError",
    "RedirectError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "AlreadyExistsError",
    "InvalidInputError",
    "UnprocessableEntityError",
    "InsufficientBalanceError",
    "LimitReachedError",
    "UnavailableError",
    "MisconfiguredError",
    "RateLimitError",
    "ServerError",
    "MaintenanceError",
    "MalformedResponseError",
    "TruncatedResponseError",
    "PaginationError",
    "ResponseTooLargeError",
    "ClientStateError",
    "APIConnectionError",
    "APITimeoutError",
    "OutcomeUnknownError",
]


class PiggyError(Exception):
    """Base of every exception the SDK raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its arguments and attributes as they are, without `__init__`: a
        # subclass's `__init__` takes other arguments than the message it stores.
        return BaseException.__new__, (type(self), *self.args), self._pickled_state()

    def _pickled_state(self) -> dict[str, Any]:
        return self.__dict__


class APIError(PiggyError):
    """The API answered with an error status.

    Attributes:
        status: The HTTP status.
        code: The API's error code (compare with `ErrorCode`), or None if the body had none.
        kind: The code's kind (`"not_found"`, `"insufficient_balance"`, ...; see the README),
            or None for an unknown or missing code.
        operation: The operation that failed, e.g. `"contacts.find_one_by"`, if known.
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
        operation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.kind = ERROR_KINDS.get(code) if code is not None else None
        self.operation = operation
        self.message = message
        self.errors: dict[str, Any] = dict(errors or {})
        self.body = body
        self.headers: Mapping[str, str] = headers or {}

    def _pickled_state(self) -> dict[str, Any]:
        # aiohttp's response headers are a view that cannot be pickled: send a copy.
        return {**self.__dict__, "headers": CIMultiDict(self.headers)}

    @property
    def retry_after(self) -> float | None:
        """Seconds the API asked to wait (`Retry-After`, in seconds or as a date, or
        `X-RateLimit-Reset`); None if it did not say, or said something that is not a
        plausible wait (`inf`, `nan`, `-1`, more than a day: `_defaults.MAX_RETRY_AFTER`)."""
        return _retry_after(self.headers)

    def __str__(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        code = f" (code {self.code})" if self.code is not None else ""
        fields = f" {self.errors}" if self.errors else ""
        return f"{where}HTTP {self.status}{code} {self.message}{fields}"


class RedirectError(APIError):
    """HTTP 3xx: the SDK follows no redirect, so credentials, query strings and bodies only
    ever go to the configured host. `location` is where it pointed (without its query)."""

    @property
    def location(self) -> str | None:
        return self._without_query(self.headers.get("Location"))

    @staticmethod
    def _without_query(url: str | None) -> str | None:
        """`url` without its query and fragment, which may hold e-mails or tokens."""
        return url.split("?", 1)[0].split("#", 1)[0] if url else None


class BadRequestError(APIError):
    """HTTP 400: the API's status for most errors (`code` says which)."""


class AuthenticationError(APIError):
    """HTTP 401, or a code of kind `authentication`: the API key, access token or account
    secret is missing, wrong or expired."""


class PermissionDeniedError(APIError):
    """HTTP 403, or a code of kind `permission_denied`: the credentials or the shop may not
    do this."""


class NotFoundError(APIError):
    """HTTP 404, or a code of kind `not_found` (55031 Contact not found, 1008 Shop not
    found, ...) whatever the status: no such endpoint or object."""


class ConflictError(APIError):
    """HTTP 409, or a code of kind `conflict`: the object's state forbids this (already
    redeemed, already linked, locked, in progress)."""


class AlreadyExistsError(ConflictError):
    """A code of kind `already_exists`: creating something that exists (60005 Contact
    already exists, ...)."""


class InvalidInputError(APIError):
    """A code of kind `invalid_input` (1003 with per-field `errors`, ...): the API refused
    the input."""


class UnprocessableEntityError(InvalidInputError):
    """HTTP 422: the input failed validation (`errors` says where)."""


class InsufficientBalanceError(APIError):
    """A code of kind `insufficient_balance`: not enough credits, giftcard amount or
    voucher redemptions."""


class LimitReachedError(APIError):
    """A code of kind `limit_reached`: a quota or maximum is used up (usage limit, claim
    limit, maximum credits)."""


class UnavailableError(APIError):
    """A code of kind `unavailable`: the object exists but cannot be used now (inactive,
    expired, deactivated, out of stock)."""


class MisconfiguredError(APIError):
    """A code of kind `misconfigured`: the account is not set up for this (a shop without a
    loyalty program, no default unit, a template without its variable)."""


class RateLimitError(APIError):
    """HTTP 429: the key's request budget is spent; `retry_after` says for how long."""

    def __str__(self) -> str:
        retry_after = self.retry_after
        if retry_after is not None:
            return super().__str__() + f" (retry after {retry_after:g} s)"
        sent = self.headers.get("Retry-After")
        if sent is None:
            return super().__str__()
        shown = sent[: _defaults.ERROR_HEADER_EXCERPT]
        return super().__str__() + f" (Retry-After {shown!r} is not a usable wait)"


class ServerError(APIError):
    """HTTP 5xx: the API failed."""


class MaintenanceError(ServerError):
    """HTTP 503: the Piggy platform is in maintenance mode."""


class MalformedResponseError(PiggyError):
    """A success response whose body the SDK cannot read: not JSON, no `data`, or `data` not
    shaped like the documented model; or, as its `TruncatedResponseError`, a response of
    any status whose body was cut short or cannot be read.

    Attributes:
        status: The HTTP status.
        excerpt: The start of the body. The message does not quote it: a response body
            holds personal data (e-mails, names), which must not reach logs unasked.
    """

    def __init__(
        self, reason: str, *, status: int, body: bytes, operation: str | None = None
    ) -> None:
        self.status = status
        self.excerpt = self._excerpt_of(body)
        where = f"{operation}: " if operation else ""
        hint = " (the body's start is in `.excerpt`)" if body else ""
        super().__init__(f"{where}HTTP {status}: {reason}{hint}")

    @staticmethod
    def _excerpt_of(body: bytes) -> str:
        """The start of `body`, as text."""
        return body[: _defaults.ERROR_BODY_EXCERPT].decode("utf-8", errors="replace")


class PaginationError(PiggyError):
    """A list operation's pages cannot be followed to their end: the API answered a page
    with the same items as the page before (it ignored the page number), so iterating on
    would never end."""


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


class TruncatedResponseError(MalformedResponseError, APIConnectionError):
    """A response, of any status, whose body was cut short or cannot be read: the
    connection ended before the body did, a compressed body does not decompress, an error
    body's JSON stops mid-way, a success body is not JSON at all. Nothing in such a body
    is trusted (not its error code: a cut-off "not found" is not a `NotFoundError`), and
    it failed on its way, so it is also an `APIConnectionError`.

    Operations safe to repeat are retried after it. A write that is not is retried only
    when its status says the API did not act on it (429, 503); when the API may have (a
    2xx, 500, 502, 504) it raises `OutcomeUnknownError` instead.

    Attributes:
        received: Bytes of the body that arrived, as sent (compressed, if it was).
        declared: The bytes its `Content-Length` announced; None if it announced none.
        headers: The response headers (`Retry-After` and the rate-limit headers count).
        operation: The operation, e.g. `"contacts.find_one_by"`, if known.
        may_have_been_processed: False for a 4xx or a 503 (the API refused the request or
            never handled it), True otherwise.
    """

    def __init__(
        self,
        reason: str,
        *,
        status: int,
        body: bytes = b"",
        received: int | None = None,
        declared: int | None = None,
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
    ) -> None:
        self.received = len(body) if received is None else received
        self.declared = declared
        self.headers: Mapping[str, str] = CIMultiDict(headers or {})
        self.operation = operation
        of = f" of the {declared} bytes announced" if declared is not None else " bytes"
        reason = f"{reason}; {self.received}{of} arrived"
        super().__init__(reason, status=status, body=body, operation=operation)
        self.may_have_been_processed = not (400 <= status < 500 or status == 503)
