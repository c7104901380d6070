"""Paginated list operations: awaitable for one page, async-iterable over every item with
pages fetched lazily, whatever `meta` shape the API answers with."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import OAUTH
from scripted_api import Reply, ScriptedAPI

from piggy_async import (
    AsyncPaginator,
    OAuthClient,
    Page,
    PaginationError,
    RegisterClient,
    ServerError,
)
from piggy_async.models import Contact, CreditReception, RewardReception

CONTACTS = f"{OAUTH}/contacts"


def viewing(page: int, limit: int = 2, last_page: int = 3, total: int = 6) -> dict[str, Any]:
    return {
        "page": page,
        "limit": limit,
        "viewing_from": (page - 1) * limit + 1,
        "viewing_to": page * limit,
        "last_page": last_page,
        "total": total,
    }


def short(page: int) -> dict[str, Any]:
    return {"page": page, "per_page": 2, "last_page": 3, "total": 6}


def laravel(page: int) -> dict[str, Any]:
    return {
        "current_page": page,
        "from": (page - 1) * 2 + 1,
        "last_page": 3,
        "links": [{"url": None, "label": "&laquo; Previous", "active": False}],
        "path": CONTACTS,
        "per_page": 2,
        "to": page * 2,
        "total": 6,
    }


def minimal(page: int) -> dict[str, Any]:
    return {"current_page": page, "last_page": 3, "per_page": 2, "total": 6}


def strings(page: int) -> dict[str, Any]:
    return {"page": str(page), "limit": "2", "last_page": "3", "total": "6"}


def contacts(page: int, count: int = 2) -> list[dict[str, Any]]:
    return [{"uuid": f"p{page}-{n}", "email": f"c{page}{n}@bikinibottom.sea"} for n in range(count)]


ALL_UUIDS = ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]


def serve_three_pages(api: ScriptedAPI, meta: Any = viewing, **extra: Any) -> None:
    """Pages 1-3 of 2 contacts each, each answered only for its own `page` query value."""
    for number in (1, 2, 3):
        body: dict[str, Any] = {"data": contacts(number), "meta": meta(number), **extra}
        api.page(number, body)


def pages_requested(api: ScriptedAPI) -> list[str]:
    return [request.url.query["page"] for request in api.received]


async def test_awaiting_gives_the_first_page_only(scripted: OAuthClient, api: ScriptedAPI) -> None:
    serve_three_pages(api)
    page = await scripted.contacts.list(limit=2)
    assert isinstance(page, Page)
    assert [type(item) for item in page.items] == [Contact, Contact]
    assert [contact.uuid for contact in page] == ["p1-0", "p1-1"]
    assert len(page) == 2
    assert (page.page, page.last_page, page.total, page.per_page) == (1, 3, 6, 2)
    assert page.has_next
    assert page.meta == viewing(1)
    assert pages_requested(api) == ["1"]


async def test_nothing_is_sent_until_awaited_or_iterated(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    serve_three_pages(api)
    paginator = scripted.contacts.list(limit=2)
    assert isinstance(paginator, AsyncPaginator)
    assert api.received == []


async def test_async_for_yields_every_item_across_three_requests(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    serve_three_pages(api)
    uuids = [contact.uuid async for contact in scripted.contacts.list(limit=2)]
    assert uuids == ALL_UUIDS
    assert pages_requested(api) == ["1", "2", "3"]


async def test_pages_are_fetched_lazily(scripted: OAuthClient, api: ScriptedAPI) -> None:
    serve_three_pages(api)
    items = aiter(scripted.contacts.list(limit=2))
    try:
        assert (await anext(items)).uuid == "p1-0"
        assert len(api.received) == 1
        assert (await anext(items)).uuid == "p1-1"
        assert len(api.received) == 1, "page 2 must not be fetched before it is needed"
        assert (await anext(items)).uuid == "p2-0"
        assert len(api.received) == 2
    finally:
        await items.aclose()  # type: ignore[attr-defined]
    assert pages_requested(api) == ["1", "2"]


async def test_pages(scripted: OAuthClient, api: ScriptedAPI) -> None:
    serve_three_pages(api)
    pages = [page async for page in scripted.contacts.list(limit=2).pages()]
    assert [page.page for page in pages] == [1, 2, 3]
    assert [[c.uuid for c in page] for page in pages] == [
        ALL_UUIDS[:2],
        ALL_UUIDS[2:4],
        ALL_UUIDS[4:],
    ]
    assert [page.has_next for page in pages] == [True, True, False]


async def test_starting_page(scripted: OAuthClient, api: ScriptedAPI) -> None:
    serve_three_pages(api)
    second = await scripted.contacts.list(limit=2, page=2)
    assert second.page == 2
    assert [c.uuid for c in second] == ["p2-0", "p2-1"]
    rest = [contact.uuid async for contact in scripted.contacts.list(limit=2, page=2)]
    assert rest == ALL_UUIDS[2:]
    assert sorted(pages_requested(api)) == ["2", "2", "3"], "page 1 is never asked for"


@pytest.mark.parametrize("page", [0, -1])
def test_a_starting_page_below_1_is_a_value_error(page: int, piggy: OAuthClient) -> None:
    with pytest.raises(ValueError, match="page must be at least 1"):
        piggy.contacts.list(page=page)


@pytest.mark.parametrize("page", ["2", True, 1.0])
def test_a_starting_page_not_an_int_is_a_type_error(page: Any, piggy: OAuthClient) -> None:
    with pytest.raises(TypeError, match="page must be an int"):
        piggy.contacts.list(page=page)


async def test_filters_are_sent_with_every_page(scripted: OAuthClient, api: ScriptedAPI) -> None:
    for number in (1, 2, 3):
        api.page(number, {"data": contacts(number), "meta": viewing(number)})
    uuids = [c.uuid async for c in scripted.contacts.list(limit=2, sort="-created_at")]
    assert uuids == ALL_UUIDS
    assert [request.query for request in api.received] == [
        [("page", str(n)), ("limit", "2"), ("sort", "-created_at")] for n in (1, 2, 3)
    ]


@pytest.mark.parametrize("meta", [viewing, short, laravel, minimal, strings])
async def test_every_meta_shape_is_normalised(
    meta: Any, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    extra = {"links": {"first": f"{CONTACTS}?page=1"}} if meta is laravel else {}
    serve_three_pages(api, meta, **extra)
    pages = [page async for page in scripted.contacts.list(limit=2).pages()]
    assert [(p.page, p.last_page, p.total, p.per_page) for p in pages] == [
        (1, 3, 6, 2),
        (2, 3, 6, 2),
        (3, 3, 6, 2),
    ]
    assert [c.uuid for p in pages for c in p] == ALL_UUIDS


async def test_the_documented_contacts_meta_with_a_string_limit(
    scripted: OAuthClient, api: ScriptedAPI, seed: Any
) -> None:
    api.reply(seed("contacts.list"))
    page = await scripted.contacts.list(limit=2)
    assert page.per_page == 2  # sent as "2"
    assert (page.page, page.last_page, page.total) == (1, 31, 62)


async def test_empty_meta_is_read_as_unknown_and_iteration_stops_on_an_empty_page(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.page(1, {"data": contacts(1), "meta": []})
    api.page(2, {"data": contacts(2), "meta": {}})
    api.page(3, {"data": [], "meta": []})
    pages = [page async for page in scripted.contacts.list(limit=2).pages()]
    assert [(p.page, p.last_page, p.total, p.per_page) for p in pages] == [
        (1, None, None, None),
        (2, None, None, None),
        (3, None, None, None),
    ]
    assert [c.uuid for p in pages for c in p] == ALL_UUIDS[:4]
    assert pages_requested(api) == ["1", "2", "3"]


async def test_an_empty_page_stops_even_if_meta_promises_more(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.page(1, {"data": contacts(1), "meta": viewing(1, last_page=5)})
    api.page(2, {"data": [], "meta": viewing(2, last_page=5)})
    uuids = [c.uuid async for c in scripted.contacts.list(limit=2)]
    assert uuids == ALL_UUIDS[:2]
    assert pages_requested(api) == ["1", "2"]


async def test_a_short_page_without_last_page_is_the_last(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.page(1, {"data": contacts(1), "meta": {"per_page": 2}})
    api.page(2, {"data": contacts(2, 1), "meta": {"per_page": 2}})
    uuids = [c.uuid async for c in scripted.contacts.list(limit=2)]
    assert uuids == ["p1-0", "p1-1", "p2-0"]
    assert pages_requested(api) == ["1", "2"]


@pytest.mark.parametrize(
    "meta",
    [
        {"page": 1, "limit": 2, "last_page": 3, "total": 6},  # a stale page number
        [],  # no usable meta at all
        {"page": "?", "limit": None},
    ],
)
async def test_a_page_that_repeats_the_previous_one_stops_iteration(
    meta: Any, scripted: OAuthClient, api: ScriptedAPI
) -> None:
    """A server that ignores `page` must not make the paginator yield the same items
    forever: the repeat is a PaginationError, once the first page's items are out."""
    stuck = {"data": contacts(1), "meta": meta}
    api.reply(stuck)
    seen: list[str] = []
    with pytest.raises(PaginationError, match="page 2 has the same items as page 1"):
        async for contact in scripted.contacts.list():
            seen.append(contact.uuid)
            if len(seen) > 20:
                break
    assert seen == ALL_UUIDS[:2]
    assert pages_requested(api) == ["1", "2"]


