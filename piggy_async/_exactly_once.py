"""Exactly-once writes: a write whose natural key is given is never left with an unknown
outcome while its lookup can answer.

    send ── answer ─────────────────────────────────────────────► the result
      │
      └── outcome unknown (lost answer, read timeout, reset after sending, 500/502/504)
            └── look it up by its key ── found ──────────────────► what landed
                        │             └─ not found ── send again (a retry)
                        └─ cannot answer in the deadline ────────► OutcomeUnknownError

A retry answered "already exists" (the key's `exists_code`) means the earlier attempt
landed: it is looked up too. Every send and lookup runs within the call's one deadline and
through the rate limiter (they are ordinary calls of the transport), and a write is sent at
most `1 + max_retries` times. The spec declares each key (`natural_key:`); nothing here
knows one operation from another.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from ._errors import APIConnectionError, APIError, NotFoundError, OutcomeUnknownError
from ._operation import Operation

T = TypeVar("T")

logger = logging.getLogger("piggy_async")

Resolved = Callable[[int, str], None]
"""Told the attempt a call was resolved by lookup at, and why the lookup was needed."""


async def send_exactly_once(
    operation: Operation[Any],
    send: Callable[[], Awaitable[T]],
    look_up: Callable[[], Awaitable[T]],
    *,
    retries: int,
    resolved: Resolved,
) -> T:
    """`send()`'s result; when its outcome is unknown, `look_up()`'s (what landed), or a
    resend when nothing did."""
    natural = operation.natural_key
    assert natural is not None, "only keyed writes come here"
    attempt = 1
    while True:
        try:
            return await send()
        except OutcomeUnknownError as error:
            unknown: PiggyFailure = error
        except APIError as error:
            if attempt == 1 or natural.exists_code is None or error.code != natural.exists_code:
                raise
            unknown = error  # an earlier attempt landed: this retry found its key taken
        reason = _reason(unknown)
        found = await _find(operation, look_up, unknown)
        if found is not None:
            logger.info("%s: %s; found by its %s", operation.label, reason, natural.param)
            resolved(attempt, reason)
            return found.value
        if not isinstance(unknown, OutcomeUnknownError) or attempt > retries:
            raise unknown  # taken, yet not found: nothing this call can settle
        logger.info("%s: %s; not found by its %s, sent again", operation.label, reason,
                    natural.param)  # fmt: skip
        attempt += 1


PiggyFailure = OutcomeUnknownError | APIError


class _Found(Generic[T]):
    """What a lookup found (a box: the write's result may itself be None-like)."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


async def _find(
    operation: Operation[Any], look_up: Callable[[], Awaitable[T]], unknown: PiggyFailure
) -> _Found[T] | None:
    """What the lookup found, None when the key is unknown to the API; raises
    `OutcomeUnknownError` when the lookup cannot answer within the deadline."""
    try:
        return _Found(await look_up())
    except NotFoundError:
        return None
    except (APIError, APIConnectionError) as error:
        raise OutcomeUnknownError(
            f"{operation.label}: {_reason(unknown)}, and the lookup by its natural key could "
            f"not answer ({type(error).__name__}): it may or may not have been processed; "
            "look the result up before sending it again"
        ) from error


def _reason(error: PiggyFailure) -> str:
    if isinstance(error, APIError):
        if isinstance(error, OutcomeUnknownError):
            return f"HTTP {error.status} after sending"
        return f"a retry answered code {error.code} (already exists)"
    return "the answer was lost after sending"
