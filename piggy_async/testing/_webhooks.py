"""Webhook deliveries: the subscriptions, the outbox of signed POSTs, and the retry rule.

When the fake's state changes (a contact created, a voucher redeemed, ...), every ACTIVE
subscription to that event type gets a delivery: a POST of `{"type": ..., "data": {...}}`
to its URL with a `Signature` header, the hex HMAC-SHA256 of the body keyed with the
subscription's secret (the account secret when it has none). An answer other than 2xx, or
none, is retried up to five times at growing intervals, as the API does.

Deliveries run when a test asks, never in the background, so tests decide when the receiver
is called and need no sleep:

    await server.webhooks.deliver_due()   # every delivery that is due now: attempts made
    clock.advance(60)                     # with a VirtualClock: the first retry falls due
    await server.webhooks.deliver_due()
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, Final

import aiohttp
import attrs

from piggy_async.webhooks import SIGNATURE_HEADER, sign

from ._clock import Clock

RETRY_DELAYS: Final = (60.0, 120.0, 240.0, 480.0, 960.0)
"""Seconds before each retry of a failed delivery: five retries, each wait twice the last."""
DELIVERY_TIMEOUT: Final = 10.0
"""Seconds one delivery attempt may take."""


@attrs.define(kw_only=True)
class SubscriptionRecord:
    uuid: str
    name: str
    event_type: str
    url: str
    secret: str | None
    """Never shown by the API; signs the deliveries (the account secret when None)."""
    status: str
    attributes: list[str]
    """For `contact_updated`: the contact attributes whose change triggers a delivery."""
    created_at: datetime

    def to_json(self, *, listed: bool = False) -> dict[str, Any]:
        """The subscription as the API shows it; list items carry no `properties`."""
        data: dict[str, Any] = {
            "uuid": self.uuid,
            "name": self.name,
            "event_type": self.event_type,
            "url": self.url,
        }
        if not listed:
            data["properties"] = []
        data |= {
            "status": self.status,
            "version": "V1",
            "created_at": self.created_at.isoformat(),
        }
        return data


@attrs.frozen
class DeliveryAttempt:
    """One POST of one delivery, as the receiver answered it."""

    subscription_uuid: str
    event_type: str
    url: str
    number: int
    """1 for the first attempt, 2 for the first retry, ..."""
    body: bytes
    signature: str
    status: int | None
    """The receiver's HTTP status; None when it gave no answer (`error` says why)."""
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@attrs.define(kw_only=True)
class _Delivery:
    subscription_uuid: str
    event_type: str
    url: str
    body: bytes
    signature: str
    due: float
    attempts: int = 0


class Webhooks:
    """The account's webhook subscriptions and the deliveries they are owed."""

    def __init__(
        self,
        clock: Clock,
        account_secret: str,
    ) -> None:
        self._clock = clock
        self._account_secret = account_secret
        self._outbox: list[_Delivery] = []
        self._delivering = asyncio.Lock()
        """One delivery run at a time, so no delivery is attempted twice at once."""
        self.subscriptions: dict[str, SubscriptionRecord] = {}
        """By uuid, in creation order."""
        self.attempts: list[DeliveryAttempt] = []
        """Every delivery attempt made, oldest first."""
        self.abandoned: list[DeliveryAttempt] = []
        """The last attempt of each delivery that failed on every try."""

    @property
    def pending(self) -> int:
        """Deliveries not yet made successfully and not given up on."""
        return len(self._outbox)

    def next_due(self) -> float | None:
        """When the earliest pending delivery falls due (clock seconds), if any."""
        return min((delivery.due for delivery in self._outbox), default=None)

    def emit(
        self, event_type: str, data: Callable[[], Any], *, changed: Collection[str] = ()
    ) -> None:
        """Queue a delivery of the event for every ACTIVE subscription to it. The body,
        `{"type": event_type, "data": data()}`, is fixed now, so it shows the state as it
        was when the event happened; with no subscriber it is never made. For
        `contact_updated`, `changed` names the attributes that changed."""
        targets = [
            subscription
            for subscription in self.subscriptions.values()
            if subscription.event_type == event_type
            and subscription.status == "ACTIVE"
            and (event_type != "contact_updated" or set(subscription.attributes) & set(changed))
        ]
        if not targets:
            return
        body = json.dumps({"type": event_type, "data": data()}, separators=(",", ":")).encode()
        now = self._clock()
        for subscription in targets:
            secret = subscription.secret or self._account_secret
            self._outbox.append(
                _Delivery(
                    subscription_uuid=subscription.uuid,
                    event_type=event_type,
                    url=subscription.url,
                    body=body,
                    signature=sign(body, secret),
                    due=now,
                )
            )

    async def deliver_due(self) -> list[DeliveryAttempt]:
        """Make every delivery that is due, in the order the events happened; return the
        attempts. A failed one is due again after the next retry delay, or given up (kept
        in `abandoned`) after its last retry."""
        async with self._delivering:
            now = self._clock()
            due = [delivery for delivery in self._outbox if delivery.due <= now]
            if not due:
                return []
            made: list[DeliveryAttempt] = []
            timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for delivery in due:
                    attempt = await self._attempt(session, delivery)
                    made.append(attempt)
                    self._settle(delivery, attempt, now)
            self.attempts.extend(made)
            return made

    async def _attempt(
        self, session: aiohttp.ClientSession, delivery: _Delivery
    ) -> DeliveryAttempt:
        delivery.attempts += 1
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: delivery.signature}
        status: int | None = None
        error: str | None = None
        try:
            async with session.post(delivery.url, data=delivery.body, headers=headers) as answer:
                await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as failure:
            error = f"{type(failure).__name__}: {failure}"
        return DeliveryAttempt(
            subscription_uuid=delivery.subscription_uuid,
            event_type=delivery.event_type,
            url=delivery.url,
            number=delivery.attempts,
            body=delivery.body,
            signature=delivery.signature,
            status=status,
            error=error,
        )

    def _settle(self, delivery: _Delivery, attempt: DeliveryAttempt, now: float) -> None:
        if attempt.succeeded:
            self._outbox.remove(delivery)
        elif delivery.attempts > len(RETRY_DELAYS):
            self._outbox.remove(delivery)
            self.abandoned.append(attempt)
        else:
            delivery.due = now + RETRY_DELAYS[delivery.attempts - 1]
