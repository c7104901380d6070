"""The client against FakePiggy's rate limit and faults over real sockets: the budget is
learned and kept, a 429 pauses the whole client, waiters wake spread out, and writes are
processed exactly once.

The client's `VirtualClock` moves the fake's `VirtualClock` along with it, so rate-limit
windows pass without sleeping.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from piggy_async import (
    OAuthClient,
    OutcomeUnknownError,
    TransportEvent,
    VirtualClock,
)
from piggy_async.testing import FakePiggy, Faults, RateLimit


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def server_clock(clock: VirtualClock) -> VirtualClock:
    """The fake's clock: the client's own."""
    return clock


async def _client(
    server: FakePiggy, clock: VirtualClock, events: list[TransportEvent]
) -> OAuthClient:
    return OAuthClient(
        api_key=server.oauth_key, base_url=server.url, clock=clock, on_event=events.append
    )


async def _contact(server: FakePiggy) -> str:
    return server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API").uuid


async def test_a_run_past_the_budget_completes_with_hardly_a_429(
    server_clock: VirtualClock, clock: VirtualClock
) -> None:
    events: list[TransportEvent] = []
    limit = RateLimit(limit=100, window=5)
    async with FakePiggy(clock=server_clock, rate_limit=limit) as server:
        uuid = await _contact(server)
        async with await _client(server, clock, events) as piggy:
            semaphore = asyncio.Semaphore(32)

            async def get() -> None:
                async with semaphore:
                    await piggy.contacts.get(uuid)

            await asyncio.gather(*(get() for _ in range(600)))
            state = piggy.rate_limit
    statuses = Counter(event.status for event in events if event.kind == "response")
    assert statuses[200] == 600, "nothing lost"
    assert statuses[429] <= 6, "at most one probe per window runs into the limit"
    assert state.limit == 100
    assert clock.now() - 1000.0 >= 5 * 5, "six windows' worth cannot be sent faster"


async def test_a_429_burst_wakes_the_waiters_spread_out(
    server_clock: VirtualClock, clock: VirtualClock
) -> None:
    events: list[TransportEvent] = []
    async with FakePiggy(clock=server_clock, rate_limit=RateLimit(limit=10, window=10)) as server:
        uuid = await _contact(server)
        async with await _client(server, clock, events) as piggy:
            await asyncio.gather(*(piggy.contacts.get(uuid) for _ in range(50)))
    delays = [event.delay for event in events if event.kind == "retry"]
    assert len(delays) >= 40, "the 40 over budget met the 429 and retried"
    assert len(set(delays)) == len(delays), "no two coroutines wake in the same instant"
    assert max(delays) - min(delays) >= 1.0, "their wake-ups are spread, not in lock-step"
    assert min(delays) >= 10, "none before the window resets"


@pytest.mark.parametrize("faults", [Faults(error_503=0.3), Faults(error_500=0.0)])
async def test_unsafe_writes_refused_unprocessed_land_exactly_once(
    faults: Faults, server_clock: VirtualClock, clock: VirtualClock
) -> None:
    events: list[TransportEvent] = []
    async with FakePiggy(
        clock=server_clock, faults=faults, seed=5, rate_limit=RateLimit(limit=8, window=2)
    ) as server:
        uuid = await _contact(server)
        async with await _client(server, clock, events) as client:
            piggy = client.with_options(max_retries=12)  # a 503 streak never ends the test
            await asyncio.gather(
                *(
                    piggy.credit_receptions.create(
                        shop_uuid=server.state.default_shop_uuid, contact_uuid=uuid, credits=1
                    )
                    for _ in range(30)
                )
            )
        refused = {event.status for event in events if event.kind == "response"} - {200, 201}
        assert refused, "some writes were refused (429 or 503) and retried"
        assert refused <= {429, 503}
        assert server.state.contact(uuid).credits == 30, "each write landed exactly once"


async def test_a_write_cut_off_after_processing_is_an_unknown_outcome(
    server_clock: VirtualClock, clock: VirtualClock
) -> None:
    async with FakePiggy(clock=server_clock, faults=Faults(reset=1.0)) as server:
        uuid = await _contact(server)
        async with await _client(server, clock, []) as piggy:
            with pytest.raises(OutcomeUnknownError):
                await piggy.credit_receptions.create(
                    shop_uuid=server.state.default_shop_uuid, contact_uuid=uuid, credits=3
                )
        assert server.state.calls["credit_receptions", "create"] == 1, "not resent"
        assert server.state.contact(uuid).credits == 3, "yet the server had processed it"


async def test_a_read_cut_off_is_retried_until_it_succeeds(
    server_clock: VirtualClock, clock: VirtualClock
) -> None:
    events: list[TransportEvent] = []
    async with FakePiggy(clock=server_clock, faults=Faults(reset=0.3), seed=1) as server:
        uuid = await _contact(server)
        async with await _client(server, clock, events) as piggy:
            contacts = [await piggy.contacts.get(uuid) for _ in range(20)]
    assert {contact.uuid for contact in contacts} == {uuid}
    assert any(event.kind == "retry" for event in events), "some answers were cut off"


@pytest.fixture
async def limited(server_clock: VirtualClock) -> AsyncIterator[FakePiggy]:
    async with FakePiggy(clock=server_clock, rate_limit=RateLimit(limit=3, window=60)) as server:
        yield server


async def test_the_rate_limit_state_is_readable(limited: FakePiggy, clock: VirtualClock) -> None:
    uuid = await _contact(limited)
    async with await _client(limited, clock, []) as piggy:
        assert piggy.rate_limit.limit is None, "nothing learned before the first answer"
        await piggy.contacts.get(uuid)
        state = piggy.rate_limit
    assert (state.limit, state.remaining, state.paused_for) == (3, 2, 0.0)
