"""Error responses become typed exceptions; unreadable bodies and dead connections too."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from helpers import OAUTH, endpoint
from scripted_api import Reply, ScriptedAPI

from piggy_async import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorCode,
    InsufficientBalanceError,
    InvalidInputError,
    LimitReachedError,
    MaintenanceError,
    MalformedResponseError,
    MisconfiguredError,
    NotFoundError,
    OAuthClient,
    PermissionDeniedError,
    PiggyError,
    RateLimitError,
    ServerError,
    UnavailableError,
    UnprocessableEntityError,
)
from piggy_async._generated.error_codes import ERROR_KINDS
from piggy_async.errors import NotFoundBadRequestError, TruncatedResponseError

GET_CONTACT = endpoint(OAUTH, "/contacts/123")


def error_body(status: int, code: int = 55031, message: str = "Contact not found.") -> Any:
    return {
        "status_code": status,
        "code": code,
        "message": message,
        "errors": {"contact_uuid": ["The contact does not exist."]},
    }


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, MaintenanceError),
        (504, ServerError),
    ],
)
async def test_error_status_maps_to_its_exception(
    status: int, cls: type[APIError], scripted: OAuthClient, api: ScriptedAPI
) -> None:
    """A code the spec does not know has no kind: the status alone picks the class."""
    body = error_body(status, code=424242, message="Something odd.")
    api.reply(Reply(status=status, json=body))
    with pytest.raises(cls) as caught:
        await scripted.contacts.get("123")
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, APIError)
    assert isinstance(error, PiggyError)
    assert error.status == status
    assert error.code == 424242
    assert error.kind is None
    assert error.message == "Something odd."
    assert error.errors == {"contact_uuid": ["The contact does not exist."]}
    assert error.body == body
    assert str(error).startswith(f"contacts.get: HTTP {status} (code 424242) Something odd.")


@pytest.mark.parametrize(
    ("status", "code", "kind_class", "status_class"),
    [
        (400, ErrorCode.CONTACT_NOT_FOUND, NotFoundError, BadRequestError),
        (400, ErrorCode.CONTACT_ALREADY_EXISTS, AlreadyExistsError, BadRequestError),
        (400, ErrorCode.INSUFFICIENT_CREDITS, InsufficientBalanceError, BadRequestError),
        (400, ErrorCode.USAGE_LIMIT_REACHED, LimitReachedError, BadRequestError),
        (400, ErrorCode.VOUCHER_EXPIRED, UnavailableError, BadRequestError),
        (400, ErrorCode.VOUCHER_ALREADY_REDEEMED, ConflictError, BadRequestError),
        (400, ErrorCode.SHOP_NOT_LINKED_TO_LOYALTY_PROGRAM, MisconfiguredError, BadRequestError),
        (400, ErrorCode.NO_ACCESS_TO_ACCOUNT, PermissionDeniedError, BadRequestError),
        (422, ErrorCode.INVALID_INPUT, InvalidInputError, UnprocessableEntityError),
        (404, ErrorCode.CONTACT_NOT_FOUND, NotFoundError, NotFoundError),
        (500, ErrorCode.INTERNAL_ERROR, ServerError, ServerError),
        (403, ErrorCode.REWARD_NOT_FOUND, NotFoundError, PermissionDeniedError),
        (409, ErrorCode.CONTACT_IDENTIFIER_ALREADY_EXISTS, AlreadyExistsError, ConflictError),
    ],
)
async def test_the_code_kind_picks_the_class_whatever_the_status(
    status: int,
    code: ErrorCode,
    kind_class: type[APIError],
    status_class: type[APIError],
    scripted: OAuthClient,
    api: ScriptedAPI,
) -> None:
    api.reply(Reply(status=status, json=error_body(status, code=code)))
    with pytest.raises(kind_class) as caught:
        await scripted.contacts.get("123")
    error = caught.value
    assert isinstance(error, status_class)
    assert error.code == code
    assert error.kind == ERROR_KINDS[code]


async def test_a_missing_contact_is_caught_as_not_found(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    """The API's usual answer for a missing contact: 400 with 55031."""
    api.reply(Reply(status=400, json=error_body(400)))
    with pytest.raises(NotFoundError) as caught:
        await scripted.contacts.find_one_by(email="a@b.c")
    assert type(caught.value) is NotFoundBadRequestError  # a class of its own, importable
    assert str(caught.value).startswith(
        "contacts.find_one_by: HTTP 400 (code 55031) Contact not found."
    )
    with pytest.raises(BadRequestError):
        await scripted.contacts.find_one_by(email="a@b.c")


