"""FakePiggy at the HTTP level: routing from the operation table, validation and auth. Rate
limiting, faults, the token endpoint and the command line: `test_fake_piggy_service.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
import pytest

import piggy_async
from piggy_async import Operation, Param, converter
from piggy_async._defaults import API_PREFIXES
from piggy_async.testing import FakePiggy, _routes
from piggy_async.testing._bodies import parse_form
from piggy_async.testing._handlers import HANDLERS

SAMPLES: dict[str, Any] = {
    "str": "x",
    "int": 1,
    "float": 1.5,
    "bool": True,
    "datetime": "2024-01-01T00:00:00Z",
    "object": {"firstname": "Sandy"},
    "list[object]": [{"name": "x"}],
    "list[str]": ["x"],
    "str | int": "x",
    "object | list[object]": {"name": "x"},
}
"""A valid value per spec type (every type the operation table uses)."""


def _sample(param: Param) -> Any:
    return param.enum[0] if param.enum else SAMPLES[param.type]


def _query_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


async def _send(
    session: aiohttp.ClientSession,
    server: FakePiggy,
    operation: Operation[Any],
    values: Mapping[str, Any],
    key: str | None = None,
) -> tuple[int, Any]:
    """Send `operation` with `values` placed where its params say; status and JSON body."""
    located = {p.name: p.location for p in operation.params}
    path = operation.path.format_map(
        {name: value for name, value in values.items() if located.get(name) == "path"}
    )
    query = {n: _query_text(v) for n, v in values.items() if located.get(n) == "query"}
    body = {name: value for name, value in values.items() if located.get(name) == "body"}
    default_key = server.oauth_key if operation.api == "oauth" else server.register_key
    async with session.request(
        operation.method,
        server.url + API_PREFIXES[operation.api] + path,
        params=query,
        json=body if operation.method in ("POST", "PUT") else None,
        headers={"Authorization": f"Bearer {key or default_key}"},
    ) as response:
        return response.status, await response.json()


def _operation(api: str, resource: str, name: str) -> Operation[Any]:
    return next(
        op
        for op in piggy_async.operations()
        if (op.api, op.resource, op.name) == (api, resource, name)
    )


# -- routing ------------------------------------------------------------------------------


async def test_every_operation_is_routed(server: FakePiggy, session: aiohttp.ClientSession) -> None:
    for operation in piggy_async.operations():
        required = {p.name: _sample(p) for p in operation.params if p.required}
        status, body = await _send(session, server, operation, required)
        assert status not in (404, 405), operation
        assert "data" in body or "code" in body, operation


async def test_synthesized_answers_decode_into_their_documented_types(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    synthesized = [op for op in piggy_async.operations() if (op.resource, op.name) not in HANDLERS]
    for operation in synthesized:
        required = {p.name: _sample(p) for p in operation.params if p.required}
        status, body = await _send(session, server, operation, required)
        assert status == operation.status, operation
        converter.structure(body["data"], operation.data_type)


@pytest.mark.parametrize(
    ("resource", "keys"),
    [
        ("contacts", {"page", "limit", "viewing_from", "viewing_to", "last_page", "total"}),
        ("giftcards", {"page", "per_page", "last_page", "total"}),
        ("visits", {"current_page", "last_page", "per_page", "total"}),
        (
            "vouchers",
            {"current_page", "from", "last_page", "links", "path", "per_page", "to", "total"},
        ),
    ],
)
async def test_pages_answer_in_their_documented_meta_style(
    server: FakePiggy, session: aiohttp.ClientSession, resource: str, keys: set[str]
) -> None:
    status, body = await _send(session, server, _operation("oauth", resource, "list"), {})
    assert status == 200
    assert set(body["meta"]) == keys


@pytest.mark.parametrize(
    ("resource", "size"),
    [("contacts", 30), ("giftcard_transactions", 10), ("loyalty_transactions", 10)],
)
async def test_pages_are_as_long_as_the_spec_documents_when_not_asked(
    server: FakePiggy, session: aiohttp.ClientSession, resource: str, size: int
) -> None:
    operation = _operation("oauth", resource, "list")
    assert operation.pagination is not None
    assert operation.pagination.default_size == size, "the spec's default reached the table"
    status, body = await _send(session, server, operation, {})
    assert status == 200
    assert int(body["meta"].get("per_page") or body["meta"]["limit"]) == size


async def test_laravel_pages_link_their_neighbours(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    _, body = await _send(session, server, _operation("oauth", "vouchers", "list"), {})
    base = f"{server.url}/api/v3/oauth/clients/vouchers"
    assert body["meta"]["per_page"] == "30"
    assert body["links"] == {
        "first": f"{base}?page=1",
        "last": f"{base}?page=1",
        "prev": None,
        "next": None,
    }


async def test_a_handler_without_an_operation_stops_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_routes, "HANDLERS", {**HANDLERS, ("contacts", "teleport"): None})
    with pytest.raises(RuntimeError, match="teleport"):
        FakePiggy()


# -- validation ---------------------------------------------------------------------------


async def test_invalid_input_names_every_bad_field(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    operation = _operation("oauth", "loyalty_transactions", "list")
    values = {"page": "two", "sort": "credits", "created_at[gte]": "yesterday"}
    status, body = await _send(session, server, operation, values)
    assert (status, body["code"], body["message"]) == (400, 1003, "Invalid input.")
    assert body["errors"] == {
        "page": ["The page field must be an integer."],
        "sort": ["The selected sort is invalid."],
        "created_at[gte]": ["The created at[gte] field must be a valid date."],
    }


async def test_required_fields_must_be_present_and_not_empty(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    operation = _operation("oauth", "credit_receptions", "create")
    status, body = await _send(session, server, operation, {"shop_uuid": ""})
    assert status == 400
    assert body["errors"] == {
        "shop_uuid": ["The shop uuid field is required."],
        "contact_uuid": ["The contact uuid field is required."],
    }


async def test_body_types_are_checked(server: FakePiggy, session: aiohttp.ClientSession) -> None:
    operation = _operation("oauth", "contacts", "update")
    status, body = await _send(
        session, server, operation, {"contact_uuid": "x", "attributes": ["not", "an object"]}
    )
    assert status == 400
    assert body["errors"] == {"attributes": ["The attributes field must be an object."]}


async def test_unknown_query_keys_are_ignored(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    operation = _operation("oauth", "contacts", "list")
    status, _ = await _send(session, server, operation, {})
    async with session.get(
        f"{server.url}/api/v3/oauth/clients/contacts",
        params={"utm_source": "newsletter"},
        headers={"Authorization": f"Bearer {server.oauth_key}"},
    ) as response:
        assert response.status == status == 200


async def test_a_body_that_is_not_json_is_invalid_input(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    async with session.post(
        f"{server.url}/api/v3/oauth/clients/contacts",
        data=b"{not json",
        headers={"Authorization": f"Bearer {server.oauth_key}", "Content-Type": "text/plain"},
    ) as response:
        body = await response.json()
    assert (response.status, body["code"]) == (400, 1003)
    assert body["errors"] == {"body": ["The body must be valid JSON."]}


async def test_form_bodies_are_read_like_the_php_sdk_sends_them(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    contact = server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API")
    async with session.put(
        f"{server.url}/api/v3/oauth/clients/contacts/{contact.uuid}",
        data={"attributes[firstname]": "Sandy", "attributes[housenumber]": "12"},
        headers={"Authorization": f"Bearer {server.oauth_key}"},
    ) as response:
        body = await response.json()
    assert response.status == 200
    assert body["data"]["current_values"]["firstname"] == "Sandy"
    assert contact.attributes == {"firstname": "Sandy", "housenumber": "12"}


def test_form_keys_nest_like_php() -> None:
    pairs = [
        ("email", "sandy@bikinibottom.sea"),
        ("attributes[firstname]", "Sandy"),
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("lines[0][sku]", "KP-1"),
        ("lines[1][sku]", "KS-2"),
        ("odd[", "kept literally"),
    ]
    assert parse_form(pairs) == {
        "email": "sandy@bikinibottom.sea",
        "attributes": {"firstname": "Sandy"},
        "tags": ["a", "b"],
        "lines": [{"sku": "KP-1"}, {"sku": "KS-2"}],
        "odd[": "kept literally",
    }


async def test_query_values_are_coerced_to_their_types(
    server: FakePiggy, session: aiohttp.ClientSession
) -> None:
    operation = _operation("oauth", "contact_identifiers", "update")
    server.state.add_identifier("CARD-1", name=None, contact=None)
    status, body = await _send(
        session,
        server,
        operation,
        {"contact_identifier_value": "CARD-1", "contact_identifier_active": "no"},
    )
    assert status == 200
    assert body["data"]["active"] is False


# -- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "header"),
    [
        ("oauth", None),
        ("oauth", "Bearer wrong"),
        ("oauth", "Basic fake-piggy-oauth-key"),
        ("oauth", "Bearer fake-piggy-register-key"),
        ("register", "Bearer fake-piggy-oauth-key"),
    ],
)
async def test_requests_without_the_api_s_key_are_unauthenticated(
    server: FakePiggy, session: aiohttp.ClientSession, api: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    async with session.get(
        f"{server.url}{API_PREFIXES[api]}/contacts", headers=headers
    ) as response:
        body = await response.json()
    assert response.status == 401
    assert body == {"status_code": 401, "message": "Unauthenticated."}
    assert server.state.requests[-1].status == 401
