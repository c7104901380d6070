"""piggy_async: an asyncio SDK for the Piggy (Leat) loyalty platform's REST API v3.

    import piggy_async

    async with piggy_async.OAuthClient(api_key="...") as piggy:
        contact = await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
        async for transaction in piggy.loyalty_transactions.list(sort="-created_at"):
            ...

Models live in `piggy_async.models`; the local fake server in `piggy_async.testing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._auth import ApiKeyAuth, ClientCredentialsAuth
from ._client import BaseClient, ClientOptions
from ._clients import OAuthClient, RegisterClient
from ._errors import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientStateError,
    ConflictError,
    InsufficientBalanceError,
    InvalidInputError,
    LimitReachedError,
    MaintenanceError,
    MalformedResponseError,
    MisconfiguredError,
    NotFoundError,
    OutcomeUnknownError,
    PaginationError,
    PermissionDeniedError,
    PiggyError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    ServerError,
    TruncatedResponseError,
    UnavailableError,
    UnprocessableEntityError,
)
from ._generated.error_codes import ERROR_MESSAGES, ErrorCode
from ._lenient import ItemList, mismatches
from ._model import Model
from ._operation import Operation, Pagination, Param
from ._options import RequestOptions
from ._pagination import AsyncPaginator, Page
from ._transport.capture import RawResponse, capture_responses
from ._transport.clock import Clock, SystemClock, VirtualClock
from ._transport.events import TransportEvent
from ._transport.policy import RetryPolicy
from ._unset import UNSET, Unset
from ._version import __version__

if TYPE_CHECKING:
    from ._converter import converter


def operations() -> tuple[Operation[Any], ...]:
    """Every generated operation: one entry per API and endpoint, with `api`, `method`,
    `path` (relative to the API base), `resource`, `name`, `data_type` and its params."""
    from ._generated.operations import OPERATIONS  # every resource and model: load on demand

    return OPERATIONS


def __getattr__(name: str) -> Any:
    """`piggy_async.converter` is imported on first use: it brings in cattrs."""
    if name == "converter":
        from ._converter import converter

        return converter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AlreadyExistsError",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ApiKeyAuth",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BaseClient",
    "ConflictError",
    "ClientCredentialsAuth",
    "ClientOptions",
    "ClientStateError",
    "Clock",
    "ERROR_MESSAGES",
    "ErrorCode",
    "InsufficientBalanceError",
    "InvalidInputError",
    "ItemList",
    "LimitReachedError",
    "MaintenanceError",
    "MalformedResponseError",
    "MisconfiguredError",
    "Model",
    "NotFoundError",
    "OAuthClient",
    "Operation",
    "OutcomeUnknownError",
    "Page",
    "PaginationError",
    "Pagination",
    "Param",
    "PermissionDeniedError",
    "PiggyError",
    "RateLimitError",
    "RawResponse",
    "RedirectError",
    "RegisterClient",
    "RequestOptions",
    "ResponseTooLargeError",
    "TruncatedResponseError",
    "RetryPolicy",
    "ServerError",
    "SystemClock",
    "TransportEvent",
    "UNSET",
    "UnavailableError",
    "UnprocessableEntityError",
    "Unset",
    "VirtualClock",
    "capture_responses",
    "converter",
    "mismatches",
    "operations",
    "__version__",
]
