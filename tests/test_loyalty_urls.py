"""Loyalty-token claim URLs: the v3 recipe (ordered query, SHA-1 with the account secret,
`hash` appended) and its verification, including tampered URLs."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from piggy_async import PiggyError
from piggy_async.loyalty_urls import (
    LoyaltyToken,
    LoyaltyTokenError,
    build_claim_url,
    verify_claim_url,
)

PORTAL = "https://customer.piggy.example"
SHOP = "b1e2c3d4-0000-4000-8000-000000000001"
SECRET = "account-secret"
QUERY = (
    f"version=v3&shop_uuid={SHOP}&unique_id=receipt-0001&timestamp=1700000000"
    "&unit_name=purchase_amount&unit_value=10.4"
)
# sha1 of QUERY + "&secret=account-secret", computed outside this code (printf | sha1sum).
HASH = "a14d69a807644fc3af92ff7963e7f27f1b578571"
URL = f"{PORTAL}/l?{QUERY}&hash={HASH}"


def build(**changes: object) -> str:
    parts: dict[str, object] = {
        "shop_uuid": SHOP,
        "unique_id": "receipt-0001",
        "unit_value": 10.4,
        "secret": SECRET,
        "timestamp": 1700000000,
    }
    return build_claim_url(PORTAL, **{**parts, **changes})  # type: ignore[arg-type]


def test_the_url_follows_the_documented_recipe() -> None:
    assert build() == URL


@pytest.mark.parametrize(
    "changes",
    [
        {"timestamp": datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)},
        {"unit_value": "10.4"},
        {"unit_value": Decimal("10.4")},
    ],
)
def test_equivalent_inputs_give_the_same_url(changes: dict[str, object]) -> None:
    assert build(**changes) == URL


def test_a_trailing_slash_on_the_portal_is_not_doubled() -> None:
    assert build_claim_url(
        PORTAL + "/", shop_uuid=SHOP, unique_id="receipt-0001", unit_value=10.4,
        secret=SECRET, timestamp=1700000000,
    ) == URL  # fmt: skip


def test_verify_returns_the_parts_of_a_genuine_url() -> None:
    assert verify_claim_url(URL, secret=SECRET) == LoyaltyToken(
        shop_uuid=SHOP,
        unique_id="receipt-0001",
        timestamp=1700000000,
        unit_name="purchase_amount",
        unit_value="10.4",
    )


def test_values_are_encoded_and_survive_the_round_trip() -> None:
    url = build(unique_id="bon 12/3&x=1", unit_name="visits")
    assert "bon+12%2F3%26x%3D1" in url
    token = verify_claim_url(url, secret=SECRET)
    assert (token.unique_id, token.unit_name) == ("bon 12/3&x=1", "visits")


def test_the_hash_may_be_upper_case() -> None:
    verify_claim_url(URL.replace(HASH, HASH.upper()), secret=SECRET)


@pytest.mark.parametrize(
    "url",
    [
        URL.replace("unit_value=10.4", "unit_value=104"),  # more credits
        URL.replace("receipt-0001", "receipt-0002"),  # a second claim
        URL.replace("timestamp=1700000000", "timestamp=1800000000"),
        URL.replace(HASH, "0" * 40),
        URL.replace(f"&hash={HASH}", ""),
        URL.replace("version=v3", "version=v2"),
        URL.replace(f"version=v3&shop_uuid={SHOP}", f"shop_uuid={SHOP}&version=v3"),
        URL.replace("&unit_name=purchase_amount", ""),
        URL.replace("version=v3&", "version=v3&flag&"),  # a query piece without a value
        URL.replace(HASH, "\u00e9" * 40),  # not even ASCII
    ],
)
def test_a_tampered_url_is_rejected(url: str) -> None:
    with pytest.raises(LoyaltyTokenError) as caught:
        verify_claim_url(url, secret=SECRET)
    assert isinstance(caught.value, PiggyError)
    assert SECRET not in str(caught.value)


def test_a_url_signed_with_another_secret_is_rejected() -> None:
    with pytest.raises(LoyaltyTokenError, match="does not match"):
        verify_claim_url(URL, secret="another-secret")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"unit_value": True}, TypeError),
        ({"unit_value": float("nan")}, ValueError),
        ({"unit_value": "ten"}, ValueError),
        ({"timestamp": datetime(2023, 11, 14)}, ValueError),  # naive
        ({"timestamp": -1}, ValueError),
        ({"shop_uuid": ""}, ValueError),
        ({"secret": ""}, ValueError),
    ],
)
def test_bad_parts_are_refused_before_anything_is_built(
    changes: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        build(**changes)


def _signed(query: str) -> str:
    """A URL whose hash matches `query`: only the checks after the hash's can refuse it."""
    digest = hashlib.sha1(f"{query}&secret={SECRET}".encode()).hexdigest()
    return f"{PORTAL}/l?{query}&hash={digest}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (URL.replace(f"&hash={HASH}", ""), "no hash"),
        (URL.replace(f"&hash={HASH}", "&hash="), "no hash"),
        (_signed(QUERY.replace(f"version=v3&shop_uuid={SHOP}", f"shop_uuid={SHOP}&version=v3")),
         "in that order"),
        (_signed(QUERY.replace("version=v3", "version=v2")), "only v3"),
        (_signed(QUERY.replace("timestamp=1700000000", "timestamp=soon")), "Unix seconds"),
        (URL.replace("unit_name=purchase_amount", "unit_name="), "does not match"),
    ],
)  # fmt: skip
def test_each_check_says_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(LoyaltyTokenError, match=message):
        verify_claim_url(url, secret=SECRET)


def test_a_url_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="url must be a str"):
        verify_claim_url(URL.encode(), secret=SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "portal",
    [
        "ftp://loyalty.example.com",
        "loyalty.example.com",
        None,
        "https://loyalty.example.com/?ref=qr",  # the claim path cannot follow a query
        "https://loyalty.example.com#top",
    ],
)
def test_the_portal_must_be_an_http_url_to_append_the_claim_path_to(portal: object) -> None:
    with pytest.raises(ValueError, match="portal_url"):
        build_claim_url(portal, shop_uuid=SHOP, unique_id="r", unit_value=1, secret=SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("portal", "claim_page"),
    [
        ("http://localhost:8000", "http://localhost:8000/l?"),
        (f"{PORTAL}/kiosk-X//", f"{PORTAL}/kiosk-X/l?"),  # only trailing slashes go
    ],
)
def test_the_portal_address_is_kept_as_given(portal: str, claim_page: str) -> None:
    url = build_claim_url(portal, shop_uuid=SHOP, unique_id="r", unit_value=1, secret=SECRET)
    assert url.startswith(claim_page)
    verify_claim_url(url, secret=SECRET)


@pytest.mark.parametrize("field", ["shop_uuid", "unique_id", "unit_name"])
def test_an_empty_part_is_named_in_the_error(field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field} must be a non-empty string"):
        build(**{field: ""})


def test_the_timestamp_defaults_to_now() -> None:
    before = int(time.time())
    token = verify_claim_url(build(timestamp=None), secret=SECRET)
    assert before <= token.timestamp <= int(time.time())


def test_the_epoch_itself_is_a_valid_timestamp() -> None:
    assert verify_claim_url(build(timestamp=0), secret=SECRET).timestamp == 0
