"""piggy_async: an asyncio SDK for the Piggy (Leat) loyalty platform's REST API v3.

    import piggy_async

    async with piggy_async.OAuthClient(api_key="...") as piggy:
        contact = await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
        async for transaction in piggy.loyalty_transactions.list(sort="-created_at"):
            ...

Models live in `piggy_async.models`; the local fake server in `piggy_async.testing`.
Loyalty-token claim URLs are built and checked locally with `build_claim_url` and
`verify_claim_url`; webhook deliveries are checked and decoded with `piggy_async.webhooks`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import _logging
from ._version import __version__

_logging.configure_from_env()

if TYPE_CHECKING:
    from ._auth import ApiKeyAuth, ClientCredentialsAuth
    from ._client import BaseClient, ClientOptions
    from ._clients import OAuthClient, RegisterClient
    from ._clock import Clock, SystemClock
    from ._converter import converter
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
    from ._transport.events import TransportEvent
    from ._transport.policy import RetryPolicy
    from ._unset import UNSET, Unset
    from ._virtual_clock import VirtualClock
    from .hooks import HookError
    from .loyalty_urls import LoyaltyToken, LoyaltyTokenError, build_claim_url, verify_claim_url

_SOURCES = (
    "._auth",
    "._client",
    "._clients",
    "._clock",
    "._errors",
    "._generated.error_codes",
    "._lenient",
    "._model",
    "._operation",
    "._options",
    "._pagination",
    "._transport.capture",
    "._transport.events",
    "._transport.policy",
    "._unset",
    "._virtual_clock",
    ".hooks",
    ".loyalty_urls",
)
"""The modules `__all__`'s names come from: imported on the first use of any of them, so
`import piggy_async` (and the `piggy` command's start-up) costs no aiohttp."""


def operations() -> tuple[Operation[Any], ...]:
    """Every generated operation: one entry per API and endpoint, with `api`, `method`,
    `path` (relative to the API base), `resource`, `name`, `data_type` and its params."""
    from ._generated.operations import OPERATIONS  # every resource and model: load on demand

    return OPERATIONS


def __getattr__(name: str) -> Any:
    """The public names load on first use: `converter` brings in cattrs, the others
    aiohttp (each module in `_SOURCES` is imported once, then every name is a plain global)."""
    if name == "converter":
        from ._converter import converter

        return converter
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    namespace = globals()
    for source in _SOURCES:
        module = import_module(source, __name__)
        for public in __all__:
            if public not in namespace and hasattr(module, public):
                namespace[public] = getattr(module, public)
    return namespace[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "HookError",
    "InsufficientBalanceError",
    "InvalidInputError",
    "ItemList",
    "LimitReachedError",
    "LoyaltyToken",
    "LoyaltyTokenError",
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
    "build_claim_url",
    "capture_responses",
    "converter",
    "mismatches",
    "operations",
    "verify_claim_url",
    "__version__",
]
