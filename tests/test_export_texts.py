"""Exports write each item's JSON text as the API sent it (byte for byte, odd items too),
one line each whatever the answer's layout; and the quick check of which items fit their
model never takes one the models refuse."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scripted_api import Reply, ScriptedAPI
from test_decoding_properties import JSON, MODELS, SETTINGS, _objects

from piggy_async import OAuthClient
from piggy_async import _mismatches as mismatch_module
from piggy_async._codecs import structurer
from piggy_async._mismatches import DECODE_ERRORS, strict_decoding
from piggy_async.bulk import export_loyalty_transactions, stream_loyalty_transactions
from piggy_async.bulk._fit import fit_check
from piggy_async.models import Contact, LoyaltyTransaction

SEEDS = Path(__file__).parent / "fixtures" / "seeds"

TEXTS = [  # oldest first, as a server might write them: spacing, escapes, exponents
    b'{"uuid": "a1", "type": "credit_reception", "credits" : 5,'
    b' "created_at": "2024-03-01T12:00:00+00:00", "note": "caf\\u00e9", "rate": 1.0E2}',
    b'{"uuid":"a2","type":"credit_reception","credits":null,"created_at":"2024-03-01T12:00:00Z"}',
    b'{"uuid":"a3","type":"points_expiry","credits":-3,"created_at":"2024-03-01T12:00:01Z",'
    b'"expired":{"at":"2024-03-01"}}',
]


def answering(body: bytes) -> ScriptedAPI:
    """A server answering every list request with `body` (one page holds every item)."""
    return ScriptedAPI(Reply(body=body))


def page(texts: list[bytes], separator: bytes = b", ") -> bytes:
    meta = b'{"page": 1, "last_page": 1, "per_page": 100, "total": %d}' % len(texts)
    return b'{"data": [' + separator.join(texts[::-1]) + b'], "meta": ' + meta + b"}"


async def export(url: str, out: Path) -> Any:
    async with OAuthClient(api_key="k", base_url=url) as oauth:
        return await export_loyalty_transactions(oauth, out)


async def test_items_odd_or_not_are_written_byte_for_byte_as_sent(tmp_path: Path) -> None:
    out = tmp_path / "tx.jsonl"
    async with answering(page(TEXTS)) as server:  # the newest-first answer serves all
        result = await export(server.url, out)

    assert out.read_bytes() == b"\n".join(TEXTS) + b"\n"
    assert (result.written, result.odd, result.unplaced) == (3, 2, 0)
    assert sorted(result.problems) == [
        "an item of a type the SDK does not know: 'points_expiry'",
        "values the models cannot take: CreditReception.credits",
    ]


async def test_an_odd_item_is_logged_once_by_the_export(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mismatch_module, "_warned", set())  # as in a fresh process
    with caplog.at_level(logging.WARNING, logger="piggy_async"):
        async with answering(page(TEXTS)) as server:
            await export(server.url, tmp_path / "tx.jsonl")
    about_credits = [r.getMessage() for r in caplog.records if "credits" in r.getMessage()]
    assert about_credits == [
        "loyalty_transactions export: values the models cannot take: CreditReception.credits"
        " (counted; logged once per run)"
    ]


async def test_an_answer_on_many_lines_is_written_one_item_a_line(tmp_path: Path) -> None:
    items = [json.loads(text) for text in TEXTS]
    body = json.dumps({"data": items[::-1], "meta": {"last_page": 1, "total": 3}}, indent=2)
    assert body.count("\n") > 10
    out = tmp_path / "tx.jsonl"
    async with answering(body.encode()) as server:
        result = await export(server.url, out)

    lines = out.read_bytes().splitlines()
    assert [json.loads(line) for line in lines] == items
    assert lines[1] == TEXTS[1]  # only the line breaks and indents between values go
    assert result.written == 3


async def test_an_answer_msgspec_refuses_is_still_exported(tmp_path: Path) -> None:
    text = b'{"uuid":"b1","type":"credit_reception","created_at":"2024-03-01T12:00:00Z",'
    text += b'"note":"\\ud800"}'
    out = tmp_path / "tx.jsonl"
    async with answering(page([text])) as server:  # a lone surrogate: a JSON escape
        result = await export(server.url, out)

    assert [json.loads(line) for line in out.read_bytes().splitlines()] == [json.loads(text)]
    assert (result.written, result.odd) == (1, 0)


async def test_a_sink_gets_the_texts_and_the_items_decoded() -> None:
    batches = []
    async with answering(page(TEXTS, separator=b",")) as server:
        oauth = OAuthClient(api_key="k", base_url=server.url)
        async with oauth:
            async for batch in stream_loyalty_transactions(oauth).batches():
                batches.append((batch.lines, batch.items))
                await batch.commit()

    assert [line for lines, _ in batches for line in lines] == TEXTS
    assert [item for _, items in batches for item in items] == [json.loads(t) for t in TEXTS]
    assert all(type(line) is bytes for lines, _ in batches for line in lines)


def _strictly(model: Any, item: Any) -> bool:
    try:
        with strict_decoding():
            structurer(model)(item)
    except DECODE_ERRORS:
        return False
    return True


def _fits(model: Any, item: Any) -> bool:
    check = fit_check(model)
    assert check is not None
    tag = item.get("type") if isinstance(item, dict) else None
    (verdict,) = check([json.dumps(item).encode()], tag)
    return verdict


def _seeds() -> list[tuple[Any, dict[str, Any]]]:
    items = json.loads((SEEDS / "loyalty_transactions.list.json").read_text())["data"]
    contact = json.loads((SEEDS / "contacts.get.json").read_text())["data"]
    return [(LoyaltyTransaction, item) for item in items] + [(Contact, contact)]


def test_every_item_the_api_documents_passes_the_quick_check() -> None:
    assert all(_fits(model, item) for model, item in _seeds())


def _at(item: Any, path: list[str]) -> Any:
    for key in path:
        item = item[key]
    return item


def _paths(item: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key's path in `item`, nested objects' keys too."""
    found = []
    for key, value in item.items():
        found.append((*prefix, key))
        if isinstance(value, dict):
            found += _paths(value, (*prefix, key))
    return found


TIMES = st.sampled_from(["2024-01-02t03:04:05z", "2024-01-02", "2024-01-02T03:04", "24:00"])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), value=JSON | TIMES, drop=st.booleans())
def test_the_quick_check_never_takes_an_item_a_model_refuses(
    data: st.DataObject, value: Any, drop: bool
) -> None:
    model, seed = data.draw(st.sampled_from(_seeds()))
    item = json.loads(json.dumps(seed))
    *parents, key = data.draw(st.sampled_from(_paths(item)))
    if drop:
        del _at(item, parents)[key]
    else:
        _at(item, parents)[key] = value

    assert _strictly(model, item) or not _fits(model, item)


@SETTINGS
@given(data=st.data())
def test_the_quick_check_of_any_model_never_takes_an_object_it_refuses(
    data: st.DataObject,
) -> None:
    model = data.draw(st.sampled_from(MODELS))
    item = data.draw(_objects(model))
    check = fit_check(model)

    assert check is not None, f"{model.__name__} has no quick check"
    assert _strictly(model, item) or not check([json.dumps(item).encode()], None)[0]
