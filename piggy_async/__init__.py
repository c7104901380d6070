"""piggy_async: an asyncio SDK for the Piggy (Leat) loyalty platform's REST API v3.

    import piggy_async

    async with piggy_async.OAuthClient(api_key="...") as piggy:
        contact = await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
        async for transaction in piggy.loyalty_transactions.list(sort="-created_at"):
            ...

Models live in `piggy_async.models`; the local fake server in `piggy_async.testing`.
"""

from __future__ import annotations

from typing import Any

from ._auth import ApiKeyAuth, ClientCredentialsAuth
from ._client import BaseClient, ClientOptions
from ._clients import OAuthClient, RegisterClient
from ._converter import converter
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientStateError,
    MaintenanceError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    PiggyError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    ServerError,
    UnprocessableEntityError,
)
from ._generated.error_codes import ERROR_MESSAGES, ErrorCode
from ._generated.operations import OPERATIONS
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


def operations() -> tuple[Operation[Any], ...]:
    """Every generated operation: one entry per API and endpoint, with `api`, `method`,
    `path` (relative to the API base), `resource`, `name`, `data_type` and its params."""
    return OPERATIONS


__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ApiKeyAuth",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BaseClient",
    "ClientCredentialsAuth",
    "ClientOptions",
    "ClientStateError",
    "Clock",
    "ERROR_MESSAGES",
    "ErrorCode",
    "MaintenanceError",
    "MalformedResponseError",
    "Model",
    "NotFoundError",
    "OAuthClient",
    "Operation",
    "OutcomeUnknownError",
    "Page",
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
    "RetryPolicy",
    "ServerError",
    "SystemClock",
    "TransportEvent",
    "UNSET",
    "UnprocessableEntityError",
    "Unset",
    "VirtualClock",
    "capture_responses",
    "converter",
    "operations",
    "__version__",
]
