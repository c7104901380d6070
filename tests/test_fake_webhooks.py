"""FakePiggy delivers webhooks: signed POSTs to the subscriptions' URLs when its state
changes, retried at growing intervals on the fake's clock, never by sleeping."""

from __future__ import annotations

import asyncio

import pytest
from scripted_api import Receiver

from piggy_async import APIError, ErrorCode, OAuthClient, RegisterClient
from piggy_async.models import (
    ContactCreatedEvent,
    ContactIdentifierCreatedEvent,
    ContactUpdatedEvent,
    CreditReceptionCreatedEvent,
    RewardUpdatedEvent,
)
from piggy_async.testing import RETRY_DELAYS, FakePiggy, SeedData, VirtualClock
from piggy_async.webhooks import parse_event, signature_from, verify_signature

SECRET = "receiver-secret"


async def _subscribe(piggy: OAuthClient, url: str, event_type: str, **extra: object) -> str:
    subscription = await piggy.webhook_subscriptions.create(
        name=event_type,
        event_type=event_type,
        url=url,
        **extra,  # type: ignore[arg-type]
    )
    return subscription.uuid


async def test_a_created_contact_is_delivered_signed(oauth: OAuthClient, server: FakePiggy) -> None:
    async with Receiver() as receiver:
        await _subscribe(oauth, receiver.url, "contact_created", secret=SECRET)
        contact = await oauth.contacts.create(email="sandy@bikinibottom.sea")
        assert receiver.deliveries == []  # nothing is sent until deliveries run
        (attempt,) = await server.webhooks.deliver_due()
        assert attempt.succeeded and attempt.number == 1
        ((headers, body),) = receiver.deliveries
    verify_signature(body, signature_from(headers), SECRET)
    assert headers["Content-Type"] == "application/json"
    event = parse_event(body)
    assert isinstance(event, ContactCreatedEvent)
    assert event.data.contact.uuid == contact.uuid  # type: ignore[union-attr]
    assert event.data.contact.email == "sandy@bikinibottom.sea"  # type: ignore[union-attr]
    assert server.webhooks.pending == 0


async def test_without_its_own_secret_the_account_secret_signs() -> None:
    async with (
        FakePiggy(data=SeedData(account_secret="account-secret")) as server,
        OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy,
        Receiver() as receiver,
    ):
        await _subscribe(piggy, receiver.url, "contact_created")
        await piggy.contacts.create(email="patrick@bikinibottom.sea")
        await server.webhooks.deliver_due()
        ((headers, body),) = receiver.deliveries
    verify_signature(body, headers["Signature"], "account-secret")


async def test_a_failing_receiver_is_retried_at_growing_intervals(
    oauth: OAuthClient, server: FakePiggy, clock: VirtualClock
) -> None:
    async with Receiver(500, 502) as receiver:
        await _subscribe(oauth, receiver.url, "contact_created", secret=SECRET)
        await oauth.contacts.create(email="sandy@bikinibottom.sea")
        (first,) = await server.webhooks.deliver_due()
        assert (first.number, first.status, first.succeeded) == (1, 500, False)
        assert await server.webhooks.deliver_due() == []  # not due yet
        clock.advance(RETRY_DELAYS[0])
        (second,) = await server.webhooks.deliver_due()
        assert (second.number, second.status) == (2, 502)
        clock.advance(RETRY_DELAYS[1] - 1)
        assert await server.webhooks.deliver_due() == []
        clock.advance(1)
        (third,) = await server.webhooks.deliver_due()
        assert (third.number, third.status, third.succeeded) == (3, 200, True)
        bodies = {body for _, body in receiver.deliveries}
    assert len(bodies) == 1  # every retry carries the same body and signature
    assert server.webhooks.pending == 0


async def test_a_delivery_is_given_up_after_five_retries(
    oauth: OAuthClient, server: FakePiggy, clock: VirtualClock
) -> None:
    assert list(RETRY_DELAYS) == sorted(RETRY_DELAYS) and len(set(RETRY_DELAYS)) == 5
    async with Receiver(*[503] * 10) as receiver:
        await _subscribe(oauth, receiver.url, "contact_created")
        await oauth.contacts.create(email="sandy@bikinibottom.sea")
        waits = []
        for _ in range(6):
            (attempt,) = await server.webhooks.deliver_due()
            due = server.webhooks.next_due()
            if due is not None:
                waits.append(due - clock.wall())
                clock.advance(due - clock.wall())
        assert len(receiver.deliveries) == 6
    assert waits == list(RETRY_DELAYS)
    assert attempt.number == 6
    assert server.webhooks.pending == 0
    assert server.webhooks.abandoned == [attempt]


