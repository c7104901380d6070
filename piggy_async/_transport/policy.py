"""`RetryPolicy`: which failures are retried, and how long to wait before the next attempt.

The write-safety rule: an operation the spec marks `retry_safe` (GET, PUT and the POSTs
that only look things up or find-or-create) is retried after any transient failure. Any
other write is retried only when the API provably did not process it: it answered 429
(rate limited) or 503 (maintenance), or the connection failed before the request was sent.
When it may have been processed (a read timeout, a reset after sending, a cut-off answer)
the caller gets `OutcomeUnknownError` instead of a retry that could apply it twice.
A user's `retry_if` predicate can widen or narrow what is retried, never past that rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

import attrs

from .. import _defaults
from .._operation import Operation
from .backoff import full_jitter
from .quota import RetryQuota

UNPROCESSED_STATUSES = frozenset({429, 503})
"""Answers that mean the API did not act on the request: safe to resend any write."""


class Retry(NamedTuple):
    """The decision to retry: the wait before the next attempt, and what it took from the
    retry quota (given back when the call succeeds)."""

    delay: float
    cost: int


class Outcome(NamedTuple):
    """How an attempt ended, as far as retrying it goes."""

    status: int | None
    """The answer's HTTP status; None when there was no usable answer."""
    sent: bool = True
    """Whether the request had left (the server may have acted on it)."""
    asked: float | None = None
    """The wait the answer named (`Retry-After`), if any."""
    unreadable: bool = False
    """Whether its body was cut short or unreadable: a status not retried for itself
    then counts as a failure after sending (retried only if the operation is safe)."""


@attrs.frozen
class RetryContext:
    """What a `RetryPolicy(retry_if=...)` predicate knows besides the `Outcome`."""

    operation: Operation[Any]
    attempt: int
    """The attempt that just ended: 1 for the first."""
    failures: int
    """Failures retried so far in this call."""
    error: Exception
    """What the call raises unless it is retried."""


class RetryIf(Protocol):
    """`retry_if(outcome, context) -> True | False | None`: retry, do not, or let the policy
    decide. True cannot make a write repeat that the API may have processed."""

    def __call__(self, outcome: Outcome, context: RetryContext, /) -> bool | None: ...


def _unprocessed(outcome: Outcome) -> bool:
    """Whether the API provably did not act on the attempt: sending any write again is safe."""
    if outcome.status is None:
        return not outcome.sent
    return outcome.status in UNPROCESSED_STATUSES


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """How a client retries. Every field has a default from `piggy_async._defaults`.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        base_delay: The first backoff ceiling in seconds; it doubles with every retry.
        max_delay: The longest one backoff wait may be.
        max_wait: The longest server-requested wait (`Retry-After`) the client sits out;
            a longer one surfaces at once as `RateLimitError` / `MaintenanceError`.
        retry_statuses: The HTTP statuses that may be retried.
        retry_if: Your own rule, asked first after every attempt that did not succeed:
            True retries it (within `max_retries`, the retry quota, `max_wait` and the
            deadline), False raises at once, None leaves it to the rules above. True is
            ignored for a write the API may have processed (`retry_safe` stays the
            spec's): it never makes a write repeat.
    """

    max_retries: int = attrs.field(default=_defaults.MAX_RETRIES)
    base_delay: float = attrs.field(default=_defaults.BACKOFF_BASE, validator=_non_negative)
    max_delay: float = attrs.field(default=_defaults.BACKOFF_CAP, validator=_non_negative)
    max_wait: float = attrs.field(default=_defaults.MAX_WAIT, validator=_non_negative)
    retry_statuses: frozenset[int] = attrs.field(
        default=_defaults.RETRY_STATUSES, converter=frozenset
    )
    retry_if: RetryIf | None = attrs.field(default=None)

    @retry_if.validator
    def _check_retry_if(self, _: object, value: RetryIf | None) -> None:
        if value is not None and not callable(value):
            raise TypeError(f"retry_if must be a function, got {type(value).__name__}")

    @max_retries.validator
    def _check_retries(self, _: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"max_retries must be a whole number >= 0, got {value!r}")

    def retries_status(self, status: int, *, retry_safe: bool) -> bool:
        """Whether an answer with `status` may be retried for this kind of operation."""
        if status not in self.retry_statuses:
            return False
        return retry_safe or status in UNPROCESSED_STATUSES

    def backoff(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        """The wait before retry number `retry` (0-based) when the server named none."""
        return full_jitter(retry, base=self.base_delay, cap=self.max_delay, random=rng)

    def decide(
        self,
        outcome: Outcome,
        *,
        retry_safe: bool,
        failures: int,
        quota: RetryQuota,
        rng: Callable[[], float] = random.random,
        context: RetryContext | None = None,
    ) -> Retry | None:
        """Retry after `Retry.delay` seconds, or None to raise: for an attempt that ended
        with `outcome`, of an operation that is `retry_safe` or not, in a call that already
        retried `failures` failures. `retry_if` is asked when the `context` is given."""
        wanted = None
        if self.retry_if is not None and context is not None:
            wanted = self.retry_if(outcome, context)
            if wanted is False:
                return None
            if wanted is not None and wanted is not True:
                raise TypeError(f"retry_if must return True, False or None, got {wanted!r}")
            if not (retry_safe or _unprocessed(outcome)):
                wanted = None  # a write that may have been processed: the rule stands
        status = outcome.status
        if status is None or (
            outcome.unreadable and not self.retries_status(status, retry_safe=retry_safe)
        ):
            return self._after_failure(
                sent=outcome.sent, retry_safe=retry_safe, failures=failures, quota=quota, rng=rng
            )
        return self._after_status(
            status,
            outcome.asked,
            retry_safe=retry_safe,
            failures=failures,
            quota=quota,
            rng=rng,
            wanted=bool(wanted),
        )

    def _after_status(
        self,
        status: int,
        asked: float | None,
        *,
        retry_safe: bool,
        failures: int,
        quota: RetryQuota,
        rng: Callable[[], float],
        wanted: bool = False,
    ) -> Retry | None:
        """The retry of an error answer, or None to raise it now (`wanted`: `retry_if`
        asked for it, whatever `retry_statuses` say).

        `asked` is the wait the answer named (`Retry-After`), `failures` how many failures
        this call already retried. A 429 is the API's "wait", not a failure: it counts
        against neither `max_retries` nor the retry quota (the deadline and `max_wait`
        bound it), unless retrying is off.
        """
        if self.max_retries == 0 or not (
            wanted or self.retries_status(status, retry_safe=retry_safe)
        ):
            return None
        if asked is None:
            delay = self.backoff(failures, rng)
        elif asked > self.max_wait:
            return None  # surfaces at once, carrying `retry_after`
        else:
            delay = asked * (1 + _defaults.PAUSE_SPREAD * rng())
        if status == 429:
            return Retry(delay, 0)
        if failures >= self.max_retries or not quota.spend(_defaults.RETRY_COST):
            return None
        return Retry(delay, _defaults.RETRY_COST)

    def _after_failure(
        self,
        *,
        sent: bool,
        retry_safe: bool,
        failures: int,
        quota: RetryQuota,
        rng: Callable[[], float],
    ) -> Retry | None:
        """The retry of an attempt that got no usable answer, or None to raise.

        One that broke off after it was `sent` is retried only for a `retry_safe`
        operation: the server may have acted on it.
        """
        if failures >= self.max_retries or (sent and not retry_safe):
            return None
        if not quota.spend(_defaults.RETRY_COST_CONNECTION):
            return None
        return Retry(self.backoff(failures, rng), _defaults.RETRY_COST_CONNECTION)