async def test_a_rate_limit_message_shows_when_to_retry(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(
        Reply(
            status=429,
            json={"status_code": 429, "message": "Too Many Attempts."},
            headers={"Retry-After": "30"},
        )
    )
    with pytest.raises(RateLimitError) as caught:
        await scripted.contacts.get("123")
    assert str(caught.value) == "contacts.get: HTTP 429 Too Many Attempts. (retry after 30 s)"


async def test_error_code_compares_with_the_enum(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(Reply(status=400, json=error_body(400)))
    try:
        await scripted.contacts.get("123")
    except APIError as error:
        assert error.code == ErrorCode.CONTACT_NOT_FOUND
        assert error.code != ErrorCode.INVALID_INPUT
    else:
        pytest.fail("no APIError raised")


def test_error_codes_are_an_int_enum() -> None:
    assert ErrorCode.CONTACT_NOT_FOUND == 55031
    assert ErrorCode(55031) is ErrorCode.CONTACT_NOT_FOUND
    assert isinstance(ErrorCode.REWARD_NOT_FOUND, int)
    assert ErrorCode.REWARD_NOT_FOUND == 6003


async def test_validation_errors_are_exposed(scripted: OAuthClient, api: ScriptedAPI) -> None:
    body = {
        "status_code": 422,
        "code": 1003,
        "message": "Invalid input.",
        "errors": {"email": ["The email must be a valid email address."]},
    }
    api.reply(Reply(status=422, json=body))
    with pytest.raises(UnprocessableEntityError) as caught:
        await scripted.contacts.create(email="not-an-email")
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.errors == {"email": ["The email must be a valid email address."]}
    assert "The email must be a valid email address." in str(caught.value)


async def test_a_401_with_an_api_key_is_not_retried(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=401, json={"message": "Unauthenticated."}))
    with pytest.raises(AuthenticationError, match="Unauthenticated"):
        await scripted.contacts.get("123")
    assert len(api.received) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [("30", 30.0), ("0.5", 0.5), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
async def test_rate_limit_retry_after(
    header: str | None, expected: float | None, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    headers = {"Retry-After": header} if header is not None else None
    api.reply(
        Reply(
            status=429, json={"status_code": 429, "message": "Too Many Attempts."}, headers=headers
        )
    )
    with pytest.raises(RateLimitError) as caught:
        await scripted.contacts.get("123")
    assert caught.value.retry_after == expected
    assert caught.value.message == "Too Many Attempts."
    assert caught.value.code is None


@pytest.mark.parametrize("body", ["", "<html><body>Be right back.</body></html>"])
async def test_maintenance_without_a_json_body(
    body: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=503, body=body, headers={"Content-Type": "text/html"}))
    with pytest.raises(MaintenanceError) as caught:
        await scripted.contacts.get("123")
    assert caught.value.status == 503
    assert "maintenance" in caught.value.message
    assert caught.value.code is None
    assert isinstance(caught.value, ServerError)


async def test_a_non_json_error_body_gives_status_and_excerpt(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    html = "<html><head><title>502 Bad Gateway</title></head>" + "x" * 1000 + "</html>"
    api.reply(Reply(status=502, body=html, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        await scripted.contacts.get("123")
    error = caught.value
    assert not isinstance(error, json.JSONDecodeError)
    assert error.status == 502
    assert error.code is None
    assert error.body is None
    assert "502 Bad Gateway" in error.message
    assert "HTTP 502" in str(error)
    assert len(error.message) < 400, "the excerpt must be short, not the whole body"


async def test_a_json_error_body_without_a_message(scripted: OAuthClient, api: ScriptedAPI) -> None:
    api.reply(Reply(status=400, json={"unexpected": True}))
    with pytest.raises(BadRequestError) as caught:
        await scripted.contacts.get("123")
    assert caught.value.status == 400
    assert "unexpected" in caught.value.message
    assert caught.value.body == {"unexpected": True}


async def test_an_unmapped_4xx_is_a_plain_api_error(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=418, json={"message": "I am a teapot."}))
    with pytest.raises(APIError) as caught:
        await scripted.contacts.get("123")
    assert type(caught.value) is APIError
    assert caught.value.status == 418


# -- success responses the SDK cannot read --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<html>hello</html>", "not JSON"),
        ("", "not JSON"),
        ('{"uuid": "123"}', "no `data`"),
        ('[{"uuid": "123"}]', "no `data`"),
        ("null", "no `data`"),
        ('{"data": [], "meta": []}', "does not match Contact"),
        ('{"data": "123", "meta": []}', "does not match Contact"),
        ('{"data": null, "meta": []}', "does not match Contact"),
        ('{"data": {"email": "a@b.c"}, "meta": []}', "does not match Contact"),
        ('{"data": {"uuid": "1", "tier": "Gold"}, "meta": []}', "does not match Contact"),
        ('{"data": {"uuid": "1", "subscriptions": 3}, "meta": []}', "does not match Contact"),
    ],
)
async def test_an_unreadable_success_is_a_malformed_response(
    body: str, reason: str, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=200, body=body))
    with pytest.raises(MalformedResponseError) as caught:
        await scripted.contacts.get("123")
    error = caught.value
    assert not isinstance(error, json.JSONDecodeError)
    assert error.status == 200
    assert error.excerpt == body
    assert reason in str(error)
    assert "HTTP 200" in str(error)


async def test_a_list_that_is_not_a_list_is_malformed(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(json={"data": {"a": 1}}))
    with pytest.raises(MalformedResponseError, match=r"list\[ContactIdentifier\]"):
        await scripted.contacts.list_contact_identifiers("123")


async def test_a_bad_datetime_is_malformed(scripted: OAuthClient, api: ScriptedAPI) -> None:
    page = {"data": [{"uuid": "t", "created_at": "yesterday"}], "meta": []}
    api.reply(Reply(json=page))
    with pytest.raises(MalformedResponseError):
        await scripted.loyalty_transactions.list()


async def test_an_empty_success_body_is_fine_when_data_is_always_null(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.reply(Reply(status=204, body=""))
    assert await scripted.contacts.delete("123", type="DEFAULT") is None


# -- no response at all ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "kind", "message"),
    [
        ("hang_up", APIConnectionError, "the connection broke off (ServerDisconnectedError)"),
        ("cut_off", TruncatedResponseError, "HTTP 200: the body broke off (ClientPayloadError)"),
    ],
)
async def test_a_connection_that_breaks_off_is_an_api_connection_error(
    fault: Any,
    kind: type[APIConnectionError],
    message: str,
    scripted: OAuthClient,
    api: ScriptedAPI,
) -> None:
    api.reply(Reply({"data": {"uuid": "123", "email": "sandy@bikinibottom.sea"}}, fault=fault))
    with pytest.raises(APIConnectionError) as caught:
        await scripted.contacts.get("123")
    assert type(caught.value) is kind
    assert f"contacts.get: {message}" in str(caught.value)
    assert caught.value.may_have_been_processed is True
    # aiohttp's exception is not chained: its request info carries the Authorization header
    assert caught.value.__cause__ is None


async def test_an_unreachable_url_is_an_api_connection_error(unused_tcp_port: int) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}"  # nothing listens there
    async with OAuthClient(api_key="k", base_url=url, max_retries=0) as piggy:
        with pytest.raises(APIConnectionError, match="could not connect") as caught:
            await piggy.contacts.get("123")
    assert caught.value.may_have_been_processed is False
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "exception", [TimeoutError(), aiohttp.ServerTimeoutError("read timed out")]
)
async def test_a_timeout_is_an_api_timeout_error(
    exception: Exception, piggy: OAuthClient, mock: aioresponses
) -> None:
    mock.get(GET_CONTACT, exception=exception)
    with pytest.raises(APITimeoutError) as caught:
        await piggy.contacts.get("123")
    assert isinstance(caught.value, APIConnectionError)
    assert re.search(r"read timeout is 60 s\b", str(caught.value)), "it names the timeouts"


async def test_a_per_call_timeout_is_named_in_the_error(
    piggy: OAuthClient, mock: aioresponses
) -> None:
    mock.get(GET_CONTACT, exception=TimeoutError())
    with pytest.raises(APITimeoutError, match=r"2\.5 s"):
        await piggy.contacts.get("123", timeout=2.5)


async def test_a_cancelled_request_stays_cancelled(piggy: OAuthClient, mock: aioresponses) -> None:
    mock.get(GET_CONTACT, exception=asyncio.CancelledError())
    with pytest.raises(asyncio.CancelledError):
        await piggy.contacts.get("123")
