"""`Hooks`: the request hooks of a client or a view, and how the transport runs them; the
retry policy's `retry_if` asked; `Traced`, what a traced client's calls run inside.

The transport asks `settings.hooks` once per attempt: None (no hooks, the common case) costs
that one check and nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from types import CoroutineType
from typing import Any, Protocol, TypeVar

import attrs
from yarl import URL

from .._operation import Operation
from ..hooks import (
    AfterResponse,
    BeforeRequest,
    CallState,
    HookError,
    RequestHeaders,
    RequestInfo,
    ResponseInfo,
)
from .call import Call, Ended
from .policy import Retry, RetryContext, RetryPolicy
from .quota import RetryQuota

R = TypeVar("R")


def _checked(hooks: Iterable[Any], what: str) -> tuple[Any, ...]:
    if isinstance(hooks, str | bytes) or not isinstance(hooks, Iterable):
        raise TypeError(f"{what} must be a list of async functions, got {type(hooks).__name__}")
    given = tuple(hooks)
    for hook in given:
        if not callable(hook):
            raise TypeError(f"{what}: {hook!r} is not a function")
    return given


@attrs.frozen
class Hooks:
    """Before-request and after-response hooks, run in order."""

    before: tuple[BeforeRequest, ...] = ()
    after: tuple[AfterResponse, ...] = ()

    def plus(
        self, before: Iterable[BeforeRequest] | None, after: Iterable[AfterResponse] | None
    ) -> Hooks | None:
        """These hooks and then the given ones; None when there are none at all."""
        more_before = _checked(before or (), "before_request")
        more_after = _checked(after or (), "after_response")
        hooks = Hooks((*self.before, *more_before), (*self.after, *more_after))
        return hooks if hooks.before or hooks.after else None

    async def before_attempt(
        self, operation: Operation[Any], url: URL, headers: dict[str, str], call: CallState
    ) -> None:
        """Each before-request hook on the attempt about to be sent with `headers`."""
        if not self.before:
            return
        shown = f"{url.scheme}://{url.raw_authority}{operation.redacted_path(url.raw_path)}"
        request = RequestInfo(
            operation, operation.method, shown, call.attempt, RequestHeaders(headers), call
        )
        for hook in self.before:
            await _run(hook, request, operation.label, sent=False)

    async def after_answer(
        self,
        operation: Operation[Any],
        answer: tuple[int, bytes, Mapping[str, str]],
        elapsed: float,
        call: CallState,
    ) -> None:
        """Each after-response hook on an answer (a success or an error status)."""
        if not self.after:
            return
        status, _, headers = answer
        response = ResponseInfo(operation, status, headers, call.attempt, elapsed, call)
        for hook in self.after:
            await _run(hook, response, operation.label, sent=True)


def _name(hook: Any) -> str:
    return str(getattr(hook, "__qualname__", None) or type(hook).__qualname__)


async def _run(hook: Callable[[Any], Awaitable[None]], info: Any, label: str, sent: bool) -> None:
    """`hook(info)` awaited; anything it raises (but a cancellation) as `HookError`."""
    kind = "after_response" if sent else "before_request"
    try:
        pending = hook(info)
        if pending.__class__ is not CoroutineType and not isinstance(pending, Awaitable):
            raise TypeError(f"it returned {type(pending).__name__}: hooks are async functions")
        await pending
    except Exception as error:
        outcome = "the answer came" if sent else "the attempt was not sent"
        raise HookError(
            f"{label}: the {kind} hook {_name(hook)} raised {type(error).__name__}: {error} "
            f"({outcome})",
            operation=label,
            hook=_name(hook),
            sent=sent,
        ) from error


class Traced(Protocol):
    """Runs a call's coroutine inside what traces it (`piggy_async.otel`)."""

    def __call__(
        self, operation: Operation[Any], sent: Awaitable[R], /
    ) -> Coroutine[Any, Any, R]: ...


@functools.lru_cache(maxsize=64)  # a client has few views: one join each
def joined(own: Hooks | None, shared: Hooks) -> Hooks:
    """A view's `own` hooks, then those every view of its client runs, however old the
    view (tracing's, added by `piggy_async.otel.instrument`)."""
    if own is None:
        return shared
    return Hooks((*own.before, *shared.before), (*own.after, *shared.after))


def decide(
    policy: RetryPolicy,
    operation: Operation[Any],
    call: Call,
    ended: Ended,
    quota: RetryQuota,
    rng: Callable[[], float],
) -> Retry | None:
    """The policy's decision on the attempt of `call` that `ended`; its `retry_if`, if any,
    asked first, and what that raises raised as `HookError`."""
    outcome, failures = ended.outcome, call.failures
    context = None
    if policy.retry_if is not None:
        context = RetryContext(operation, call.attempt, failures, ended.error)
    try:
        return policy.decide(
            outcome,
            retry_safe=operation.retry_safe,
            failures=failures,
            quota=quota,
            rng=rng,
            context=context,
        )
    except Exception as error:
        if context is None:
            raise
        label, name = operation.label, _name(policy.retry_if)
        raise HookError(
            f"{label}: retry_if {name} raised {type(error).__name__}: {error}",
            operation=label,
            hook=name,
            sent=outcome.sent,
        ) from error
