"""`BaseClient`: the one request path every generated method goes through.

    method call → URL (path parameters percent-encoded) + query + JSON body
                → Authorization from the client's auth → one aiohttp session
                → error status? typed `APIError` : envelope → `data` structured into a model

The client owns exactly one `aiohttp.ClientSession`, opened on first use (or by `async with`)
and closed by `close()` / leaving the `async with` block.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from types import NoneType, TracebackType
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote

import aiohttp
import cattrs
from yarl import URL

from . import _arguments, _defaults
from ._auth import Auth
from ._converter import MissingKeyError, converter
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    MalformedResponseError,
    error_from_response,
)
from ._model import Model
from ._operation import Api, Operation
from ._options import RequestOptions
from ._pagination import AsyncPaginator, Page
from ._unset import Unset
from ._version import __version__

T = TypeVar("T")

logger = logging.getLogger("piggy_async")
"""Logs each request at DEBUG: method, path, status and time. Never queries or headers."""

USER_AGENT = (
    f"piggy_async/{__version__} (python {platform.python_version()}; aiohttp {aiohttp.__version__})"
)

_Response = tuple[int, bytes, Mapping[str, str]]


class BaseClient:
    """Sends operations to one of the Piggy APIs. Use `OAuthClient` or `RegisterClient`."""

    api: ClassVar[Api]

    def __init__(
        self,
        *,
        auth: Auth,
        base_url: str,
        timeout: float = _defaults.TIMEOUT,
        connection_limit: int = _defaults.CONNECTION_LIMIT,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        base = URL(base_url)
        if not base.is_absolute() or base.scheme not in ("http", "https"):
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        _arguments.timeout(timeout)
        if connection_limit < 1:
            raise ValueError("connection_limit must be at least 1")
        self._auth = auth
        self._host = str(base).rstrip("/")
        self._api_base = self._host + _defaults.API_PREFIXES[self.api]
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=_defaults.CONNECT_TIMEOUT)
        self._connection_limit = connection_limit
        self._headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **_arguments.headers(headers or {}),
        }
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def base_url(self) -> str:
        """The API base every operation path is appended to."""
        return self._api_base

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError(f"{type(self).__name__} is closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit),
                headers=self._headers,
                timeout=self._timeout,
                skip_auto_headers=("Content-Type",),
            )
        return self._session

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self._session else "not connected"
        return f"<{type(self).__name__} {self._api_base} auth={self._auth!r} {state}>"

    # -- the request path -----------------------------------------------------------------

    async def request(
        self,
        operation: Operation[T],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions,
    ) -> T:
        """Send `operation` and return its response's `data`, structured."""
        status, raw, _ = await self._call(operation, path, query, body, options)
        data, _meta = _envelope(operation, status, raw)
        return _structure(operation, data, status, raw)

    def paginate(
        self,
        operation: Operation[list[T]],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any],
        body: Mapping[str, Any] | None = None,
        options: RequestOptions,
    ) -> AsyncPaginator[T]:
        """A paginator over `operation`; nothing is sent until it is awaited or iterated."""
        start = query.get("page")
        if isinstance(start, Unset) or start is None:
            start = 1
        if not isinstance(start, int) or isinstance(start, bool) or start < 1:
            raise ValueError(f"page must be a positive integer, got {start!r}")

        async def fetch(number: int) -> Page[T]:
            status, raw, _ = await self._call(
                operation, path, {**query, "page": number}, body, options
            )
            data, meta = _envelope(operation, status, raw)
            return Page(_structure(operation, data, status, raw), meta, requested_page=number)

        size = query.get(operation.pagination.size) if operation.pagination else None
        return AsyncPaginator(fetch, start=start, size=size if isinstance(size, int) else None)

    async def _call(
        self,
        operation: Operation[Any],
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
        options: RequestOptions,
    ) -> _Response:
        url = URL(self._api_base + _fill_path(operation.path, path or {}), encoded=True)
        params = _encode_query({**(query or {}), **options.get("extra_query", {})})
        payload: bytes | None = None
        headers = dict(options.get("extra_headers", {}))
        if operation.method in ("POST", "PUT"):
            payload = _encode_body({**(body or {}), **options.get("extra_body", {})})
            headers["Content-Type"] = "application/json"
        elif "extra_body" in options:
            raise TypeError(f"{operation.method} requests have no body: use extra_query")
        timeout = options.get("timeout")
        client_timeout = aiohttp.ClientTimeout(total=timeout) if timeout is not None else None

        async def send() -> tuple[str, _Response]:
            authorization = await self._auth.authorization(self._post_json)
            headers["Authorization"] = authorization
            response = await self._send(
                operation.method, url, params, payload, headers, client_timeout
            )
            return authorization, response

        authorization, response = await send()
        if response[0] == 401 and await self._auth.renew(self._post_json, authorization):
            _, response = await send()
        if response[0] >= 400:
            raise error_from_response(*response, operation=f"{operation.resource}.{operation.name}")
        return response

    async def _post_json(self, path: str, body: Mapping[str, str]) -> _Response:
        """POST a JSON body to a path on the host (the token endpoint)."""
        return await self._send(
            "POST",
            URL(self._host + path, encoded=True),
            [],
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
            None,
        )

    async def _send(
        self,
        method: str,
        url: URL,
        params: list[tuple[str, str]],
        payload: bytes | None,
        headers: Mapping[str, str],
        client_timeout: aiohttp.ClientTimeout | None,
    ) -> _Response:
        session = self._open()
        timeout = client_timeout or self._timeout
        debug = logger.isEnabledFor(logging.DEBUG)
        started = time.perf_counter() if debug else 0.0
        try:
            async with session.request(
                method,
                url,
                params=params or None,
                data=payload,
                headers=headers,
                timeout=timeout,
            ) as response:
                result = response.status, await response.read(), response.headers
        except TimeoutError as error:
            seconds = timeout.total
            raise APITimeoutError(f"{method} {url.path}: no response within {seconds} s") from error
        except aiohttp.ClientError as error:
            raise APIConnectionError(f"{method} {url.path}: {error}") from error
        if debug:  # the path only: query strings carry emails, headers carry credentials
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %d in %.1f ms", method, url.raw_path, result[0], elapsed)
        return result


