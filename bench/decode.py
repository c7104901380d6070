"""Decode (goal 2): structuring and unstructuring against pydantic v2 on equivalent models.

Two payloads: the seed docs' full contact example and a 100-item loyalty-transactions page
(credit and reward receptions). Each is decoded from a dict (`Contact.from_dict` against
`model_validate`) and from the response bytes (our JSON decoder plus structuring against
`model_validate_json`), and written back (`to_dict()` against `model_dump`). Goal: decoding
at most 0.65x pydantic's time, writing back at most 1.0x.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import _pydantic_models as pyd
from bench._results import Result, alternate, compared
from piggy_async._codecs import structurer
from piggy_async._json import decode
from piggy_async.models import Contact, LoyaltyTransaction

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds"


def contact_data() -> dict[str, Any]:
    """The seed docs' full contact example (`GET /contacts/{uuid}`)."""
    data: dict[str, Any] = json.loads((SEEDS / "contacts.get.json").read_text())["data"]
    return data


def page_data(items: int = 100) -> list[dict[str, Any]]:
    """A loyalty-transactions page: the seed's credit receptions, every third item a
    reward reception with its reward."""
    seed = json.loads((SEEDS / "loyalty_transactions.list.json").read_text())["data"]
    page: list[dict[str, Any]] = []
    for number in range(items):
        item = copy.deepcopy(seed[number % len(seed)])
        item["uuid"] = f"tx-{number}"
        if number % 3 == 0:
            item = {
                "uuid": f"tx-{number}",
                "type": "reward_reception",
                "title": "Krabby Patty",
                "credits": -50,
                "created_at": "2023-11-06T14:39:24.000000Z",
                "contact": item["contact"],
                "shop": item["shop"],
                "contact_identifier": None,
                "reward": {
                    "uuid": "r-1",
                    "title": "Krabby Patty",
                    "description": None,
                    "required_credits": 50,
                    "media": {"type": "image", "value": "https://leat.com/patty.png"},
                    "cost_price": 1.5,
                    "stock": None,
                    "custom_attribute_one": "kept in extra",
                },
                "expires_at": None,
                "has_been_collected": False,
            }
        page.append(item)
    return page


def run(quick: bool) -> list[Result]:
    rounds, small, large = (3, 200, 20) if quick else (15, 2000, 200)
    contact = contact_data()
    page = page_data()
    contact_raw = json.dumps(contact).encode()
    page_raw = json.dumps(page).encode()
    structure_contact = structurer(Contact)
    structure_page = structurer(list[LoyaltyTransaction])
    assert structure_contact(contact).to_dict() == contact, "the contact must round-trip"
    assert [t.to_dict() for t in structure_page(page)] == page, "the page must round-trip"
    their_contact = pyd.Contact.model_validate(contact)
    their_page = pyd.LoyaltyTransactions.validate_python(page)
    our_contact = structure_contact(contact)
    our_page = structure_page(page)
    adapter = pyd.LoyaltyTransactions
    cases: list[tuple[str, Callable[[], object], Callable[[], object], str, str, int]] = [
        (
            "decode.contact.dict",
            lambda: structure_contact(contact),
            lambda: pyd.Contact.model_validate(contact),
            "pydantic model_validate",
            "<= 0.65",
            small,
        ),
        (
            "decode.contact.bytes",
            lambda: structure_contact(decode(contact_raw, status=200)),
            lambda: pyd.Contact.model_validate_json(contact_raw),
            "pydantic model_validate_json",
            "<= 0.65",
            small,
        ),
        (
            "decode.page100.dict",
            lambda: structure_page(page),
            lambda: adapter.validate_python(page),
            "pydantic validate_python",
            "<= 0.65",
            large,
        ),
        (
            "decode.page100.bytes",
            lambda: structure_page(decode(page_raw, status=200)),
            lambda: adapter.validate_json(page_raw),
            "pydantic validate_json",
            "<= 0.65",
            large,
        ),
        (
            "to_dict.contact",
            our_contact.to_dict,
            lambda: their_contact.model_dump(exclude_unset=True),
            "pydantic model_dump",
            "<= 1.0",
            small,
        ),
        (
            "to_dict.page100",
            lambda: [transaction.to_dict() for transaction in our_page],
            lambda: adapter.dump_python(their_page, exclude_unset=True),
            "pydantic dump_python",
            "<= 1.0",
            large,
        ),
        (
            "json.contact",
            lambda: decode(contact_raw, status=200),
            lambda: json.loads(contact_raw),
            "stdlib json.loads",
            "",
            small,
        ),
    ]
    results: list[Result] = []
    for name, ours, theirs, baseline, goal, number in cases:
        times = alternate({"ours": ours, "theirs": theirs}, rounds=rounds, number=number)
        results.append(
            compared(
                name,
                times["ours"],
                times["theirs"],
                unit="us",
                scale=1e6,
                baseline=baseline,
                goal=goal,
            )
        )
    return results
