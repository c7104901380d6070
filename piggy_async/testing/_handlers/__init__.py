"""The stateful handlers, by (resource, operation name). Every operation not listed here is
answered from its synthesized example (`_synthesis`)."""

from __future__ import annotations

from collections.abc import Mapping

from .._call import Handler
from . import (
    contact_attributes,
    contacts,
    giftcards,
    identifiers,
    loyalty,
    loyalty_tokens,
    prepaid,
    rewards,
    shops,
    vouchers,
    webhook_subscriptions,
)

HANDLERS: Mapping[tuple[str, str], Handler] = {
    **contact_attributes.HANDLERS,
    **contacts.HANDLERS,
    **giftcards.HANDLERS,
    **identifiers.HANDLERS,
    **loyalty.HANDLERS,
    **loyalty_tokens.HANDLERS,
    **prepaid.HANDLERS,
    **rewards.HANDLERS,
    **shops.HANDLERS,
    **vouchers.HANDLERS,
    **webhook_subscriptions.HANDLERS,
}