async def test_an_unreachable_receiver_counts_as_a_failure(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    async with Receiver() as receiver:
        url = receiver.url
    await _subscribe(oauth, url, "contact_created")  # nobody listens there any more
    await oauth.contacts.create(email="sandy@bikinibottom.sea")
    (attempt,) = await server.webhooks.deliver_due()
    assert attempt.status is None and attempt.error and not attempt.succeeded
    assert server.webhooks.pending == 1


async def test_only_active_subscriptions_to_the_event_and_attribute_are_served(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    async with Receiver() as receiver:
        await _subscribe(oauth, receiver.url, "contact_created", status="INACTIVE")
        await _subscribe(oauth, receiver.url, "contact_updated", attributes=["firstname"])
        contact = await oauth.contacts.create(email="sandy@bikinibottom.sea")
        await oauth.contacts.update(contact.uuid, attributes={"lastname": "Cheeks"})
        assert await server.webhooks.deliver_due() == []
        await oauth.contacts.update(contact.uuid, attributes={"firstname": "Sandy"})
        (attempt,) = await server.webhooks.deliver_due()
    event = parse_event(attempt.body)
    assert isinstance(event, ContactUpdatedEvent)
    assert event.data.contact.current_values["firstname"] == "Sandy"  # type: ignore[union-attr]


async def test_credit_receptions_and_identifiers_are_delivered(
    oauth: OAuthClient, register: RegisterClient, server: FakePiggy
) -> None:
    async with Receiver() as receiver:
        await _subscribe(oauth, receiver.url, "credit_reception_created")
        await _subscribe(oauth, receiver.url, "contact_identifier_created")
        contact = await register.contacts.create(email="sandy@bikinibottom.sea")
        await register.contact_identifiers.create(
            contact_identifier_value="CARD-9", contact_uuid=contact.uuid
        )
        reception = await register.credit_receptions.create(contact_uuid=contact.uuid, credits=7)
        attempts = await server.webhooks.deliver_due()
    events = [parse_event(attempt.body) for attempt in attempts]
    assert [type(event) for event in events] == [
        ContactIdentifierCreatedEvent,
        CreditReceptionCreatedEvent,
    ]
    assert events[1].data.credit_reception.uuid == reception.uuid  # type: ignore[union-attr]


async def test_subscriptions_are_managed_through_the_api(oauth: OAuthClient) -> None:
    created = await oauth.webhook_subscriptions.create(
        name="Vouchers", event_type="voucher_redeemed", url="http://127.0.0.1:9/hooks"
    )
    assert (created.status, created.version, created.properties) == ("ACTIVE", "V1", [])
    listed = await oauth.webhook_subscriptions.list(event_type="voucher_redeemed")
    assert [s.uuid for s in listed] == [created.uuid]
    assert await oauth.webhook_subscriptions.list(status="INACTIVE") == []
    updated = await oauth.webhook_subscriptions.update(created.uuid, status="INACTIVE")
    assert updated.status == "INACTIVE"
    assert (await oauth.webhook_subscriptions.get(created.uuid)).status == "INACTIVE"
    await oauth.webhook_subscriptions.delete(created.uuid)
    with pytest.raises(APIError) as caught:
        await oauth.webhook_subscriptions.get(created.uuid)
    assert caught.value.code == ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND


async def test_a_contact_updated_subscription_needs_its_attributes(
    oauth: OAuthClient,
) -> None:
    created = await oauth.webhook_subscriptions.create(
        name="Names", event_type="contact_updated", url="http://127.0.0.1:9/hooks"
    )
    with pytest.raises(APIError) as caught:
        await oauth.webhook_subscriptions.update(created.uuid, name="Renamed")
    assert caught.value.code == ErrorCode.INVALID_INPUT and "attributes" in caught.value.errors


@pytest.mark.parametrize("url", ["ftp://example.com/hooks", "not a url", "http://"])
async def test_a_subscription_needs_an_http_url(oauth: OAuthClient, url: str) -> None:
    with pytest.raises(APIError) as caught:
        await _subscribe(oauth, url, "contact_created")
    assert caught.value.code == ErrorCode.INVALID_INPUT and "url" in caught.value.errors


async def test_concurrent_delivery_runs_deliver_once(oauth: OAuthClient, server: FakePiggy) -> None:
    async with Receiver() as receiver:
        await _subscribe(oauth, receiver.url, "contact_created")
        await oauth.contacts.create(email="sandy@bikinibottom.sea")
        runs = await asyncio.gather(*(server.webhooks.deliver_due() for _ in range(3)))
        assert sorted(len(run) for run in runs) == [0, 0, 1]
        assert len(receiver.deliveries) == 1


async def test_a_reward_update_is_delivered_with_its_custom_attributes(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    reward_uuid = next(iter(server.state.rewards))
    async with Receiver() as receiver:
        await _subscribe(oauth, receiver.url, "reward_updated")
        await oauth.rewards.update(reward_uuid, title="Krabby Deluxe", attributes={"plu": "7"})
        (attempt,) = await server.webhooks.deliver_due()
    event = parse_event(attempt.body)
    assert isinstance(event, RewardUpdatedEvent)
    reward = event.data.reward  # type: ignore[union-attr]
    assert (reward.uuid, reward.title, reward.extra["plu"]) == (reward_uuid, "Krabby Deluxe", "7")
