"""Exactly-once writes against FakePiggy: a write whose natural key is given returns what
landed when its answer is lost after the server processed it, is sent again when nothing
landed, and leaves exactly one object behind; a write without a key says its outcome is
unknown every time, whatever way the answer was lost."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from piggy_async import (
    APIConnectionError,
    OAuthClient,
    OutcomeUnknownError,
    RegisterClient,
    RetryPolicy,
    ServerError,
    TransportEvent,
)
from piggy_async.reconcile import reconcile_credit_reception
from piggy_async.testing import FakePiggy, Faults, VirtualClock
from piggy_async.testing._faults import FaultKind

NO_WAIT = RetryPolicy(base_delay=0.0, max_delay=0.0)
"""Retries at once: the tests never wait on a real clock."""

LOST_AFTER_PROCESSING: list[FaultKind] = ["reset", "malformed", "lost_502", "lost_504"]
NOT_PROCESSED: list[FaultKind] = ["error_500", "error_502"]

Write = Callable[[OAuthClient, FakePiggy, str], Awaitable[Any]]
"""Sends one keyed write with `key` as its natural key's value."""
Count = Callable[[FakePiggy, str], int]
"""How many objects with natural key `key` the fake holds."""


class Setup:
    """A server, a client that retries at once and reports its events, and a contact."""

    def __init__(self, server: FakePiggy, client: OAuthClient, contact: str) -> None:
        self.server, self.client, self.contact = server, client, contact
        self.events: list[TransportEvent] = []

    def resolved(self) -> list[TransportEvent]:
        return [event for event in self.events if event.kind == "resolved"]


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    events: list[TransportEvent] = []
    async with (
        FakePiggy() as server,
        OAuthClient(
            api_key=server.oauth_key,
            base_url=server.url,
            retry_policy=NO_WAIT,
            on_event=events.append,
        ) as client,
    ):
        contact = await client.contacts.create(email="sandy@bikinibottom.sea")
        events.clear()  # the events of the test's own calls
        ready = Setup(server, client, contact.uuid)
        ready.events = events
        yield ready


def _order(piggy: OAuthClient, server: FakePiggy, key: str, contact: str) -> Awaitable[Any]:
    return piggy.orders.create(
        external_identifier=key,
        status="COMPLETED",
        payment_status="PAID",
        total_order_amount=1250,
        contact={"uuid": contact},
        business_profile={"uuid": server.state.default_shop_uuid},
        line_items=[{"external_identifier": "1", "name": "Krabby Patty", "quantity": 1,
                     "price": 1250, "total_amount": 1250}],
    )  # fmt: skip


def _shift(piggy: OAuthClient, server: FakePiggy, key: str | None, contact: str) -> Any:
    return piggy.shifts.create(
        contact_uuid=contact,
        shop_uuid=server.state.default_shop_uuid,
        started_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
        ended_at=datetime(2024, 5, 1, 17, tzinfo=UTC),
        status="approved",
        **({} if key is None else {"external_id": key}),
    )


def _voucher(piggy: OAuthClient, server: FakePiggy, key: str, _contact: str) -> Any:
    return piggy.vouchers.create(promotion_uuid=next(iter(server.state.promotions)), code=key)


def _identifier(piggy: OAuthClient, _server: FakePiggy, key: str, contact: str) -> Any:
    return piggy.contact_identifiers.create(contact_identifier_value=key, contact_uuid=contact)


def _contact(piggy: OAuthClient, _server: FakePiggy, key: str, _contact: str) -> Any:
    return piggy.contacts.create(email=key)


KEYED: dict[str, tuple[Callable[..., Any], Callable[[FakePiggy, Any], int], Callable[[Any], Any]]]
KEYED = {
    "orders.create": (
        _order,
        lambda server, key: sum(
            o["external_identifier"] == key for o in server.state.orders.values()
        ),
        lambda order: order.external_identifier,
    ),
    "shifts.create": (
        _shift,
        lambda server, key: sum(s["external_id"] == key for s in server.state.shifts.values()),
        lambda shift: shift.external_id,
    ),
    "vouchers.create": (
        _voucher,
        lambda server, key: sum(v.code == key for v in server.state.vouchers.values()),
        lambda voucher: voucher.code,
    ),
    "contact_identifiers.create": (
        _identifier,
        lambda server, key: int(key in server.state.identifiers),
        lambda identifier: identifier.value,
    ),
    "contacts.create": (
        _contact,
        lambda server, key: int(server.state.contact_by_email(key) is not None),
        lambda contact: contact.uuid,
    ),
}


