"""Loyalty-token claim URLs, built and checked locally: no API call needed.

A loyalty token is a signed URL on the contacts portal that gives whoever opens it credits
for a purchase (on a receipt QR code, say). The v3 recipe: the query
`version=v3&shop_uuid=…&unique_id=…&timestamp=…&unit_name=…&unit_value=…` in exactly this
order, its SHA-1 with `&secret=<account secret>` appended, then the query without the secret
and with `&hash=<sha1 hex>` appended, at `<portal>/l`.

    url = build_claim_url(
        "https://loyalty.example.com",
        shop_uuid=shop_uuid,
        unique_id="receipt-2024-0001",  # unique forever: a token can be claimed once
        unit_value=10.40,
        secret=account_secret,
    )
    token = verify_claim_url(url, secret=account_secret)  # raises LoyaltyTokenError
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from datetime import datetime
from decimal import Decimal
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs

from ._errors import PiggyError

VERSION: Final = "v3"
DEFAULT_UNIT: Final = "purchase_amount"
CLAIM_PATH: Final = "/l"
_KEYS: Final = ("version", "shop_uuid", "unique_id", "timestamp", "unit_name", "unit_value")
"""The signed query's keys, in the order the recipe fixes."""

__all__ = ["LoyaltyToken", "LoyaltyTokenError", "build_claim_url", "verify_claim_url"]


class LoyaltyTokenError(PiggyError):
    """A claim URL is malformed, not v3, or its hash does not match the secret."""


@attrs.frozen
class LoyaltyToken:
    """The parts of a verified claim URL."""

    shop_uuid: str
    unique_id: str
    timestamp: int
    """When the token was made, in Unix seconds."""
    unit_name: str
    unit_value: str
    """As written in the URL (e.g. `10.4`), so no precision is lost on the way."""


def build_claim_url(
    portal_url: str,
    *,
    shop_uuid: str,
    unique_id: str,
    unit_value: float | int | Decimal | str,
    secret: str,
    unit_name: str = DEFAULT_UNIT,
    timestamp: int | datetime | None = None,
) -> str:
    """The signed v3 claim URL at `portal_url` (your contacts portal's address).

    Args:
        portal_url: The portal's root, e.g. `https://loyalty.example.com`.
        shop_uuid: The shop the purchase was made at.
        unique_id: The token's id; the API accepts each one once, ever.
        unit_value: The purchase's value in the unit, e.g. `10.40` for €10.40.
        secret: The account secret from the dashboard; it signs the URL but is not in it.
        unit_name: The unit, `purchase_amount` by default.
        timestamp: When the token was made (an aware `datetime` or Unix seconds); now by
            default.
    """
    if not isinstance(portal_url, str) or not portal_url.startswith(("https://", "http://")):
        raise ValueError("portal_url must be an http(s) URL")
    if "?" in portal_url or "#" in portal_url:
        raise ValueError("portal_url must be the portal's root, without a query or fragment")
    for name, value in (
        ("shop_uuid", shop_uuid),
        ("unique_id", unique_id),
        ("unit_name", unit_name),
    ):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    query = urlencode(
        {  # the recipe's order, as _KEYS lists it
            "version": VERSION,
            "shop_uuid": shop_uuid,
            "unique_id": unique_id,
            "timestamp": _unix(timestamp),
            "unit_name": unit_name,
            "unit_value": _number(unit_value),
        }
    )
    return f"{portal_url.rstrip('/')}{CLAIM_PATH}?{query}&hash={_hash(query, secret)}"


def verify_claim_url(url: str, *, secret: str) -> LoyaltyToken:
    """The token's parts if `url` is a v3 claim URL signed with `secret`; otherwise raise
    `LoyaltyTokenError`. The hash is compared in constant time."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")
    query = urlsplit(url).query
    signed, separator, given = query.rpartition("&hash=")
    if not separator or not given:
        raise LoyaltyTokenError("the URL has no hash")
    pairs = parse_qsl(signed, keep_blank_values=True, strict_parsing=False)
    if tuple(key for key, _ in pairs) != _KEYS:
        raise LoyaltyTokenError(f"the URL's query must be {', '.join(_KEYS)}, hash in that order")
    values = dict(pairs)
    if values["version"] != VERSION:
        raise LoyaltyTokenError(f"only {VERSION} claim URLs are supported")
    expected = _hash(signed, secret)
    if not hmac.compare_digest(given.strip().lower().encode("ascii", "replace"), expected.encode()):
        raise LoyaltyTokenError("the URL's hash does not match its query and the secret")
    if not values["timestamp"].isdigit():
        raise LoyaltyTokenError("the URL's timestamp is not Unix seconds")
    return LoyaltyToken(
        shop_uuid=values["shop_uuid"],
        unique_id=values["unique_id"],
        timestamp=int(values["timestamp"]),
        unit_name=values["unit_name"],
        unit_value=values["unit_value"],
    )


def _hash(query: str, secret: str) -> str:
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    return hashlib.sha1(f"{query}&{urlencode({'secret': secret})}".encode()).hexdigest()


def _unix(timestamp: int | datetime | None) -> int:
    if timestamp is None:
        return int(time.time())
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            raise ValueError("timestamp must be timezone-aware")
        return int(timestamp.timestamp())
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be an aware datetime or non-negative Unix seconds")
    return timestamp


def _number(value: float | int | Decimal | str) -> str:
    if isinstance(value, bool) or not isinstance(value, float | int | Decimal | str):
        raise TypeError(f"unit_value must be a number, not {type(value).__name__}")
    try:
        number = Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        raise ValueError(f"unit_value is not a number: {value!r}") from None
    if isinstance(number, float | Decimal) and not math.isfinite(number):
        raise ValueError("unit_value must be finite")
    return value if isinstance(value, str) else str(value)
