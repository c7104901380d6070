"""examples/webhook_receiver.py against FakePiggy's deliveries: verified, parsed and
dispatched by type; forged or failing deliveries are answered so Piggy acts right."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from piggy_async import OAuthClient, RegisterClient
from piggy_async.models import ContactCreatedEvent, CreditReceptionCreatedEvent
from piggy_async.testing import RETRY_DELAYS, FakePiggy, VirtualClock
from piggy_async.webhooks import MAX_BODY_BYTES, sign

SECRET = "receiver-secret"
UNHANDLED = b'{"type":"voucher_deleted","data":{}}'
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "webhook_receiver.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Handlers that record the events they get; `fail` makes the next calls raise."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.failures = 0

    async def __call__(self, event: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("downstream is down")
        self.events.append(event)


@contextlib.asynccontextmanager
async def _serving(app: web.Application) -> AsyncIterator[str]:
    """The app on a free loopback port; yields its URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


@pytest.fixture
async def receiver(example: ModuleType) -> AsyncIterator[tuple[str, Recorder]]:
    recorder = Recorder()
    app = example.make_app(
        SECRET, {ContactCreatedEvent: recorder, CreditReceptionCreatedEvent: recorder}
    )
    async with _serving(app) as url:
        yield url, recorder


async def _subscribe(piggy: OAuthClient, url: str, *event_types: str) -> None:
    for event_type in event_types:
        await piggy.webhook_subscriptions.create(
            name=event_type,
            event_type=event_type,  # type: ignore[arg-type]
            url=url,
            secret=SECRET,
        )


async def test_fake_deliveries_are_verified_parsed_and_dispatched(
    receiver: tuple[str, Recorder],
    oauth: OAuthClient,
    register: RegisterClient,
    server: FakePiggy,
) -> None:
    url, recorder = receiver
    await _subscribe(oauth, url, "contact_created", "credit_reception_created", "voucher_created")
    contact = await register.contacts.create(email="sandy@bikinibottom.sea")
    await register.credit_receptions.create(contact_uuid=contact.uuid, credits=3)
    attempts = await server.webhooks.deliver_due()
    assert [a.status for a in attempts] == [200, 200]
    first, second = recorder.events
    assert isinstance(first, ContactCreatedEvent) and first.data.contact.uuid == contact.uuid
    assert isinstance(second, CreditReceptionCreatedEvent)
    assert second.data.credit_reception.credits == 3


async def test_a_failing_handler_gets_the_delivery_again(
    receiver: tuple[str, Recorder],
    oauth: OAuthClient,
    server: FakePiggy,
    clock: VirtualClock,
) -> None:
    url, recorder = receiver
    recorder.failures = 1
    await _subscribe(oauth, url, "contact_created")
    await oauth.contacts.create(email="sandy@bikinibottom.sea")
    (failed,) = await server.webhooks.deliver_due()
    assert failed.status == 500 and recorder.events == []
    clock.advance(RETRY_DELAYS[0])
    (retried,) = await server.webhooks.deliver_due()
    assert retried.status == 200 and len(recorder.events) == 1


@pytest.mark.parametrize(
    ("body", "signature", "status"),
    [
        (b'{"type":"contact_created","data":{}}', "0" * 64, 401),
        (b'{"type":"contact_created","data":{}}', None, 401),
        (b"[]", sign(b"[]", SECRET), 400),
        (UNHANDLED, sign(UNHANDLED, SECRET), 200),
    ],
)
async def test_forged_malformed_and_unhandled_deliveries(
    receiver: tuple[str, Recorder], body: bytes, signature: str | None, status: int
) -> None:
    url, recorder = receiver
    headers = {"Signature": signature} if signature else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as answer,
    ):
        assert answer.status == status
    assert recorder.events == []


async def test_a_body_past_the_cap_is_refused_unread(receiver: tuple[str, Recorder]) -> None:
    url, recorder = receiver
    body = b'{"type": "contact_created", "data": {}}'.ljust(MAX_BODY_BYTES + 1)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=io.BytesIO(body), headers={"Signature": sign(body, SECRET)}
        ) as answer,
    ):
        assert answer.status == 413
    assert recorder.events == []


async def test_the_example_handlers_log_without_personal_data(
    example: ModuleType,
    oauth: OAuthClient,
    server: FakePiggy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with _serving(example.make_app(SECRET, example.HANDLERS)) as url:
        await _subscribe(oauth, url, "contact_created")
        contact = await oauth.contacts.create(email="sandy@bikinibottom.sea")
        with caplog.at_level("INFO", logger="webhook_receiver"):
            (attempt,) = await server.webhooks.deliver_due()
    assert attempt.status == 200
    assert f"contact created: {contact.uuid}" in caplog.text
    assert "sandy@" not in caplog.text
