"""The export's stream handed to any sink, the SQLite sink, odd items, the state file's
checks, and FakePiggy's shuffled ties that the exactness tests rely on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import environment, piggy, serving
from export_helpers import Writer, assert_exactly_once_in_order, exported

from piggy_async import OAuthClient
from piggy_async.bulk import (
    export_contacts,
    export_loyalty_transactions,
    stream_loyalty_transactions,
)
from piggy_async.testing import FakePiggy, VirtualClock
from piggy_async.testing import _render as render

LIST = ("loyalty_transactions", "list")


async def test_fake_piggy_shuffles_same_second_items_on_every_request_from_a_seed(
    clock: VirtualClock,
) -> None:
    orders = []
    for _ in range(2):
        async with FakePiggy(clock=clock, shuffle_ties=3, seed=1) as server:
            writer = Writer(server, clock, "transactions", seed=1)
            writer.stop()
            writer.burst(50)
            async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
                pages = [await oauth.loyalty_transactions.list(limit=50) for _ in range(2)]
            orders.append([[item.uuid for item in page.items] for page in pages])

    assert orders[0][0] != orders[0][1]  # another order on the next request
    assert set(orders[0][0]) == set(orders[0][1])
    assert orders[0] == orders[1]  # the same orders from the same seed


async def test_a_sink_gets_each_item_once_in_order_and_the_state_moves_only_on_commit(
    tmp_path: Path, clock: VirtualClock
) -> None:
    state = tmp_path / "tx.state"
    async with FakePiggy(clock=clock, shuffle_ties=5) as server:
        writer = Writer(server, clock, "transactions", seed=5)
        writer.stop()
        writer.history(30)
        stored: list[dict[str, object]] = []
        async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
            stream = stream_loyalty_transactions(oauth, state=state, concurrency=8)
            async for batch in stream.batches():
                stored += batch.items
                if len(stored) > 1000:
                    break  # stored, never committed: as if killed here
                await batch.commit()
            committed = json.loads(state.read_text())["cursor"]
            resumed = stream_loyalty_transactions(oauth, state=state)
            async for batch in resumed.batches():
                stored += batch.items
                await batch.commit()
            with pytest.raises(RuntimeError, match="runs once"):
                async for _ in resumed.batches():
                    pass
            unruly = stream_loyalty_transactions(oauth)
            with pytest.raises(RuntimeError, match="commit each batch"):
                async for _ in unruly.batches():
                    pass

    unique = list({str(item["uuid"]): item for item in stored}.values())
    assert_exactly_once_in_order(unique, writer.expected())  # a sink deduping by uuid
    assert stream.result().written + resumed.result().written == len(writer.expected())
    assert committed < json.loads(state.read_text())["cursor"]


async def test_sqlite_sink_upserts_by_uuid_and_resumes(tmp_path: Path, clock: VirtualClock) -> None:
    database, state = tmp_path / "tx.sqlite", tmp_path / "tx.state"
    async with FakePiggy(clock=clock, shuffle_ties=2) as server:
        writer = Writer(server, clock, "transactions", seed=2)
        writer.stop()
        writer.history(20)
        async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
            progress: list[int] = []
            first = await export_loyalty_transactions(
                oauth, database, state=state, on_progress=progress.append
            )
            writer.burst(30)
            clock.advance(1)
            again = await export_loyalty_transactions(oauth, database, state=state)
            state.unlink()  # from scratch: every row stored again, none twice
            await export_loyalty_transactions(oauth, database, state=state)

    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT uuid, created_at, item FROM loyalty_transactions ORDER BY created_at"
        ).fetchall()
    assert {uuid for uuid, _, _ in rows} == writer.expected()
    assert len(rows) == len(writer.expected())
    assert all(json.loads(item)["uuid"] == uuid for uuid, _, item in rows)
    assert progress[-1] == first.written and progress == sorted(progress)
    assert again.written == 30


async def test_odd_items_are_exported_as_received_and_counted(
    tmp_path: Path, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakePiggy(clock=clock) as server:
        writer = Writer(server, clock, "transactions", seed=4)
        writer.stop()
        writer.burst(5)
        records = list(server.state.transactions.values())
        records[1].extra = {"credits": None}
        records[2].extra = {"credits": None}
        records[3].type = "points_expiry"  # type: ignore[assignment]
        records[4].extra = {"created_at": "yesterday"}
        out = tmp_path / "tx.jsonl"
        async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
            result = await export_loyalty_transactions(oauth, out, state=tmp_path / "s")
        sent = [render.transaction(server.state, record) for record in records[:4]]

    lines = exported(out)
    assert [line["uuid"] for line in lines] == [r.uuid for r in records[:4]]
    assert lines == sent  # as the API sent them
    assert lines[1]["credits"] is None and lines[3]["type"] == "points_expiry"
    assert (result.written, result.odd, result.unplaced) == (4, 3, 1)
    assert sorted(result.problems.values()) == [1, 1, 2]
    warnings = [r.getMessage() for r in caplog.records if r.name == "piggy_async.bulk"]
    assert len(warnings) == 3  # once per kind


def test_the_summary_counts_odd_items_and_the_run_exits_0(
    tmp_path: Path, clock: VirtualClock
) -> None:
    server = FakePiggy(clock=clock)
    with serving(server):
        writer = Writer(server, clock, "transactions", seed=4)
        writer.stop()
        writer.burst(3)
        first, second, _ = server.state.transactions.values()
        first.extra = {"credits": None}
        second.type = "points_expiry"  # type: ignore[assignment]
        out = tmp_path / "tx.jsonl"
        outcome = piggy(environment(server), "export", "loyalty-transactions", "--out", str(out))

    assert outcome.code == 0, outcome.stderr
    assert "exported 3 loyalty transactions" in outcome.stdout
    assert "2 of them the SDK's models cannot take" in outcome.stdout
    assert "CreditReception.credits" in outcome.stdout
    assert "points_expiry" in outcome.stdout


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("committed", {}),
        ("committed", -1),
        ("committed", True),
        ("path", 5),
        ("cursor", "yesterday"),
        ("seen", "not-a-list"),
    ],
)
def test_a_state_that_fails_its_checks_is_exit_2_and_leaves_the_output_alone(
    tmp_path: Path, clock: VirtualClock, field: str, value: object
) -> None:
    out, state = tmp_path / "contacts.jsonl", tmp_path / "contacts.state"
    server = FakePiggy(clock=clock)
    with serving(server):
        server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API")
        env = environment(server)
        arguments = ("export", "contacts", "--out", str(out), "--state", str(state))
        assert piggy(env, *arguments).code == 0
        saved = json.loads(state.read_text())
        if field in ("committed", "path"):
            saved["output"][field] = value
        else:
            saved[field] = value
        state.write_text(json.dumps(saved))
        before = out.read_bytes()

        outcome = piggy(env, *arguments)

    assert outcome.code == 2
    dotted = f"output.{field}" if field in ("committed", "path") else field
    assert f"`{dotted}`" in outcome.stderr and str(state) in outcome.stderr
    assert out.read_bytes() == before


async def test_an_output_shorter_than_its_state_says_is_refused_untouched(
    oauth: OAuthClient, server: FakePiggy, tmp_path: Path
) -> None:
    out, state = tmp_path / "contacts.jsonl", tmp_path / "contacts.state"
    server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API")
    await export_contacts(oauth, out, state=state)
    out.write_bytes(b"")

    with pytest.raises(ValueError, match="holds 0 bytes"):
        await export_contacts(oauth, out, state=state)
    assert out.read_bytes() == b""


async def test_nothing_or_a_few_new_after_hundreds_in_the_last_second_cost_one_request(
    oauth: OAuthClient, server: FakePiggy, clock: VirtualClock, tmp_path: Path
) -> None:
    writer = Writer(server, clock, "transactions", seed=1)
    writer.stop()
    writer.burst(250)
    out, state = tmp_path / "tx.jsonl", tmp_path / "tx.state"
    await export_loyalty_transactions(oauth, out, state=state)
    before = server.state.calls[LIST]

    result = await export_loyalty_transactions(oauth, out, state=state)
    clock.advance(1)
    writer.burst(5)
    few = await export_loyalty_transactions(oauth, out, state=state)

    assert (result.written, result.requests, server.state.calls[LIST] - before) == (0, 1, 2)
    assert (few.written, few.requests) == (5, 1)
    assert_exactly_once_in_order(exported(out), writer.expected())
