"""A Piggy webhook receiver on aiohttp.web: verify the signature, parse the event, dispatch
it to the handler for its type.

    PIGGY_WEBHOOK_SECRET=... .venv/bin/python examples/webhook_receiver.py --port 8081

Subscribe its URL with `piggy.webhook_subscriptions.create(..., url=..., secret=...)`.
Answer fast: Piggy retries a delivery that gets no 2xx (up to five times), so a handler
that fails makes the delivery come again; do slow work in a queue, and make handlers
idempotent.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from piggy_async.models import (
    ContactCreatedEvent,
    CreditReceptionCreatedEvent,
    UnknownWebhookEvent,
    VoucherRedeemedEvent,
    WebhookEvent,
)
from piggy_async.webhooks import (
    MAX_BODY_BYTES,
    WebhookPayloadError,
    WebhookSignatureError,
    parse_event,
    signature_from,
    verify_signature,
)

log = logging.getLogger("webhook_receiver")

EventHandler = Callable[[Any], Awaitable[None]]
"""Called with the parsed event of the type it is registered for."""


def make_app(secret: str, handlers: Mapping[type[WebhookEvent], EventHandler]) -> web.Application:
    """The receiver: POST / checks, parses and dispatches one delivery.

    401 for a bad signature, 400 for a body that is no event (neither is retried usefully),
    500 when the handler fails (Piggy retries), 200 otherwise, also for event types
    without a handler.
    """

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()  # the raw bytes: the signature covers exactly them
        try:
            verify_signature(body, signature_from(request.headers), secret)
            event = parse_event(body)
        except WebhookSignatureError:
            return web.Response(status=401, text="bad signature")
        except WebhookPayloadError as error:
            return web.Response(status=400, text=str(error))
        handler = handlers.get(type(event))
        if handler is None:
            log.info("no handler for %s events", event.type)
            return web.Response(text="ignored")
        try:
            await handler(event)
        except Exception:
            log.exception("handling a %s event failed", event.type)
            return web.Response(status=500, text="handler failed")
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)  # nothing larger is read
    app.router.add_post("/", receive)
    return app


# The payloads are not documented in full: every field may be absent (UNSET, which is
# falsy), so a handler checks before it relies on one.


async def on_contact_created(event: ContactCreatedEvent) -> None:
    if event.data and event.data.contact:
        log.info("contact created: %s", event.data.contact.uuid)  # never log the e-mail


async def on_credit_reception(event: CreditReceptionCreatedEvent) -> None:
    if event.data and event.data.credit_reception:
        reception = event.data.credit_reception
        log.info("credits received: %s (%s)", reception.credits, reception.uuid)


async def on_voucher_redeemed(event: VoucherRedeemedEvent) -> None:
    if event.data and event.data.voucher:
        log.info("voucher redeemed: %s", event.data.voucher.uuid)


async def on_unknown(event: UnknownWebhookEvent) -> None:
    log.info("an event type this SDK does not know yet: %s", event.type)


HANDLERS: dict[type[WebhookEvent], EventHandler] = {
    ContactCreatedEvent: on_contact_created,
    CreditReceptionCreatedEvent: on_credit_reception,
    VoucherRedeemedEvent: on_voucher_redeemed,
    UnknownWebhookEvent: on_unknown,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    secret = os.environ.get("PIGGY_WEBHOOK_SECRET")
    if not secret:
        parser.error("set PIGGY_WEBHOOK_SECRET to the subscription's (or account's) secret")
    logging.basicConfig(level=logging.INFO)
    web.run_app(make_app(secret, HANDLERS), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
