"""`piggy_async.bulk` exports against FakePiggy: incremental through the state file, exact
at the one-second boundary, one request when nothing is new, and resumable after a kill."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from piggy_async import OAuthClient, RegisterClient
from piggy_async.bulk import export_contacts, export_loyalty_transactions
from piggy_async.testing import FakePiggy, VirtualClock

LIST = ("loyalty_transactions", "list")


async def credit(register: RegisterClient, count: int) -> list[str]:
    """`count` credit receptions for one contact, all in the clock's current second."""
    contact = await register.contacts.find_or_create(email="sandy@bikinibottom.sea")
    return [
        (await register.credit_receptions.create(contact_uuid=contact.uuid, unit_value=1.0)).uuid
        for _ in range(count)
    ]


def uuids(path: Path) -> list[str]:
    return [json.loads(line)["uuid"] for line in path.read_text().splitlines()]


async def test_a_second_run_writes_only_new_items_from_the_same_second(
    oauth: OAuthClient,
    register: RegisterClient,
    server: FakePiggy,
    clock: VirtualClock,
    tmp_path: Path,
) -> None:
    out, state = tmp_path / "tx.jsonl", tmp_path / "tx.state"
    first = await credit(register, 150)  # more than a page, all in one second

    result = await export_loyalty_transactions(oauth, out, state=state)
    same_second = await credit(register, 3)
    clock.advance(1)
    later = await credit(register, 2)
    again = await export_loyalty_transactions(oauth, out, state=state)

    assert result.written == 150
    assert again.written == 5
    assert uuids(out) == first + same_second + later
    assert again.cursor == datetime.fromtimestamp(clock.wall(), UTC)


async def test_nothing_new_costs_one_request(
    oauth: OAuthClient,
    register: RegisterClient,
    server: FakePiggy,
    clock: VirtualClock,
    tmp_path: Path,
) -> None:
    out, state = tmp_path / "tx.jsonl", tmp_path / "tx.state"
    await credit(register, 5)
    clock.advance(1)
    await credit(register, 5)
    await export_loyalty_transactions(oauth, out, state=state)
    requests = server.state.calls[LIST]

    result = await export_loyalty_transactions(oauth, out, state=state)

    assert (result.written, result.requests) == (0, 1)
    assert server.state.calls[LIST] == requests + 1
    assert len(uuids(out)) == 10


async def test_a_run_killed_mid_way_resumes_without_gaps_or_repeats(
    oauth: OAuthClient, register: RegisterClient, clock: VirtualClock, tmp_path: Path
) -> None:
    out, state = tmp_path / "tx.jsonl", tmp_path / "tx.state"
    created = []
    for _ in range(5):
        created += await credit(register, 60)
        clock.advance(1)

    def die_after_two_pages(written: int) -> None:
        if written >= 200:
            with out.open("ab") as file:  # as if killed while writing the next page
                file.write(b'{"uuid": "half a li')
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await export_loyalty_transactions(oauth, out, state=state, on_progress=die_after_two_pages)
    await export_loyalty_transactions(oauth, out, state=state)

    assert uuids(out) == created


async def test_since_and_filters(
    oauth: OAuthClient, register: RegisterClient, clock: VirtualClock, tmp_path: Path
) -> None:
    await credit(register, 2)
    clock.advance(10)
    recent = await credit(register, 2)
    since = datetime.fromtimestamp(clock.wall(), UTC)

    result = await export_loyalty_transactions(oauth, tmp_path / "tx.jsonl", since=since)

    assert result.written == 2
    assert uuids(tmp_path / "tx.jsonl") == recent
    await export_loyalty_transactions(oauth, tmp_path / "a.jsonl", state=tmp_path / "s")
    with pytest.raises(ValueError, match="other filters"):
        await export_loyalty_transactions(
            oauth, tmp_path / "a.jsonl", state=tmp_path / "s", type="reward_receptions"
        )
    with pytest.raises(ValueError, match="not the state of a contacts export"):
        await export_contacts(oauth, tmp_path / "c.jsonl", state=tmp_path / "s")
    with pytest.raises(ValueError, match="timezone-aware"):
        await export_contacts(oauth, tmp_path / "c.jsonl", since=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="concurrency"):
        await export_contacts(oauth, tmp_path / "c.jsonl", concurrency=0)
    with pytest.raises(ValueError, match="credit_receptions"):
        await export_loyalty_transactions(oauth, tmp_path / "t.jsonl", type="points")  # type: ignore[typeddict-item]
    with pytest.raises(TypeError, match="takes no type"):
        await export_contacts(oauth, tmp_path / "c.jsonl", type="x")  # type: ignore[call-arg]


async def test_contacts_export_the_models_to_dict(
    oauth: OAuthClient, server: FakePiggy, clock: VirtualClock, tmp_path: Path
) -> None:
    sandy = await oauth.contacts.find_or_create(email="sandy@bikinibottom.sea")
    clock.advance(1)
    bob = await oauth.contacts.find_or_create(email="bob@bikinibottom.sea")
    out, state = tmp_path / "contacts.jsonl", tmp_path / "contacts.state"

    await export_contacts(oauth, out, state=state)
    again = await export_contacts(oauth, out, state=state)

    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [sandy.to_dict(), bob.to_dict()]
    assert again.written == 0
