"""Bad arguments are refused with TypeError/ValueError before anything is sent; the values
users naturally hold (UUID, Decimal, aware datetimes) are accepted and sent as the API
expects."""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from scripted_api import ScriptedAPI

from piggy_async import ApiKeyAuth, OAuthClient, RegisterClient
from piggy_async.testing import FakePiggy

CONTACT = "0b7c5f2e-8a43-4c8e-9d3b-3f5c7f1e2a10"
SHOP = "5e0f5c1e-7a2b-4f5e-8c3d-1a2b3c4d5e6f"
PAGE = {"data": [], "meta": {"page": 1, "limit": 30, "last_page": 1, "total": 0}}
CREDIT = {"data": {"uuid": "r1", "credits": 10}, "meta": []}

Call = Callable[[OAuthClient], Awaitable[Any]]


def _find(**kwargs: Any) -> Call:
    return lambda piggy: piggy.contacts.find_one_by(**kwargs)


def _list(**kwargs: Any) -> Call:
    async def call(piggy: OAuthClient) -> Any:
        return await piggy.loyalty_transactions.list(**kwargs)

    return call


def _credit(**kwargs: Any) -> Call:
    arguments = {"shop_uuid": SHOP, "contact_uuid": CONTACT, **kwargs}
    return lambda piggy: piggy.credit_receptions.create(**arguments)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (_find(email=None), TypeError, r"contacts.find_one_by\(\): email is required, got None"),
        (_find(email=123), TypeError, "email must be a str, got int"),
        (_find(email=b"sandy@bikinibottom.sea"), TypeError, "email must be a str, got bytes"),
        (_find(email=["sandy@bikinibottom.sea"]), TypeError, "email must be a str, got list"),
        (_list(limit=True), TypeError, "limit must be an int, got bool"),
        (_list(limit="10"), TypeError, "limit must be an int, got str"),
        (_list(limit=-5), ValueError, "limit must be at least 1, got -5"),
        (_list(limit=0), ValueError, "limit must be at least 1"),
        (_list(sort="bogus"), ValueError, "sort must be one of 'created_at', '-created_at'"),
        (_list(sort=1), TypeError, "sort must be a str, got int"),
        (_list(created_at_gte="2024-01-01"), TypeError, "must be a datetime, got str"),
        (_list(created_at_gte=datetime(2024, 1, 1)), ValueError, "must be timezone-aware"),
        (_list(contact_uuid=42), TypeError, "contact_uuid must be a str or uuid.UUID"),
        (_credit(unit_value=math.nan), ValueError, "unit_value must be a finite number"),
        (_credit(unit_value=math.inf), ValueError, "unit_value must be a finite number"),
        (_credit(unit_value=Decimal("NaN")), ValueError, "unit_value must be a finite number"),
        (_credit(unit_value="10.40"), TypeError, "unit_value must be a number or Decimal"),
        (_credit(credits=1.5), TypeError, "credits must be an int, got float"),
        (_credit(shop_uuid=None), TypeError, "shop_uuid is required, got None"),
        (
            _list(contact_uid=CONTACT),
            TypeError,
            r"loyalty_transactions.list\(\) got an unexpected keyword argument 'contact_uid'; "
            "did you mean 'contact_uuid'",
        ),
        (_find(email="a@b.c", timeot=5), TypeError, "'timeot'; did you mean 'timeout'"),
        (_find(email="a@b.c", timeout=0), ValueError, "positive, finite number of seconds"),
        (_find(email="a@b.c", timeout=-1), ValueError, "positive, finite number of seconds"),
        (_find(email="a@b.c", timeout=math.inf), ValueError, "positive, finite"),
        (_find(email="a@b.c", timeout=math.nan), ValueError, "positive, finite"),
        (_find(email="a@b.c", timeout="5"), TypeError, "timeout must be a number of seconds"),
        (_find(email="a@b.c", extra_query=[("a", "b")]), TypeError, "extra_query must be a map"),
        (_find(email="a@b.c", max_retries=-1), ValueError, "max_retries must be 0 or more"),
        (_find(email="a@b.c", max_retries="2"), TypeError, "max_retries must be an int"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    call: Call, error: type[Exception], message: str, oauth: OAuthClient, server: FakePiggy
) -> None:
    with pytest.raises(error, match=message):
        await call(oauth)
    assert not server.state.requests


