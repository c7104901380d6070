"""Receive Piggy webhooks: check the `Signature` header, then decode the event.

    from piggy_async.webhooks import parse_event, signature_from, verify_signature

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()  # the raw bytes: the signature covers them exactly
        verify_signature(body, signature_from(request.headers), secret)
        event = parse_event(body)
        if isinstance(event, ContactCreatedEvent):
            ...

The API signs every delivery with the hex HMAC-SHA256 of its body, keyed with the
subscription's `secret` (or the account secret when the subscription has none). Event types
and payload models come from `spec/webhooks.yaml`; an event type this SDK does not know yet
decodes as `UnknownWebhookEvent` and unknown keys land in `extra`, so nothing is dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Final

from . import _defaults
from ._codecs import structure
from ._errors import PiggyError
from ._generated.events import EVENT_TYPES
from ._generated.models.webhooks import UnknownWebhookEvent, WebhookEvent

SIGNATURE_HEADER: Final = "Signature"
"""The header that carries a delivery's signature."""

MAX_BODY_BYTES: Final = _defaults.WEBHOOK_MAX_BODY_BYTES
"""A cap for the receiver's request bodies (1 MiB), to set in the web framework before the
body is read (`aiohttp.web.Application(client_max_size=MAX_BODY_BYTES)`): deliveries are a
few KB, and a signature can only be checked after the whole body is in memory."""

Body = bytes | bytearray | memoryview

__all__ = [
    "EVENT_TYPES",
    "MAX_BODY_BYTES",
    "SIGNATURE_HEADER",
    "UnknownWebhookEvent",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "parse_event",
    "sign",
    "signature_from",
    "verify_signature",
]


class WebhookSignatureError(PiggyError):
    """A delivery's signature is missing or does not match its body and the secret.

    Answer such a request with 401 and do not act on it: it did not come from Piggy, or
    its body was changed on the way.
    """


class WebhookPayloadError(PiggyError):
    """A delivery's body is not a JSON object, or does not have its event type's shape."""


def sign(raw_body: Body, secret: str | bytes) -> str:
    """The signature Piggy sends for `raw_body`: hex HMAC-SHA256 keyed with `secret`."""
    key = _secret_bytes(secret)
    return hmac.new(key, _body_bytes(raw_body), hashlib.sha256).hexdigest()


def verify_signature(raw_body: Body, signature_header: str | None, secret: str | bytes) -> None:
    """Raise `WebhookSignatureError` unless `signature_header` signs `raw_body` with `secret`.

    Pass the body exactly as received (re-encoding parsed JSON changes the bytes). The
    header value may be in upper or lower case and padded with whitespace. The comparison
    takes the same time wherever the first difference is.
    """
    expected = sign(raw_body, secret)
    if signature_header is not None and not isinstance(signature_header, str):
        raise TypeError(f"signature_header must be a str, not {type(signature_header).__name__}")
    if signature_header is None or not signature_header.strip():
        raise WebhookSignatureError("the request carries no Signature header")
    given = signature_header.strip().lower()
    if not hmac.compare_digest(given.encode("ascii", "replace"), expected.encode("ascii")):
        raise WebhookSignatureError("the Signature header does not match the body and secret")


def signature_from(headers: Mapping[str, str]) -> str | None:
    """The `Signature` header's value from any headers mapping, whatever the name's case
    (a plain dict from a framework that lower-cases names, or aiohttp's `CIMultiDict`)."""
    value = headers.get(SIGNATURE_HEADER)
    if value is not None:
        return value
    wanted = SIGNATURE_HEADER.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def parse_event(raw_body: Body | str) -> WebhookEvent:
    """The typed event of a delivery: `ContactCreatedEvent`, `VoucherRedeemedEvent`, ...

    Chosen by the payload's `type` (see `EVENT_TYPES`); a type the SDK does not know is an
    `UnknownWebhookEvent` with `type` and the raw `data`. A value that does not fit its
    field is kept as sent, as in responses (`event.mismatched`). Raises
    `WebhookPayloadError` when the body is not a JSON object or cannot be its event at all.
    """
    text = raw_body if isinstance(raw_body, str) else _body_bytes(raw_body)
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise WebhookPayloadError("the webhook body is not JSON") from None
    if not isinstance(payload, dict):
        raise WebhookPayloadError(
            f"the webhook body is a JSON {type(payload).__name__}, not an object"
        )
    try:
        event: WebhookEvent = structure(payload, WebhookEvent)
    except (TypeError, ValueError, KeyError) as error:
        kind = payload.get("type")
        raise WebhookPayloadError(
            f"the {kind!r} event does not have its documented shape: {error}"
        ) from None
    return event


def _body_bytes(raw_body: Body) -> bytes:
    if isinstance(raw_body, bytes | bytearray | memoryview):
        return bytes(raw_body)
    raise TypeError(
        f"pass the raw request body as bytes, not {type(raw_body).__name__}: the signature "
        "covers the exact bytes sent"
    )


def _secret_bytes(secret: str | bytes) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode()
    if not isinstance(secret, bytes):
        raise TypeError(f"secret must be a str or bytes, not {type(secret).__name__}")
    if not secret:
        raise ValueError("secret must not be empty")
    return secret
