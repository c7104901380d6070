"""Request hooks: your code around every attempt a client sends.

    async def correlate(request: RequestInfo) -> None:
        request.headers["X-Correlation-ID"] = correlation_id.get()

    async def audit(response: ResponseInfo) -> None:
        log.info("%s -> %d in %.3f s", response.operation.label, response.status,
                 response.elapsed)

    piggy = OAuthClient(api_key=key, before_request=[correlate], after_response=[audit])

A before-request hook runs for every attempt (retries included), once its credentials are
in place and just before it is sent: it may add or replace headers, never `Authorization`
(which it cannot see either), `Content-Type` or `Accept-Encoding`. An after-response hook
runs for every answer, error answers included, before the SDK decides to retry or raise.
Both are awaited in the task of the call, so context variables (a trace's current span)
carry into them. A hook that raises fails the call with `HookError` (the hook's exception
is its `__cause__`) and is never retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, Protocol

import attrs

from ._errors import PiggyError
from ._operation import Operation
from ._transport.policy import Outcome, RetryContext, RetryIf

__all__ = [
    "AfterResponse",
    "BeforeRequest",
    "CallState",
    "HookError",
    "Outcome",
    "RequestHeaders",
    "RequestInfo",
    "ResponseInfo",
    "RetryContext",
    "RetryIf",
]

_HIDDEN = "authorization"
_SDK_OWNED = frozenset(
    {"authorization", "content-type", "content-length", "host", "accept-encoding"}
)


class CallState(Protocol):
    """One call's progress across its attempts, as hooks see it."""

    @property
    def attempt(self) -> int:
        """The attempt being sent or answered: 1 for the first."""

    @property
    def failures(self) -> int:
        """Failures retried so far (a 429's wait is not one)."""

    @property
    def deadline(self) -> float:
        """The client clock's reading by which the call ends, answered or not."""


class RequestHeaders(MutableMapping[str, str]):
    """The headers one attempt is sent with, as a before-request hook may change them.

    Add or replace any header but `Authorization`, `Content-Type`, `Content-Length`, `Host`
    and `Accept-Encoding` (the encodings the SDK reads), which stay the SDK's (setting or
    deleting one raises `ValueError`). The credentials are out of sight: `Authorization` is
    never listed, read or found in it. Values must be text without line breaks.
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def __getitem__(self, name: str) -> str:
        if name.lower() == _HIDDEN:
            raise KeyError(name)
        return self._headers[name]

    def __setitem__(self, name: str, value: str) -> None:
        _check_settable(name)
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise ValueError(f"header {name}: the value must be text without line breaks")
        self._headers[name] = value

    def __delitem__(self, name: str) -> None:
        _check_settable(name)
        del self._headers[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in list(self._headers) if name.lower() != _HIDDEN)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"RequestHeaders({dict(self)!r})"


def _check_settable(name: object) -> None:
    if (
        not isinstance(name, str)
        or not name.isprintable()
        or not name
        or ":" in name
        or " " in name
    ):
        raise ValueError(f"{name!r} is not a header name")
    if name.lower() in _SDK_OWNED:
        raise ValueError(f"hooks cannot change the {name} header: the SDK sets it")


@attrs.frozen
class RequestInfo:
    """What a before-request hook gets: one attempt about to be sent."""

    operation: Operation[Any]
    """The operation (`operation.label` is `resource.name`, e.g. `contacts.get`)."""
    method: str
    url: str
    """The request's URL without its query string (e-mail addresses travel there), each
    secret path value (a session token) shown as `<redacted>`."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    headers: RequestHeaders
    call: CallState


@attrs.frozen
class ResponseInfo:
    """What an after-response hook gets: one answer, a success or an error status."""

    operation: Operation[Any]
    status: int
    headers: Mapping[str, str]
    """The answer's headers (`X-RateLimit-Remaining`, `Retry-After`, ...)."""
    attempt: int
    elapsed: float
    """Seconds from sending the attempt to its answer's last byte."""
    call: CallState


class BeforeRequest(Protocol):
    """`async def hook(request: RequestInfo) -> None`."""

    async def __call__(self, request: RequestInfo, /) -> None: ...


class AfterResponse(Protocol):
    """`async def hook(response: ResponseInfo) -> None`."""

    async def __call__(self, response: ResponseInfo, /) -> None: ...


class HookError(PiggyError):
    """A request hook raised: the call stopped there, without retrying (the hook's exception
    is the `__cause__`).

    Attributes:
        operation: `resource.name` of the call.
        hook: The hook's name.
        sent: Whether the attempt had been sent (an after-response hook's): a write may then
            have been processed.
    """

    def __init__(self, message: str, *, operation: str, hook: str, sent: bool) -> None:
        super().__init__(message)
        self.operation = operation
        self.hook = hook
        self.sent = sent
