"""`reconcile_credit_reception`: what became of a credit reception whose outcome is unknown.

A credit reception has no natural key unless it is linked to a POS transaction, so when its
answer is lost (`OutcomeUnknownError`) only the contact's history can say whether it landed:

    try:
        await piggy.credit_receptions.create(contact_uuid=c, shop_uuid=s, credits=5)
    except OutcomeUnknownError:
        check = await reconcile_credit_reception(
            piggy, contact_uuid=c, shop_uuid=s, credits=5, since=started
        )
        if check.outcome == "not_found":
            ...  # safe to send it again
        elif check.outcome == "found":
            reception = check.found
        else:  # "ambiguous": several match; a person decides
            ...

It never guesses: one reception matching the contact, the shop, the value (`credits`, or
`unit_value`) and `since` is `found`; none is `not_found`; more than one is `ambiguous`, with
every match in `matches`. `since` is when the attempt began (the API stamps `created_at` to
the second: it is rounded down). A single match is only as certain as the contact made no
other reception of that value at that shop since then: for writes that must happen exactly
once, link the credit to a POS transaction (`pos_transaction_uuid`) or send an order with its
`external_identifier`, whose lost answers the client settles itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from ._clients import OAuthClient, RegisterClient
    from .models import CreditReception, LoyaltyTransaction

Outcome = Literal["found", "not_found", "ambiguous"]

MAX_PAGES = 10
"""Pages of 100 of the contact's newest transactions read at most on the Register API,
which cannot filter by date."""


@attrs.frozen
class Reconciliation:
    """What the contact's history says: `outcome`, and the receptions that match."""

    outcome: Outcome
    matches: tuple[CreditReception, ...]

    @property
    def found(self) -> CreditReception | None:
        """The reception that landed, when exactly one matches."""
        return self.matches[0] if self.outcome == "found" else None


async def reconcile_credit_reception(
    client: OAuthClient | RegisterClient,
    *,
    contact_uuid: str,
    shop_uuid: str,
    since: datetime,
    credits: int | None = None,
    unit_value: float | None = None,
) -> Reconciliation:
    """Look for the credit reception among the contact's transactions at `shop_uuid`
    created since `since` (timezone-aware) with these `credits` or this `unit_value`."""
    if (credits is None) == (unit_value is None):
        raise TypeError("give the reception's credits or its unit_value, not both")
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware (e.g. datetime.now(UTC))")
    start = since.replace(microsecond=0)
    matches = tuple(
        [
            item
            async for item in _receptions(client, contact_uuid, shop_uuid, start)
            if (credits is None or item.credits == credits)
            and (unit_value is None or item.unit_value == unit_value)
        ]
    )
    outcome: Outcome = "not_found" if not matches else "found" if len(matches) == 1 else "ambiguous"
    return Reconciliation(outcome, matches)


async def _receptions(
    client: OAuthClient | RegisterClient, contact_uuid: str, shop_uuid: str, start: datetime
) -> AsyncIterator[CreditReception]:
    """The contact's credit receptions at the shop created at or after `start`."""
    from ._clients import OAuthClient
    from .models import CreditReception

    items: AsyncIterator[LoyaltyTransaction]
    if isinstance(client, OAuthClient):
        items = aiter(client.loyalty_transactions.list(
            contact_uuid=contact_uuid, shop_uuid=shop_uuid, type="credit_receptions",
            created_at_gte=start, sort="-created_at", limit=100,
        ))  # fmt: skip
    else:
        items = _newest(client, contact_uuid, shop_uuid, start)
    async for item in items:
        created = item.created_at
        if isinstance(item, CreditReception) and isinstance(created, datetime) and created >= start:
            yield item


async def _newest(
    client: RegisterClient, contact_uuid: str, shop_uuid: str, start: datetime
) -> AsyncIterator[LoyaltyTransaction]:
    """The Register API's list, newest first, until a page holds nothing since `start`."""
    pages = client.contacts.list_loyalty_transactions(
        contact_uuid, type="credit_receptions", shop_uuid=shop_uuid, limit=100
    ).pages()
    read = 0
    async for page in pages:
        for item in page.items:
            yield item
        read += 1
        if read == MAX_PAGES or all(
            not isinstance(i.created_at, datetime) or i.created_at < start for i in page.items
        ):
            break