async def test_without_a_last_page_the_total_ends_iteration(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    for number in (1, 2):
        meta = {"total": 4, "per_page": 2}
        api.page(number, {"data": contacts(number), "meta": meta})
    found = [contact.uuid async for contact in scripted.contacts.list()]
    assert found == ALL_UUIDS[:4]
    assert pages_requested(api) == ["1", "2"]
    ahead = [contact.uuid async for contact in scripted.contacts.list().prefetch(4)]
    assert ahead == ALL_UUIDS[:4], "prefetching stops at the total too"
    assert sorted(pages_requested(api)) == ["1", "1", "2", "2"], "no page 3 either time"
    second = await scripted.contacts.list(page=2)
    assert not second.has_next, "the page itself says so"


async def test_an_error_on_a_later_page_surfaces_during_iteration(
    scripted: OAuthClient, api: ScriptedAPI
) -> None:
    api.page(1, {"data": contacts(1), "meta": viewing(1)})
    api.page(2, Reply(status=500, json={"message": "Server Error"}))
    seen: list[str] = []
    with pytest.raises(ServerError):
        async for contact in scripted.contacts.list(limit=2):
            seen.append(contact.uuid)
    assert seen == ALL_UUIDS[:2]


async def test_the_documented_loyalty_transactions_page(
    scripted: OAuthClient, api: ScriptedAPI, seed: Any
) -> None:
    api.reply(seed("loyalty_transactions.list"))
    page = await scripted.loyalty_transactions.list()
    assert (page.page, page.last_page, page.total, page.per_page) == (1, 6, 57, 10)
    assert len(page) == 10
    assert page.has_next


async def test_register_contact_transactions_paginate_with_a_path_parameter(
    api: ScriptedAPI,
) -> None:
    credit = {"uuid": "t1", "type": "credit_reception", "credits": 5}
    reward = {"uuid": "t2", "type": "reward_reception", "credits": -5}
    api.page(1, {"data": [credit], "meta": viewing(1, 1, 2, 2)})
    api.page(2, {"data": [reward], "meta": viewing(2, 1, 2, 2)})
    async with RegisterClient(api_key="k", base_url=api.url, strict_responses=True) as pos:
        items = [item async for item in pos.contacts.list_loyalty_transactions("c 1", limit=1)]
    assert [type(item) for item in items] == [CreditReception, RewardReception]
    assert [request.path for request in api.received] == [
        "/api/v3/register/contacts/c%201/loyalty-transactions"
    ] * 2


def test_page_repr() -> None:
    page: Page[int] = Page([1, 2], {"page": 2, "last_page": 3, "total": 6}, requested_page=2)
    assert repr(page) == "<Page 2/3: 2 items, total=6>"
    unknown: Page[int] = Page([], [], requested_page=4)
    assert (unknown.page, unknown.last_page, unknown.has_next) == (4, None, False)
