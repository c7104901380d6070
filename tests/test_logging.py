"""Request logging: one DEBUG line per request, never a credential or a query string."""

from __future__ import annotations

import logging

import pytest
from aioresponses import aioresponses
from helpers import API_KEY, OAUTH, endpoint

from piggy_async import OAuthClient


async def test_each_request_is_logged_without_query_or_credentials(
    piggy: OAuthClient, mock: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(endpoint(OAUTH, "/contacts/find-one-by"), payload={"data": {"uuid": "c-1"}})
    with caplog.at_level(logging.DEBUG, logger="piggy_async"):
        await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")

    (record,) = [r for r in caplog.records if r.name == "piggy_async"]
    message = record.getMessage()
    assert message.startswith("GET /api/v3/oauth/clients/contacts/find-one-by -> 200 in ")
    assert "sandy" not in message
    assert API_KEY not in caplog.text


async def test_nothing_is_logged_above_debug(
    piggy: OAuthClient, mock: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(endpoint(OAUTH, "/contacts/c-1/tier"), payload={"data": None})
    with caplog.at_level(logging.INFO, logger="piggy_async"):
        assert await piggy.contacts.get_tier("c-1") is None
    assert [r for r in caplog.records if r.name == "piggy_async"] == []
