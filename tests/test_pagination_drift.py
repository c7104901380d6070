"""Iterating a list sorted newest first while items are created: they push older items onto
the next page, which the paginator does not yield twice, one page or several in flight."""

from __future__ import annotations

import pytest
from export_helpers import Writer

from piggy_async import OAuthClient
from piggy_async.testing import FakePiggy, VirtualClock
from piggy_async.testing._state import RequestRecord


@pytest.mark.parametrize("ahead", [None, 8])
async def test_newest_first_while_items_are_created_yields_each_once(
    clock: VirtualClock, ahead: int | None
) -> None:
    async with FakePiggy(clock=clock) as server:
        writer = Writer(server, clock, "transactions", seed=9)
        writer.stop()
        for _ in range(24):
            writer.burst(100)
            clock.advance(1)
        before = set(server.state.transactions)
        record = server.state.record

        def create_while_listing(request: RequestRecord) -> None:
            record(request)
            writer.burst(7)
            clock.advance(1)

        server.state.record = create_while_listing  # type: ignore[method-assign]
        async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
            listing = oauth.loyalty_transactions.list(sort="-created_at", limit=100)
            iterator = listing if ahead is None else listing.prefetch(ahead)
            uuids = [transaction.uuid async for transaction in iterator]

    assert len(uuids) == len(set(uuids))
    assert before <= set(uuids)
