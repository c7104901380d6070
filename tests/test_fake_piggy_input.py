"""FakePiggy answers hostile or broken input as the API would (400 with code 1003 in the
error envelope, never a 500), its own HTTP errors in the API's envelope, the seeded shops
from `shops.list()`, and fault options whose names say what they do."""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import Any

import aiohttp
import pytest

from piggy_async import OAuthClient
from piggy_async.testing import FakePiggy, Faults
from piggy_async.testing.__main__ import _parser

OAUTH = "/api/v3/oauth/clients"
DEEP_JSON = '{"email": ' + "[" * 100_000 + "]" * 100_000 + "}"
"""Deeper than any Python's json module decodes (3.13 decodes 3,000 levels)."""


async def _post(
    session: aiohttp.ClientSession, server: FakePiggy, path: str, **kwargs: Any
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {server.oauth_key}", **kwargs.pop("headers", {})}
    async with session.post(server.url + path, headers=headers, **kwargs) as response:
        return response.status, await response.json()


def _is_invalid_input(status: int, body: Any) -> bool:
    return status == 400 and body["code"] == 1003 and body["status_code"] == 400


async def _contact(session: aiohttp.ClientSession, server: FakePiggy) -> str:
    status, answer = await _post(
        session, server, f"{OAUTH}/contacts", json={"email": "sandy@bikinibottom.sea"}
    )
    assert status == 201 or status == 200, answer
    uuid: str = answer["data"]["uuid"]
    return uuid


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
async def test_a_non_finite_unit_value_is_invalid_input(
    value: str, server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    contact = await _contact(session, server)
    shop = server.state.default_shop_uuid
    body = f'{{"shop_uuid": "{shop}", "contact_uuid": "{contact}", "unit_value": {value}}}'
    status, answer = await _post(
        session,
        server,
        f"{OAUTH}/credit-receptions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert _is_invalid_input(status, answer), answer


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
async def test_a_non_finite_unit_value_in_a_form_or_query_is_invalid_input(
    value: str, server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    form = {
        "shop_uuid": server.state.default_shop_uuid,
        "contact_uuid": await _contact(session, server),
        "unit_value": value,
    }
    status, answer = await _post(session, server, f"{OAUTH}/credit-receptions", data=form)
    assert _is_invalid_input(status, answer), answer
    assert set(answer["errors"]) == {"unit_value"}
    async with session.get(
        f"{server.url}{OAUTH}/credit-receptions/calculate",
        params=form,
        headers={"Authorization": f"Bearer {server.oauth_key}"},
    ) as response:
        answer = await response.json()
        assert _is_invalid_input(response.status, answer), answer
        assert set(answer["errors"]) == {"unit_value"}


@pytest.mark.parametrize("path", [f"{OAUTH}/contacts", "/oauth/token"])
async def test_deeply_nested_json_is_invalid_input(
    path: str, server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    status, answer = await _post(
        session, server, path, data=DEEP_JSON, headers={"Content-Type": "application/json"}
    )
    assert _is_invalid_input(status, answer), answer


async def test_a_deeply_bracketed_form_key_is_invalid_input(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    form = {"email" + "[x]" * 3000: "sandy@bikinibottom.sea"}
    status, answer = await _post(session, server, f"{OAUTH}/contacts", data=form)
    assert _is_invalid_input(status, answer), answer
    assert answer["errors"] == {"email": ["The field is nested too deeply."]}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage"),
        ("multipart/form-data", b"no boundary at all"),
    ],
)
async def test_a_malformed_multipart_body_is_invalid_input(
    content_type: str, body: bytes, server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    status, answer = await _post(
        session, server, f"{OAUTH}/contacts", data=body, headers={"Content-Type": content_type}
    )
    assert _is_invalid_input(status, answer), answer


async def test_http_errors_use_the_api_envelope(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    async with session.get(f"{server.url}{OAUTH}/no-such-thing") as response:
        assert response.status == 404
        assert await response.json() == {"status_code": 404, "message": "Not Found"}
    async with session.delete(f"{server.url}{OAUTH}/contacts/find-one-by") as response:
        assert response.status == 405
        assert response.headers["Allow"]
        assert await response.json() == {"status_code": 405, "message": "Method Not Allowed"}
    status, answer = await _post(
        session,
        server,
        f"{OAUTH}/contacts",
        data=io.BytesIO(b"x" * (2 * 2**20)),
        headers={"Content-Type": "application/json"},
    )
    phrase = HTTPStatus.REQUEST_ENTITY_TOO_LARGE.phrase  # "Content Too Large" from 3.13 on
    assert (status, answer) == (413, {"status_code": 413, "message": phrase})


async def test_shops_list_lists_the_seeded_shops_which_can_be_used(server: FakePiggy) -> None:
    async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy:
        shops = await piggy.shops.list()
        assert [shop.name for shop in shops] == ["Krusty Krab", "Chum Bucket"]
        assert (await piggy.shops.get(shops[1].uuid)).name == "Chum Bucket"
        contact = await piggy.contacts.create(email="sandy@bikinibottom.sea")
        reception = await piggy.credit_receptions.create(
            shop_uuid=shops[1].uuid, contact_uuid=contact.uuid, credits=5
        )
    assert reception.credits == 5


def test_the_delay_options_say_they_are_seconds_and_a_share() -> None:
    args = _parser().parse_args(["serve", "--delay-seconds", "0.2", "--delayed", "0.5"])
    assert (args.delay_seconds, args.delayed) == (0.2, 0.5)
    faults = Faults(delay_seconds=0.2, delayed=0.5)
    assert faults.enabled
    with pytest.raises(TypeError):
        Faults(latency=0.2)  # type: ignore[call-arg]
