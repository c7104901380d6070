"""Where the spec follows the API's published docs rather than a stricter or looser reading:
anonymous order simulation, unlinked Register identifiers, paged referrals, a queued batch
answer, and custom attributes as top-level body keys."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import OAUTH_PATH, REGISTER_PATH
from scripted_api import ScriptedAPI

from piggy_async import OAuthClient, PaginationError, RegisterClient
from piggy_async.testing import FakePiggy

BASKET: dict[str, Any] = {
    "total_order_amount": 1250,
    "business_profile": {"uuid": "shop-1"},
    "line_items": [{"name": "Kelp Shake", "quantity": 1, "price": 1250, "total_amount": 1250}],
}
POINTS = {"data": {"type": "points_transaction", "data": {"points": 12}}, "meta": {}}


@pytest.mark.parametrize("which", ["oauth", "register"])
async def test_an_anonymous_basket_can_be_simulated(
    api: ScriptedAPI, scripted: OAuthClient, scripted_pos: RegisterClient, which: str
) -> None:
    client, prefix = (scripted, OAUTH_PATH) if which == "oauth" else (scripted_pos, REGISTER_PATH)
    api.reply(POINTS)
    result = await client.orders.simulate(**BASKET)
    assert result.data == {"points": 12}
    (request,) = api.received
    assert request.path == f"{prefix}/orders/simulate"
    body = request.json
    assert body == BASKET  # no contact, status or payment_status


async def test_a_register_identifier_can_be_created_without_a_contact(
    register: RegisterClient, server: FakePiggy
) -> None:
    identifier = await register.contact_identifiers.create(contact_identifier_value="CARD-1")
    assert identifier.value == "CARD-1" and identifier.contact is None
    contact = await register.contacts.create(email="sandy@bikinibottom.sea")
    linked = await register.contact_identifiers.link(
        contact_identifier_value="CARD-1", contact_uuid=contact.uuid
    )
    assert linked.contact is not None and linked.contact.uuid == contact.uuid
    assert server.state.identifiers["CARD-1"].contact_uuid == contact.uuid


def _referrals(numbers: range) -> list[dict[str, Any]]:
    return [{"uuid": f"r-{n}", "status": "completed"} for n in numbers]


async def test_referrals_are_paged_until_an_empty_page(
    api: ScriptedAPI, scripted: OAuthClient
) -> None:
    pages = {1: _referrals(range(1, 3)), 2: _referrals(range(3, 4)), 3: []}
    for number, items in pages.items():
        api.page(number, {"data": items, "meta": []})
    uuids = [r.uuid async for r in scripted.referrals.list(status="completed", limit=2)]
    assert uuids == ["r-1", "r-2", "r-3"]
    assert [request.query for request in api.received] == [
        [("status", "completed"), ("page", str(n)), ("limit", "2")] for n in (1, 2, 3)
    ]


async def test_register_contacts_paging_ends_when_the_server_ignores_page(
    api: ScriptedAPI, scripted_pos: RegisterClient
) -> None:
    """The server answers page 1 whatever was asked: the repeated page ends it with an
    error, after the first page's items, instead of yielding them again."""
    meta = {"page": 1, "limit": 1, "viewing_from": 1, "viewing_to": 1, "last_page": 2, "total": 2}
    api.reply({"data": [{"uuid": "c-1"}], "meta": meta})
    uuids: list[str] = []
    with pytest.raises(PaginationError):
        async for contact in scripted_pos.contacts.list(limit=1):
            uuids.append(contact.uuid)
    assert uuids == ["c-1"]
    assert len(api.received) == 2


async def test_a_queued_category_batch_is_accepted(api: ScriptedAPI, scripted: OAuthClient) -> None:
    api.reply({"data": {"status": "processing"}, "meta": []})
    result = await scripted.product_categories.create_batch(
        categories=[{"external_identifier": "drinks", "name": "Drinks"}]
    )
    assert result == {"status": "processing"}


async def test_a_category_batch_still_returns_the_created_categories(
    api: ScriptedAPI, scripted: OAuthClient
) -> None:
    created = [{"uuid": "cat-1", "external_identifier": "drinks", "name": "Drinks"}]
    api.reply({"data": created, "meta": []})
    result = await scripted.product_categories.create_batch(categories=created)
    assert isinstance(result, list) and result[0].uuid == "cat-1"


async def test_reward_attributes_are_sent_as_top_level_body_keys(
    api: ScriptedAPI, scripted_pos: RegisterClient
) -> None:
    api.reply({"data": {"uuid": "rw-1"}, "meta": {}})
    await scripted_pos.rewards.update(
        "rw-1", title="Shake", attributes={"custom_attribute": "PLU123"}
    )
    (request,) = api.received
    assert (request.method, request.path) == ("PUT", f"{REGISTER_PATH}/rewards/rw-1")
    assert request.json == {"title": "Shake", "custom_attribute": "PLU123"}


async def test_custom_attributes_reach_the_fake_and_come_back(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    contact = await oauth.contacts.create(email="sandy@bikinibottom.sea")
    reception = await oauth.credit_receptions.create(
        shop_uuid=server.state.default_shop_uuid,
        contact_uuid=contact.uuid,
        credits=5,
        attributes={"receipt_number": "A-123"},
    )
    assert reception.extra == {"receipt_number": "A-123"}
    reward_uuid = next(iter(server.state.rewards))
    reward = await oauth.rewards.update(reward_uuid, attributes={"plu": "PLU123"})
    assert reward.extra["plu"] == "PLU123"


@pytest.mark.parametrize(
    ("attributes", "error", "message"),
    [
        ({"title": "Other"}, ValueError, "pass it by its keyword"),
        ({"required_credits": 1}, ValueError, "pass it by its keyword"),
        ([("plu", "1")], TypeError, "must be a mapping"),
        ({1: "x"}, TypeError, "non-empty strings"),
    ],
)
async def test_bad_attributes_are_refused_before_sending(
    oauth: OAuthClient, server: FakePiggy, attributes: Any, error: type[Exception], message: str
) -> None:
    reward_uuid = next(iter(server.state.rewards))
    with pytest.raises(error, match=message):
        await oauth.rewards.update(reward_uuid, title="Shake", attributes=attributes)
    assert not server.state.requests
