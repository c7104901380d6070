"""`Call` and `Handler`: what a handler gets and what it is.

A handler is a plain function `(state, call) -> Reply` that may raise `Failure`. It runs
after authentication, rate limiting and validation, so it sees only well-typed input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from yarl import URL

from piggy_async import Operation

from ._replies import Reply

if TYPE_CHECKING:
    from ._state import State


@attrs.frozen
class Call:
    """One validated request."""

    operation: Operation[Any]
    args: Mapping[str, Any]
    """The operation's parameters that were sent, by wire name, coerced to their types."""
    extra: Mapping[str, Any]
    """Body keys the operation does not name: custom attributes travel this way."""
    url: URL
    """The request URL, for the links of Laravel-style pages."""

    @property
    def on_register(self) -> bool:
        """Whether the call came in on the Register API, whose key is bound to one shop."""
        return self.operation.api == "register"


Handler = Callable[["State", Call], Reply]