@pytest.mark.parametrize(
    "header", ["Content-Length", "transfer-encoding", "HOST", "Connection", "Accept-Encoding"]
)
async def test_extra_headers_cannot_frame_or_route_the_request(
    header: str, oauth: OAuthClient, server: FakePiggy
) -> None:
    with pytest.raises(ValueError, match=f"extra_headers cannot set {header}"):
        await oauth.contacts.find_one_by(email="a@b.c", extra_headers={header: "1"})
    with pytest.raises(ValueError, match=f"headers cannot set {header}"):
        OAuthClient(api_key="k", headers={header: "1"})
    assert not server.state.requests


@pytest.mark.parametrize("header", ["Authorization", "authorization"])
async def test_extra_headers_cannot_replace_the_credentials(
    header: str, oauth: OAuthClient, server: FakePiggy
) -> None:
    with pytest.raises(ValueError, match=f"extra_headers cannot set {header}: the client's cred"):
        await oauth.contacts.find_one_by(email="a@b.c", extra_headers={header: "Bearer other"})
    with pytest.raises(ValueError, match=f"headers cannot set {header}: the client's credentials"):
        OAuthClient(api_key="k", headers={header: "Bearer other"})
    assert not server.state.requests


async def test_an_int_enum_refuses_a_bool(oauth: OAuthClient, server: FakePiggy) -> None:
    with pytest.raises(TypeError, match="type must be an int, got bool"):
        await oauth.giftcards.create(giftcard_program_uuid=SHOP, type=True)  # type: ignore[arg-type]
    assert not server.state.requests


async def test_the_values_users_hold_reach_the_api(oauth: OAuthClient, server: FakePiggy) -> None:
    """UUIDs, Decimals and aware datetimes in other time zones are accepted and understood."""
    contact = await oauth.contacts.create(email="sandy@bikinibottom.sea")
    shop, contact_uuid = uuid.UUID(server.state.default_shop_uuid), uuid.UUID(contact.uuid)
    credit = await oauth.credit_receptions.create(
        shop_uuid=shop, contact_uuid=contact_uuid, unit_value=Decimal("10.40")
    )
    assert (credit.unit_value, credit.credits) == (10.4, 10)
    assert (await oauth.contacts.get(contact_uuid)).uuid == contact.uuid
    tomorrow = datetime.now(timezone(timedelta(hours=-5))) + timedelta(days=1)
    assert (await oauth.loyalty_transactions.list(contact_uuid=contact_uuid)).items
    assert not (await oauth.loyalty_transactions.list(created_at_gte=tomorrow)).items


async def test_uuids_decimals_and_aware_datetimes_are_sent_as_the_api_reads_them(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(CREDIT, PAGE)
    await scripted.credit_receptions.create(
        shop_uuid=uuid.UUID(SHOP), contact_uuid=uuid.UUID(CONTACT), unit_value=Decimal("10.40")
    )
    assert api.received[0].json == {
        "shop_uuid": SHOP,
        "contact_uuid": CONTACT,
        "unit_value": 10.4,
    }

    amsterdam = timezone(timedelta(hours=2))
    await scripted.loyalty_transactions.list(
        contact_uuid=uuid.UUID(CONTACT), created_at_gte=datetime(2024, 5, 1, 12, tzinfo=amsterdam)
    )
    (_, listed) = api.received
    assert listed.query == [
        ("page", "1"),
        ("contact_uuid", CONTACT),
        ("created_at[gte]", "2024-05-01T10:00:00Z"),
    ]


async def test_optional_none_still_means_null_or_absent(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(PAGE)
    await scripted.loyalty_transactions.list(sort=None)  # type: ignore[arg-type]
    (request,) = api.received
    assert request.query == [("page", "1")]


@pytest.mark.parametrize("key", ["key\nX-Injected: 1", "ke\ry", "k\x00ey", "k\x7fey"])
def test_an_api_key_with_control_characters_is_refused_at_construction(key: str) -> None:
    with pytest.raises(ValueError, match="api_key must not contain control characters") as caught:
        RegisterClient(api_key=key)
    assert key not in str(caught.value)


@pytest.mark.parametrize("timeout", [0, -1, math.inf, math.nan])
def test_a_client_timeout_must_be_positive_and_finite(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        OAuthClient(api_key="k", timeout=timeout)


async def test_surrounding_whitespace_of_an_api_key_is_still_trimmed() -> None:
    assert await ApiKeyAuth("  key\n").authorization(_no_post) == "Bearer key"


async def _no_post(path: str, body: Any) -> Any:
    raise AssertionError("an API key needs no request")
