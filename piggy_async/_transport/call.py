"""`Call`: one call's state across its attempts; `Request`, what each attempt sends;
`Ended`, an attempt that did not succeed, and the error it raises unless retried."""

from __future__ import annotations

from typing import Any, NamedTuple

import attrs
from yarl import URL

from .._operation import Operation
from .policy import Outcome, Retry


@attrs.define
class Call:
    """One call's state across its attempts."""

    deadline: float
    """Clock time by which the call ends, answered or not."""
    attempt: int = 0
    failures: int = 0
    """Failures retried so far (a 429's wait is not one)."""
    spent: int = 0
    """Retry quota taken, given back on success."""
    renewed: bool = False
    """Whether the credentials were renewed after a 401 (once per call)."""
    paced: bool = True
    """Whether the limiter paces it and hears its answers (all but the token request)."""

    def retried(self, retry: Retry) -> None:
        if retry.cost:  # a failure retried, not the API's 429 "wait"
            self.failures += 1
            self.spent += retry.cost


class Request(NamedTuple):
    """What every attempt of a call sends."""

    operation: Operation[Any]
    url: URL
    params: list[tuple[str, str]]
    payload: bytes | None
    headers: dict[str, str]


class Ended:
    """An attempt that did not succeed: the error to raise unless the policy retries."""

    __slots__ = ("error", "outcome", "reason")

    def __init__(self, error: Exception, outcome: Outcome, reason: str) -> None:
        self.error = error
        self.outcome = outcome
        self.reason = reason
