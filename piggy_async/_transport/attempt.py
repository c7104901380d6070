"""One HTTP attempt: send the request, read the answer within the cap (`read_body`), and
say how a failure happened (before the request left, or after, when the server may have
acted on it). An answer whose body breaks off raises `TruncatedResponseError` from here.
"""

from __future__ import annotations

import urllib.request
from asyncio import CancelledError, current_task
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from .._errors import (
    APIConnectionError,
    APITimeoutError,
    OutcomeUnknownError,
)
from .._operation import Operation
from .body import read_body
from .settings import CallSettings
from .watchdog import Phase, Watchdog

Response = tuple[int, bytes, Mapping[str, str]]


class Failed(Exception):
    """An attempt that got no usable answer; `sent` says whether the request went out."""

    def __init__(self, error: APIConnectionError, *, sent: bool) -> None:
        self.error = error
        self.sent = sent


async def send_once(
    session: aiohttp.ClientSession,
    watchdog: Watchdog,
    operation: Operation[Any],
    url: URL,
    params: list[tuple[str, str]],
    payload: bytes | None,
    headers: Mapping[str, str] | None,
    settings: CallSettings,
    deadline: float,
    proxy: str | None,
) -> Response:
    """Status, body and headers, or `Failed`. Redirects are never followed. The attempt
    ends by the call's `deadline` (clock time) and, once it has a connection, within the
    read timeout: the watchdog keeps both; aiohttp bounds getting the connection."""
    label = operation.label
    task = current_task()
    assert task is not None, "attempts run in a task"
    cancelling = task.cancelling()
    ran_out: Phase | None = None
    watchdog.watch(task, deadline, settings.read_timeout)
    try:
        try:
            async with session.request(
                operation.method,
                url,
                params=params or None,
                data=payload,
                headers=headers,
                timeout=settings.connect_limit,
                allow_redirects=False,
                raise_for_status=False,  # a user's session may raise by default
                proxy=settings.proxy or proxy,
                ssl=settings.ssl,
                auto_decompress=False,  # read_body decompresses, within the cap
            ) as response:
                body = await read_body(response, settings.max_body, label)
        finally:
            ran_out = watchdog.release(task)
            if ran_out is not None and task.uncancel() > cancelling:
                ran_out = None  # someone else cancelled it too: that stays a cancellation
    except CancelledError:
        if ran_out is not None:
            late = watchdog.now() >= deadline
            raise _out_of_time(operation, settings, ran_out, late) from None
        raise
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        raise _failed(error, operation, settings) from None
    return response.status, body, response.headers


def _failed(error: BaseException, operation: Operation[Any], settings: CallSettings) -> Failed:
    """The failure of an attempt aiohttp gave up on: before sending (no connection) or
    after, when the server may have acted on it."""
    label = operation.label
    if isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        reason = (
            "could not connect"
            if isinstance(error, aiohttp.ClientConnectorError)
            else "no connection within the pool or connect timeout"
        )
        return Failed(APIConnectionError(f"{label}: {reason} ({_describe(error)})"), sent=False)
    what = f"the connection broke off ({_describe(error)})"
    if isinstance(error, TimeoutError):
        what = (
            f"no answer in time ({_describe(error)}; the read timeout is "
            f"{settings.read_timeout:g} s, the call's deadline {settings.timeout:g} s)"
        )
    return Failed(_broken(label, what, error, operation.retry_safe), sent=True)


def _out_of_time(
    operation: Operation[Any], settings: CallSettings, phase: Phase, late: bool
) -> Failed:
    """The failure of an attempt the watchdog stopped: `phase` says where it was, `late`
    whether the call's deadline had come (else the read timeout ran out)."""
    label = operation.label
    if phase == "connecting":
        error = APITimeoutError(f"{label}: no connection before the call's deadline")
        return Failed(error, sent=False)
    if late:
        what = f"no answer before the call's deadline ({settings.timeout:g} s)"
    else:
        what = f"no answer within the {settings.read_timeout:g} s read timeout"
    return Failed(_broken(label, what, None, operation.retry_safe), sent=True)


def _broken(
    label: str, what: str, error: BaseException | None, retry_safe: bool
) -> APIConnectionError:
    """The error for an attempt that broke off after the request was sent: `what` says
    how, `error` (if any) is what aiohttp raised."""
    timed_out = error is None or isinstance(error, TimeoutError)
    if not retry_safe:
        return OutcomeUnknownError(
            f"{label}: {what} after the request was sent: it may or may not have been "
            "processed; look the result up before sending it again"
        )
    cls = APITimeoutError if timed_out else APIConnectionError
    return cls(f"{label}: {what}", may_have_been_processed=True)


def _describe(error: BaseException) -> str:
    """The kind of a network failure, without aiohttp's message: that can quote the URL
    (query strings carry e-mails) or read like an HTTP status."""
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


def env_proxy(url: URL) -> str | None:
    """The proxy `HTTPS_PROXY`/`HTTP_PROXY` name for `url`'s scheme, unless `NO_PROXY`
    exempts its host."""
    if url.host is None or urllib.request.proxy_bypass(url.host):
        return None
    proxy: Any = urllib.request.getproxies().get(url.scheme)
    return str(proxy) if proxy else None
