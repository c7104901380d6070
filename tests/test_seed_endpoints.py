"""Every seed endpoint: the exact request the SDK sends and what it decodes the documented
response example into (the checks of what it decodes into: `seed_expectations.py`).

The 16 OAuth Contacts operations, OAuth List Loyalty Transactions and Register
List/Get/Update Rewards; the Contacts operations that also exist on the Register API are
run against `RegisterClient` too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from helpers import API_KEY, OAUTH_PATH, REGISTER_PATH, load_seed
from scripted_api import Received, ScriptedAPI
from seed_expectations import (
    check_claimed,
    check_contact_page,
    check_contact_uuid,
    check_credit_balance,
    check_deleted,
    check_identifiers,
    check_merged,
    check_prepaid_balance,
    check_reward,
    check_rewards,
    check_spongebob,
    check_tier,
    check_transactions,
    check_updated_reward,
)

import piggy_async
from piggy_async import OAuthClient, RegisterClient, __version__

CONTACT = "123"
REWARD = "539483d0-fab4-40db-add5-2ec65ef12901"


# -- the endpoints --------------------------------------------------------------------------

Call = Callable[[Any], Awaitable[Any]]


@attrs.frozen
class Case:
    resource: str
    name: str
    seed: str | None
    """The documented example the server answers with (None: `response` below)."""
    call: Call
    method: str
    path: str
    """As sent, relative to the API base."""
    check: Callable[[Any], None]
    query: list[tuple[str, str]] = attrs.field(factory=list)
    body: Any = None
    """The JSON body; None: no body at all."""
    apis: tuple[str, ...] = ("oauth", "register")
    response: Any = None

    @property
    def id(self) -> str:
        return f"{self.resource}.{self.name}"

    def payload(self) -> Any:
        return load_seed(self.seed) if self.seed else self.response


CONTACTS = [
    Case(
        "contacts",
        "list",
        "contacts.list",
        lambda c: c.contacts.list(limit=2),
        "GET",
        "/contacts",
        check_contact_page,
        query=[("page", "1"), ("limit", "2")],
    ),
    Case(
        "contacts",
        "create",
        "contacts.create",
        lambda c: c.contacts.create(email="sandy@bikinibottom.sea", referral_code="SANDY1"),
        "POST",
        "/contacts",
        check_contact_uuid,
        body={"email": "sandy@bikinibottom.sea", "referral_code": "SANDY1"},
    ),
    Case(
        "contacts",
        "create_async",
        "contacts.create_async",
        lambda c: c.contacts.create_async(email="sandy@bikinibottom.sea"),
        "POST",
        "/contacts/async",
        check_contact_uuid,
        body={"email": "sandy@bikinibottom.sea"},
    ),
    Case(
        "contacts",
        "create_anonymous",
        "contacts.create_anonymous",
        lambda c: c.contacts.create_anonymous(contact_identifier_value="CARD-1"),
        "POST",
        "/contacts/anonymous",
        check_contact_uuid,
        body={"contact_identifier_value": "CARD-1"},
    ),
    Case(
        "contacts",
        "find_one_by",
        "contacts.find_one_by",
        lambda c: c.contacts.find_one_by(email="spongebob@bikinibottom.sea"),
        "GET",
        "/contacts/find-one-by",
        check_spongebob,
        query=[("email", "spongebob@bikinibottom.sea")],
    ),
    Case(
        "contacts",
        "find_or_create",
        "contacts.find_or_create",
        lambda c: c.contacts.find_or_create(email="spongebob@bikinibottom.sea"),
        "GET",
        "/contacts/find-or-create",
        check_spongebob,
        query=[("email", "spongebob@bikinibottom.sea")],
    ),
    Case(
        "contacts",
        "find_or_create_async",
        "contacts.find_or_create_async",
        lambda c: c.contacts.find_or_create_async(email="sandy@bikinibottom.sea"),
        "GET",
        "/contacts/find-or-create/async",
        check_contact_uuid,
        query=[("email", "sandy@bikinibottom.sea")],
    ),
    Case(
        "contacts",
        "get",
        "contacts.get",
        lambda c: c.contacts.get(CONTACT),
        "GET",
        f"/contacts/{CONTACT}",
        check_spongebob,
    ),
    Case(
        "contacts",
        "update",
        "contacts.update",
        lambda c: c.contacts.update(CONTACT, attributes={"firstname": "SpongeBob", "age": None}),
        "PUT",
        f"/contacts/{CONTACT}",
        check_spongebob,
        body={"attributes": {"firstname": "SpongeBob", "age": None}},
    ),
    Case(
        "contacts",
        "delete",
        "contacts.delete",
        lambda c: c.contacts.delete(CONTACT, type="GDPR"),
        "POST",
        f"/contacts/{CONTACT}/delete",
        check_deleted,
        body={"type": "GDPR"},
    ),
    Case(
        "contacts",
        "claim",
        "contacts.claim",
        lambda c: c.contacts.claim("999", email="patrick@bikinibottom.sea"),
        "PUT",
        "/contacts/999/claim",
        check_claimed,
        body={"email": "patrick@bikinibottom.sea"},
    ),
    Case(
        "contacts",
        "merge",
        None,
        lambda c: c.contacts.merge(source_contact_uuid="999", destination_contact_uuid=CONTACT),
        "POST",
        "/contacts/merge",
        check_merged,
        body={"source_contact_uuid": "999", "destination_contact_uuid": CONTACT},
        apis=("oauth",),
        # The docs show no example for merge; `data` is typed `any`.
        response={"data": {"message": "Merge scheduled."}, "meta": []},
    ),
    Case(
        "contacts",
        "list_contact_identifiers",
        "contacts.list_contact_identifiers",
        lambda c: c.contacts.list_contact_identifiers(CONTACT),
        "GET",
        f"/contacts/{CONTACT}/contact-identifiers",
        check_identifiers,
        apis=("oauth",),
    ),
    Case(
        "contacts",
        "get_credit_balance",
        "contacts.get_credit_balance",
        lambda c: c.contacts.get_credit_balance(CONTACT),
        "GET",
        f"/contacts/{CONTACT}/credit-balance",
        check_credit_balance,
    ),
    Case(
        "contacts",
        "get_prepaid_balance",
        "contacts.get_prepaid_balance",
        lambda c: c.contacts.get_prepaid_balance(CONTACT),
        "GET",
        f"/contacts/{CONTACT}/prepaid-balance",
        check_prepaid_balance,
    ),
    Case(
        "contacts",
        "get_tier",
        "contacts.get_tier",
        lambda c: c.contacts.get_tier(CONTACT),
        "GET",
        f"/contacts/{CONTACT}/tier",
        check_tier,
        apis=("oauth",),
    ),
]

LOYALTY_TRANSACTIONS = Case(
    "loyalty_transactions",
    "list",
    "loyalty_transactions.list",
    lambda c: c.loyalty_transactions.list(
        type="credit_receptions",
        shop_uuid="123abc-def789-qwerty-34567",
        sort="-created_at",
        created_at_gte=datetime(2023, 11, 1, tzinfo=UTC),
    ),
    "GET",
    "/loyalty-transactions",
    check_transactions,
    query=[
        ("page", "1"),
        ("type", "credit_receptions"),
        ("shop_uuid", "123abc-def789-qwerty-34567"),
        ("sort", "-created_at"),
        ("created_at[gte]", "2023-11-01T00:00:00Z"),
    ],
    apis=("oauth",),
)

REWARDS = [
    Case(
        "rewards",
        "list",
        "rewards.list",
        lambda c: c.rewards.list(contact_uuid=CONTACT),
        "GET",
        "/rewards",
        check_rewards,
        query=[("contact_uuid", CONTACT)],
        apis=("register",),
    ),
    Case(
        "rewards",
        "get",
        "rewards.get",
        lambda c: c.rewards.get(REWARD),
        "GET",
        f"/rewards/{REWARD}",
        check_reward,
        apis=("register",),
    ),
    Case(
        "rewards",
        "update",
        "rewards.update",
        lambda c: c.rewards.update(REWARD, title="Krabby Patty", required_credits=2),
        "PUT",
        f"/rewards/{REWARD}",
        check_updated_reward,
        body={"title": "Krabby Patty", "required_credits": 2},
        apis=("register",),
    ),
]

SEED_ENDPOINTS = [*CONTACTS, LOYALTY_TRANSACTIONS, *REWARDS]
"""The 20 seed endpoints, each on the API(s) the seeds document it for."""

PATH_PREFIXES = {"oauth": OAUTH_PATH, "register": REGISTER_PATH}


def test_there_are_twenty_seed_endpoints() -> None:
    assert len(SEED_ENDPOINTS) == 20
    oauth = [case for case in SEED_ENDPOINTS if "oauth" in case.apis]
    assert len(oauth) == 17  # 16 Contacts + List Loyalty Transactions
    assert [case.name for case in REWARDS] == ["list", "get", "update"]


def assert_request(request: Received, case: Case, api: str) -> None:
    assert request.method == case.method
    assert request.path == PATH_PREFIXES[api] + case.path
    assert request.query == case.query
    headers = request.headers
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith(f"piggy_async/{__version__}")
    if case.body is None:
        assert request.body == b"", f"{case.method} must not send a body"
        assert "Content-Type" not in headers
    else:
        assert headers["Content-Type"] == "application/json"
        assert request.json == case.body


async def run(case: Case, api: str) -> Any:
    """`case` against a server answering with its documented example, over HTTP."""
    client_class = OAuthClient if api == "oauth" else RegisterClient
    async with (
        ScriptedAPI(case.payload()) as server,
        client_class(
            api_key=API_KEY, base_url=server.url, max_retries=0, strict_responses=True
        ) as client,
    ):
        result = await case.call(client)
    (request,) = server.received
    assert_request(request, case, api)
    return result


@pytest.mark.parametrize("case", SEED_ENDPOINTS, ids=lambda case: case.id)
async def test_seed_endpoint(case: Case) -> None:
    """The request matches the docs and the documented example decodes as expected."""
    result = await run(case, "oauth" if "oauth" in case.apis else "register")
    case.check(result)


REGISTER_CONTACTS = [case for case in CONTACTS if "register" in case.apis]


@pytest.mark.parametrize("case", REGISTER_CONTACTS, ids=lambda case: case.id)
async def test_register_contacts_use_the_register_api(case: Case) -> None:
    result = await run(case, "register")
    case.check(result)


def test_register_contacts_cover_the_shared_operations() -> None:
    assert {case.name for case in REGISTER_CONTACTS} == {case.name for case in CONTACTS} - {
        "merge",
        "get_tier",
        "list_contact_identifiers",
    }


@pytest.mark.parametrize(
    "attribute",
    ["contacts.merge", "contacts.get_tier", "loyalty_transactions"],
)
def test_oauth_only_operations_do_not_exist_on_the_register_client(attribute: str) -> None:
    pos = RegisterClient(api_key=API_KEY, base_url="https://api.test")
    target: Any = pos
    *parents, last = attribute.split(".")
    for name in parents:
        target = getattr(target, name)
    with pytest.raises(AttributeError):
        getattr(target, last)


async def test_register_rewards_list_requires_a_contact(pos: RegisterClient) -> None:
    with pytest.raises(TypeError, match="contact_uuid"):
        await pos.rewards.list()  # type: ignore[call-arg]


@pytest.mark.parametrize("case", SEED_ENDPOINTS, ids=lambda case: case.id)
def test_seed_endpoint_is_listed_by_operations(case: Case) -> None:
    for api in case.apis:
        (operation,) = [
            op
            for op in piggy_async.operations()
            if (op.api, op.resource, op.name) == (api, case.resource, case.name)
        ]
        assert operation.method == case.method
        values = {"contact_uuid": CONTACT, "anonymous_contact_uuid": "999", "reward_uuid": REWARD}
        assert operation.path.format_map(values) == case.path