# -- encoding ---------------------------------------------------------------------------


def _fill_path(template: str, values: Mapping[str, Any]) -> str:
    """The operation path with each `{name}` replaced by its percent-encoded value.

    Everything but unreserved characters is encoded, `/` included, and a value of only dots
    is refused, so a value can never leave its path segment (`"../x"` becomes `..%2Fx`).
    """
    encoded: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError(f"{name} must be a string, got {type(value).__name__}")
        text = str(value)
        if not text.strip() or text.strip(".") == "":
            raise ValueError(f"{name} must not be empty, '.' or '..', got {text!r}")
        encoded[name] = quote(text, safe="")
    return template.format_map(encoded)


def _utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z` (no `+`, which a query string would turn into a space)."""
    if value.tzinfo is None:
        raise ValueError(f"pass a timezone-aware datetime (e.g. datetime.now(UTC)), got {value!r}")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _query_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        try:
            return _utc_iso(value)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"{name}: cannot send a {type(value).__name__} as a query parameter")


def _encode_query(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query pairs, leaving out unset and None values; sequences repeat their key."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if value is None or isinstance(value, Unset):
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            pairs.extend((f"{name}[]", _query_value(name, item)) for item in value)
        else:
            pairs.append((name, _query_value(name, value)))
    return pairs


def _json_default(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, datetime):
        return _utc_iso(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"cannot send a {type(value).__name__} in a JSON body")


def _encode_body(body: Mapping[str, Any]) -> bytes:
    """The JSON body: unset values are left out, None is sent as null."""
    present = {name: value for name, value in body.items() if not isinstance(value, Unset)}
    return json.dumps(
        present, default=_json_default, ensure_ascii=False, separators=(",", ":")
    ).encode()


# -- decoding ---------------------------------------------------------------------------


def _envelope(operation: Operation[Any], status: int, raw: bytes) -> tuple[Any, Any]:
    """`data` and `meta` of a success response."""
    if not raw.strip() and operation.data_type in (NoneType, Any):
        return None, None
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise MalformedResponseError("the response is not JSON", status=status, body=raw) from None
    if not isinstance(decoded, dict) or "data" not in decoded:
        raise MalformedResponseError("the response has no `data`", status=status, body=raw)
    return decoded["data"], decoded.get("meta")


def _structure(operation: Operation[T], data: Any, status: int, raw: bytes) -> T:
    try:
        result: T = converter.structure(data, operation.data_type)
    except (
        TypeError,
        ValueError,
        AttributeError,
        MissingKeyError,
        cattrs.BaseValidationError,
    ) as error:
        raise MalformedResponseError(
            f"`data` does not match {operation.data_spec} ({error})", status=status, body=raw
        ) from None
    return result
