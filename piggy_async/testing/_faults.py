"""Fault injection: a seeded share of API requests fails the ways production fails.

Requests draw from one `random.Random(seed)`, so the same sequence of requests meets the
same faults on every run. Each fault strikes where it strikes in production:

- `error_500`, `error_502` and `error_503` answer before the request is handled: it never
  reached the application. 503 is the platform's maintenance mode.
- `reset`, `malformed`, `lost_502` and `lost_504` strike after the request was handled: the
  work is done but the answer is lost (the connection breaks off mid-body), unreadable (a
  200 cut short) or replaced by a gateway's 502 or 504, so a retry meets the effects of the
  first attempt, as it would against the real API.
- `delay_seconds` is how long the `delayed` share of requests (all, by default) waits before
  being handled.
"""

from __future__ import annotations

import collections
import itertools
import random
import typing
from typing import Any, Literal

import attrs
from aiohttp import web

from piggy_async import ErrorCode

from ._replies import Failure

FaultKind = Literal[
    "error_500", "error_502", "error_503", "reset", "malformed", "lost_502", "lost_504"
]

_SHARE = [attrs.validators.ge(0.0), attrs.validators.le(1.0)]


def _share(help: str, default: float = 0.0) -> Any:
    return attrs.field(default=default, validator=_SHARE, metadata={"help": help})


@attrs.frozen
class Faults:
    """The share of API requests (0 to 1) that meets each fault, and how long requests are
    delayed (`delay_seconds`, for the `delayed` share); all off by default.

    Each field's `help` metadata describes it (and is the help of the matching `serve`
    option of `python -m piggy_async.testing`).
    """

    error_500: float = _share("share of requests answered 500 (internal error)")
    error_502: float = _share("share of requests answered 502 (bad gateway)")
    error_503: float = _share("share of requests answered 503 (maintenance mode)")
    reset: float = _share("share of requests whose connection breaks off mid-response")
    malformed: float = _share("share of requests answered with a body cut short")
    lost_502: float = _share("share of requests handled, then answered 502 (bad gateway)")
    lost_504: float = _share("share of requests handled, then answered 504 (gateway timeout)")
    delay_seconds: float = attrs.field(
        default=0.0,
        validator=[attrs.validators.ge(0.0), attrs.validators.lt(float("inf"))],
        metadata={"help": "seconds each delayed request waits before being handled"},
    )
    delayed: float = _share("share of requests that wait delay_seconds (all by default)", 1.0)

    def __attrs_post_init__(self) -> None:
        if sum(getattr(self, kind) for kind in typing.get_args(FaultKind)) > 1.0:
            raise ValueError("the fault shares add up to more than 1")

    @property
    def enabled(self) -> bool:
        return self.delay_seconds > 0 or any(
            getattr(self, kind) for kind in typing.get_args(FaultKind)
        )


@attrs.frozen
class Draw:
    """What one request meets: a delay, and a fault or none."""

    delay: float = 0.0
    fault: FaultKind | None = None


_NO_FAULT = Draw()

STATUS_FAULTS: dict[FaultKind, Failure] = {
    "error_500": Failure(ErrorCode.INTERNAL_ERROR, status=500),
    "error_502": Failure(None, status=502, message="Bad gateway."),
    "error_503": Failure(None, status=503, message="Piggy system is in maintenance mode."),
}
"""The answers of the faults that strike before handling."""

LOST_FAULTS: dict[FaultKind, Failure] = {
    "lost_502": Failure(None, status=502, message="Bad gateway."),
    "lost_504": Failure(None, status=504, message="Gateway timeout."),
}
"""The gateway's answers that replace the application's, after it handled the request."""


class FaultInjector:
    """Draws each request's fault from the seeded generator; free when faults are off.
    Faults `inject`ed for one operation come first, in the order given."""

    def __init__(self, faults: Faults, seed: int) -> None:
        self._faults = faults
        self._enabled = faults.enabled
        self._rng = random.Random(seed)
        kinds = typing.get_args(FaultKind)
        shares = itertools.accumulate(getattr(faults, kind) for kind in kinds)
        self._thresholds = tuple(zip(shares, kinds, strict=True))
        self._injected: dict[str, collections.deque[FaultKind]] = {}

    def inject(self, operation: str, *faults: FaultKind) -> None:
        """The next requests to `operation` (`"orders.create"`) meet `faults`, one each."""
        unknown = set(faults) - set(typing.get_args(FaultKind))
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self._injected.setdefault(operation, collections.deque()).extend(faults)

    def draw(self, operation: str) -> Draw:
        if self._injected:
            queued = self._injected.get(operation)
            if queued:
                return Draw(fault=queued.popleft())
        if not self._enabled:
            return _NO_FAULT
        delayed = self._rng.random() < self._faults.delayed
        delay = self._faults.delay_seconds if delayed else 0.0
        roll = self._rng.random()
        fault = next((kind for threshold, kind in self._thresholds if roll < threshold), None)
        return Draw(delay, fault)


def cut_short(body: bytes) -> bytes:
    """The first half of a body: never valid JSON, as no proper prefix of an object is."""
    return body[: len(body) // 2]


async def break_off(
    request: web.Request, status: int, body: bytes, headers: dict[str, str]
) -> web.StreamResponse:
    """Send the status, the headers and half the body, then close the connection.

    The headers promise the whole body, so the client sees the response break off; aiohttp
    then fails to finish the response and treats it as a client disconnect.
    """
    response = web.StreamResponse(status=status, headers=headers)
    response.content_type = "application/json"
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(cut_short(body))
    if request.transport is not None:
        request.transport.close()
    return response