async def _write_meeting(setup: Setup, label: str, fault: FaultKind) -> tuple[str, Any]:
    """The key and the result of the keyed write `label` whose first request meets
    `fault`; exactly one object with the key must have landed."""
    write, count, _ = KEYED[label]
    key = "plankton@chum.bucket" if label == "contacts.create" else f"K-{label}"
    setup.server.inject(label, fault)
    result = await write(setup.client, setup.server, key, setup.contact)
    assert count(setup.server, key) == 1, "exactly one landed"
    return key, result


@pytest.mark.parametrize("fault", LOST_AFTER_PROCESSING)
@pytest.mark.parametrize("label", KEYED)
async def test_a_lost_answer_returns_what_landed_once(
    setup: Setup, label: str, fault: FaultKind
) -> None:
    key, result = await _write_meeting(setup, label, fault)
    if label == "contacts.create":
        assert result.uuid == setup.server.state.contact_by_email(key).uuid
        assert result.extra == {}, "the lookup's other fields are not the write's answer"
    else:
        assert KEYED[label][2](result) == key
    [resolved] = setup.resolved()
    assert resolved.operation == label and resolved.attempt == 1


@pytest.mark.parametrize("fault", NOT_PROCESSED)
@pytest.mark.parametrize("label", KEYED)
async def test_a_write_that_did_not_land_is_sent_again_and_lands_once(
    setup: Setup, label: str, fault: FaultKind
) -> None:
    await _write_meeting(setup, label, fault)
    sent = [e for e in setup.events if e.kind == "request" and e.operation == label]
    assert len(sent) == 2 and setup.resolved() == []


async def test_without_its_key_a_write_keeps_the_write_safety_rule(setup: Setup) -> None:
    setup.server.inject("shifts.create", "lost_502")
    with pytest.raises(OutcomeUnknownError) as caught:
        await _shift(setup.client, setup.server, None, setup.contact)
    assert isinstance(caught.value, ServerError) and caught.value.status == 502
    assert not [e for e in setup.events if e.operation == "shifts.find"], "no lookup"


async def test_a_lookup_that_cannot_answer_in_time_leaves_the_outcome_unknown(
    setup: Setup,
) -> None:
    setup.server.inject("orders.create", "lost_504")
    setup.server.inject("orders.find", *["reset"] * 5)  # the first try and every retry
    with pytest.raises(OutcomeUnknownError, match="lookup by its natural key") as caught:
        await _order(setup.client, setup.server, "K-1", setup.contact)
    assert isinstance(caught.value.__cause__, APIConnectionError)
    assert len(setup.server.state.orders) == 1, "landed; never sent twice"


@pytest.mark.parametrize("fault", ["lost_502", "lost_504", "error_500"])
async def test_an_unkeyed_write_answered_5xx_says_it_may_have_been_processed(
    setup: Setup, fault: FaultKind
) -> None:
    setup.server.inject("credit_receptions.create", fault)
    shop = setup.server.state.default_shop_uuid
    with pytest.raises(ServerError) as caught:
        await setup.client.credit_receptions.create(
            contact_uuid=setup.contact, shop_uuid=shop, credits=5
        )
    error = caught.value
    assert isinstance(error, OutcomeUnknownError) and error.may_have_been_processed
    copy = pickle.loads(pickle.dumps(error))
    assert (
        type(copy) is type(error) and copy.may_have_been_processed and copy.status == error.status
    )
    landed = len(setup.server.state.transactions)
    assert landed == (0 if fault == "error_500" else 1), "the fault decides; the SDK cannot"


async def test_a_read_that_fails_5xx_is_not_marked(setup: Setup) -> None:
    setup.server.inject("contacts.get", *["error_502"] * 5)
    with pytest.raises(ServerError) as caught:
        await setup.client.contacts.get(setup.contact)
    assert not isinstance(caught.value, OutcomeUnknownError)


