"""The stateful handlers, by (resource, operation name). Every operation not listed here is
answered from its synthesized example (`_synthesis`)."""

from __future__ import annotations

from collections.abc import Mapping

from .._call import Handler
from . import contacts, identifiers, loyalty, rewards, shops

HANDLERS: Mapping[tuple[str, str], Handler] = {
    **contacts.HANDLERS,
    **identifiers.HANDLERS,
    **loyalty.HANDLERS,
    **rewards.HANDLERS,
    **shops.HANDLERS,
}
