"""Request logging: one DEBUG line per request, never a credential or a query string."""

from __future__ import annotations

import logging

import pytest
from helpers import API_KEY
from scripted_api import Reply, ScriptedAPI

from piggy_async import NotFoundError, OAuthClient, VirtualClock

SECRET = "s3cr3t"
SESSION_TOKEN = f"{SECRET}/session token"
"""A contact session token; `/` and the space make it percent-encoded on the wire."""


async def test_each_request_is_logged_without_query_or_credentials(
    scripted: OAuthClient, api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.reply({"data": {"uuid": "c-1"}})
    with caplog.at_level(logging.DEBUG, logger="piggy_async"):
        await scripted.contacts.find_one_by(email="sandy@bikinibottom.sea")

    (record,) = [r for r in caplog.records if r.name == "piggy_async"]
    message = record.getMessage()
    assert message.startswith("GET /api/v3/oauth/clients/contacts/find-one-by -> 200 in ")
    assert "sandy" not in message
    assert API_KEY not in caplog.text


async def test_nothing_is_logged_above_debug(
    scripted: OAuthClient, api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.reply({"data": None})
    with caplog.at_level(logging.INFO, logger="piggy_async"):
        assert await scripted.contacts.get_tier("c-1") is None
    assert [r for r in caplog.records if r.name == "piggy_async"] == []


async def test_secret_path_values_are_redacted_in_the_request_log(
    oauth: OAuthClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="piggy_async"):
        await oauth.contact_session_tokens.get(SESSION_TOKEN)
        await oauth.contact_session_tokens.use(SESSION_TOKEN)

    messages = [r.getMessage() for r in caplog.records if r.name == "piggy_async"]
    assert [m.split(" -> ")[0] for m in messages] == [
        "GET /api/v3/oauth/clients/contact-session-tokens/<redacted>",
        "POST /api/v3/oauth/clients/contact-session-tokens/<redacted>/use",
    ]
    assert SECRET not in caplog.text


async def test_a_failed_call_on_a_secret_path_shows_the_secret_nowhere(
    api: ScriptedAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.reply(
        Reply({"message": "Down for maintenance."}, status=503),
        Reply({"code": 55031, "message": "Contact not found."}, status=400),
    )
    async with OAuthClient(
        api_key=API_KEY, base_url=api.url, max_retries=1, clock=VirtualClock()
    ) as piggy:
        with (
            caplog.at_level(logging.DEBUG, logger="piggy_async"),
            pytest.raises(NotFoundError) as caught,
        ):
            await piggy.contact_session_tokens.get(SESSION_TOKEN)

    error = caught.value
    assert str(error).startswith("contact_session_tokens.get: HTTP 400 (code 55031)")
    records = [r.getMessage() for r in caplog.records if r.name == "piggy_async"]
    assert [m.split(" -> ")[0] for m in records if " -> " in m] == [
        "GET /api/v3/oauth/clients/contact-session-tokens/<redacted>"
    ] * 2
    assert any("retry 1" in m for m in records)  # the INFO retry line names the operation only
    shown = [caplog.text, str(error), repr(error), repr(error.__cause__), repr(error.__context__)]
    assert not [text for text in shown if SECRET in text]
    sent = "/api/v3/oauth/clients/contact-session-tokens/s3cr3t%2Fsession%20token"
    assert [request.path for request in api.received] == [sent] * 2, "only the log redacts it"