async def test_a_second_credit_for_one_pos_transaction_is_refused(setup: Setup) -> None:
    shop, pos = setup.server.state.default_shop_uuid, "5b6e2b40-0b0e-4a1c-9a43-0d1c1f3f6a10"
    credit = setup.client.credit_receptions.create
    await credit(contact_uuid=setup.contact, shop_uuid=shop, credits=5, pos_transaction_uuid=pos)
    with pytest.raises(Exception, match="already linked") as caught:
        await credit(
            contact_uuid=setup.contact, shop_uuid=shop, credits=5, pos_transaction_uuid=pos
        )
    assert getattr(caught.value, "code", None) == 6001


SOAK_WRITERS = 64
SOAK_WRITES = 8


async def test_soak_keyed_writes_through_lost_answers_land_once_each() -> None:
    """64 concurrent writers, 5% of requests losing their answer after processing."""
    faults = Faults(reset=0.02, lost_502=0.015, lost_504=0.015)
    events: list[TransportEvent] = []
    async with (
        FakePiggy(faults=faults, seed=19) as server,
        OAuthClient(api_key=server.oauth_key, base_url=server.url, retry_policy=NO_WAIT,
                    on_event=events.append) as client,
    ):  # fmt: skip
        contact = server.state.add_contact("soak@bikinibottom.sea", channel="API").uuid

        async def writer(number: int) -> list[tuple[str, str]]:
            done = []
            for index in range(SOAK_WRITES):
                key = f"soak-{number}-{index}"
                order = await _order(client, server, key, contact)
                done.append((key, order.uuid))
            return done

        results = await asyncio.gather(*(writer(n) for n in range(SOAK_WRITERS)))
    landed = server.state.orders
    answered = [pair for batch in results for pair in batch]
    assert len(answered) == len(landed) == SOAK_WRITERS * SOAK_WRITES
    assert all(landed[key]["uuid"] == uuid for key, uuid in answered), "what landed, once"
    assert sum(e.kind == "resolved" for e in events) > 0, "the faults did strike"


# -- what has no key: the reconcile helper --------------------------------------------------


@pytest.mark.parametrize("api", ["oauth", "register"])
@pytest.mark.parametrize(("fault", "earlier", "outcome"), [
    ("lost_502", 0, "found"), ("error_502", 0, "not_found"), ("lost_504", 1, "ambiguous"),
])  # fmt: skip
async def test_reconcile_says_found_not_found_or_ambiguous_never_guessing(
    api: str, fault: FaultKind, earlier: int, outcome: str
) -> None:
    clock = VirtualClock()  # every write in one second, as a quick retry's would be
    async with FakePiggy(clock=clock) as server:
        key = server.oauth_key if api == "oauth" else server.register_key
        client_class = OAuthClient if api == "oauth" else RegisterClient
        async with client_class(api_key=key, base_url=server.url, retry_policy=NO_WAIT) as piggy:
            contact = server.state.add_contact("pearl@bikinibottom.sea", channel="API").uuid
            shop = server.state.default_shop_uuid
            at = {"shop_uuid": shop} if api == "oauth" else {}  # the register key's own shop
            credit = piggy.credit_receptions.create
            await credit(contact_uuid=contact, credits=7, **at)  # another value
            for _ in range(earlier):
                await credit(contact_uuid=contact, credits=5, **at)
            started = datetime.fromtimestamp(clock.wall(), UTC)
            server.inject("credit_receptions.create", fault)
            with pytest.raises(OutcomeUnknownError):
                await credit(contact_uuid=contact, credits=5, **at)
            check = await reconcile_credit_reception(
                piggy, contact_uuid=contact, shop_uuid=shop, credits=5, since=started
            )
    assert check.outcome == outcome
    assert len(check.matches) == {"found": 1, "not_found": 0, "ambiguous": 2}[outcome]
    assert (check.found is not None) == (outcome == "found")
    assert all(match.credits == 5 for match in check.matches)


async def test_reconcile_refuses_what_it_cannot_compare(setup: Setup) -> None:
    shop = setup.server.state.default_shop_uuid
    with pytest.raises(TypeError, match="credits or its unit_value"):
        await reconcile_credit_reception(
            setup.client, contact_uuid=setup.contact, shop_uuid=shop, since=datetime.now(UTC)
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        await reconcile_credit_reception(
            setup.client, contact_uuid=setup.contact, shop_uuid=shop, credits=1,
            since=datetime.now(),
        )  # fmt: skip
