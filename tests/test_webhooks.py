"""Webhook receiving: signatures are checked against the raw body, and every documented
event type decodes into its model while unknown types and keys are kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import CIMultiDict

from piggy_async import UNSET, PiggyError
from piggy_async.models import (
    ContactCreatedEvent,
    ContactIdentifierCreatedEvent,
    ContactUpdatedEvent,
    CreditReceptionCreatedEvent,
    FormSubmissionCompletedEvent,
    PrepaidTransactionCreatedEvent,
    PromotionUpdatedEvent,
    ReferralCompletedEvent,
    RewardUpdatedEvent,
    UnknownWebhookEvent,
    VoucherCreatedEvent,
    VoucherDeletedEvent,
    VoucherRedeemedEvent,
    VoucherUpdatedEvent,
)
from piggy_async.webhooks import (
    EVENT_TYPES,
    WebhookPayloadError,
    WebhookSignatureError,
    parse_event,
    sign,
    signature_from,
    verify_signature,
)

# RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
RFC_KEY = "Jefe"
RFC_DATA = b"what do ya want for nothing?"
RFC_MAC = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

SECRET = "whsec-test"
BODY = b'{"type":"contact_created","data":{"contact":{"uuid":"c-1","email":"a@b.example"}}}'


def test_sign_matches_the_known_hmac_sha256_vector() -> None:
    assert sign(RFC_DATA, RFC_KEY) == RFC_MAC
    verify_signature(RFC_DATA, RFC_MAC, RFC_KEY)


@pytest.mark.parametrize("header", [RFC_MAC.upper(), f"  {RFC_MAC}\n", f"\t{RFC_MAC.upper()} "])
def test_the_header_value_may_vary_in_case_and_whitespace(header: str) -> None:
    verify_signature(RFC_DATA, header, RFC_KEY)


@pytest.mark.parametrize(
    ("body", "header", "secret"),
    [
        (BODY.replace(b"c-1", b"c-2"), sign(BODY, SECRET), SECRET),  # tampered body
        (BODY, sign(BODY, SECRET), "another-secret"),  # wrong secret
        (BODY, sign(BODY, SECRET)[:-1], SECRET),  # truncated signature
        (BODY, "not hex at all \u00e9", SECRET),
    ],
)
def test_a_mismatching_signature_is_rejected(body: bytes, header: str, secret: str) -> None:
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(body, header, secret)
    assert isinstance(caught.value, PiggyError)
    assert secret not in str(caught.value) and header.strip() not in str(caught.value)


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_signature_is_rejected(header: str | None) -> None:
    with pytest.raises(WebhookSignatureError, match="no Signature header"):
        verify_signature(BODY, header, SECRET)


def test_a_header_value_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="signature_header"):
        verify_signature(BODY, sign(BODY, SECRET).encode(), SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", [123, None, ["whsec"]])
def test_a_secret_that_is_not_text_or_bytes_is_a_type_error(secret: object) -> None:
    with pytest.raises(TypeError, match="secret must be a str or bytes"):
        sign(BODY, secret)  # type: ignore[arg-type]


def test_the_body_must_be_the_raw_bytes_and_the_secret_not_empty() -> None:
    with pytest.raises(TypeError, match="raw request body"):
        verify_signature(json.loads(BODY), sign(BODY, SECRET), SECRET)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="secret"):
        verify_signature(BODY, sign(BODY, SECRET), "")


@pytest.mark.parametrize(
    "headers",
    [
        {"Signature": "abc"},
        {"signature": "abc"},
        {"SIGNATURE": "abc"},
        CIMultiDict({"sIgNaTuRe": "abc"}),
    ],
)
def test_signature_from_finds_the_header_in_any_case(headers: Any) -> None:
    assert signature_from(headers) == "abc"


def test_signature_from_a_request_without_it_is_none() -> None:
    assert signature_from({"Content-Type": "application/json"}) is None


# One payload per event type the SDK knows; `data` holds the entity the event is about.
DOCUMENTED_EVENTS: list[tuple[str, type, str, dict[str, Any]]] = [
    ("contact_created", ContactCreatedEvent, "contact", {"uuid": "c-1", "email": "x@y.example"}),
    ("contact_updated", ContactUpdatedEvent, "contact", {"uuid": "c-1", "current_values": {}}),
    ("credit_reception_created", CreditReceptionCreatedEvent, "credit_reception",
     {"uuid": "t-1", "type": "credit_reception", "credits": 10}),
    ("prepaid_transaction_created", PrepaidTransactionCreatedEvent, "prepaid_transaction",
     {"uuid": "p-1", "amount_in_cents": 500}),
    ("voucher_created", VoucherCreatedEvent, "voucher", {"uuid": "v-1", "code": "ABC"}),
    ("voucher_updated", VoucherUpdatedEvent, "voucher", {"uuid": "v-1", "status": "DEACTIVATED"}),
    ("voucher_redeemed", VoucherRedeemedEvent, "voucher", {"uuid": "v-1", "is_redeemed": True}),
    # Not in the docs' list: a third-party integration handles it.
    ("voucher_deleted", VoucherDeletedEvent, "voucher", {"uuid": "v-1", "code": "ABC"}),
    ("form_submission_completed", FormSubmissionCompletedEvent, "form",
     {"uuid": "f-1", "name": "Signup"}),
    ("referral_completed", ReferralCompletedEvent, "referral",
     {"uuid": "r-1", "status": "completed"}),
    ("contact_identifier_created", ContactIdentifierCreatedEvent, "contact_identifier",
     {"name": "card", "value": "123", "active": True}),
    ("reward_updated", RewardUpdatedEvent, "reward", {"uuid": "w-1", "title": "Shake"}),
    ("promotion_updated", PromotionUpdatedEvent, "promotion", {"uuid": "m-1", "name": "Spring"}),
]  # fmt: skip


@pytest.mark.parametrize(("event_type", "cls", "key", "entity"), DOCUMENTED_EVENTS)
def test_every_documented_event_type_parses_into_its_model(
    event_type: str, cls: type, key: str, entity: dict[str, Any]
) -> None:
    payload = {"type": event_type, "data": {key: entity}}
    event = parse_event(json.dumps(payload).encode())
    assert type(event) is cls
    assert event.type == event_type
    assert event.to_dict() == payload  # nothing lost
    assert EVENT_TYPES[event_type] is cls


def test_the_event_table_lists_exactly_the_known_types() -> None:
    assert list(EVENT_TYPES) == [event_type for event_type, *_ in DOCUMENTED_EVENTS]


def test_event_data_is_typed() -> None:
    event = parse_event(BODY)
    assert isinstance(event, ContactCreatedEvent)
    assert event.data.contact.uuid == "c-1"  # type: ignore[union-attr]


def test_an_unknown_event_type_and_unknown_keys_are_kept() -> None:
    payload = {
        "type": "voucher_archived",
        "data": {"voucher": {"uuid": "v-9"}},
        "occurred_at": "2026-01-01T00:00:00Z",
    }
    event = parse_event(json.dumps(payload))
    assert isinstance(event, UnknownWebhookEvent)
    assert event.type == "voucher_archived"
    assert event.data == {"voucher": {"uuid": "v-9"}}
    assert event.extra == {"occurred_at": "2026-01-01T00:00:00Z"}
    known = parse_event(
        json.dumps({"type": "contact_created", "data": {"contact": {"uuid": "c"}, "via": "api"}})
    )
    assert isinstance(known, ContactCreatedEvent)
    assert known.data.extra == {"via": "api"}  # type: ignore[union-attr]


def test_an_event_without_a_type_is_kept_as_unknown() -> None:
    event = parse_event(b'{"data": {"x": 1}}')
    assert isinstance(event, UnknownWebhookEvent)
    assert event.data == {"x": 1}


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_no_event_raises_a_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_event(body)


def test_data_of_another_shape_is_kept_as_sent() -> None:
    event = parse_event(b'{"type": "contact_created", "data": [1]}')
    assert isinstance(event, ContactCreatedEvent)
    assert event.data is UNSET and event.mismatched == ("data",)
    assert event.to_dict() == {"type": "contact_created", "data": [1]}
