"""The export's promise under the worst conditions: lists that return same-second items in
a new order on every request, items created during the run (more than a hundred in some
seconds), and a `piggy export` process killed with SIGKILL mid-run, then run again: every
item exactly once, in creation order, one page at a time and with 8 in flight."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from cli_helpers import environment, finish, start
from export_helpers import Writer, assert_exactly_once_in_order, exported

from piggy_async.testing import FakePiggy, VirtualClock

COMMANDS = {"transactions": "loyalty-transactions", "contacts": "contacts"}


@pytest.mark.parametrize("concurrency", [1, 8])
@pytest.mark.parametrize("kind", ["transactions", "contacts"])
async def test_an_export_killed_mid_run_leaves_every_item_once_in_order(
    tmp_path: Path, kind: str, concurrency: int
) -> None:
    clock = VirtualClock()
    out, state = tmp_path / "out.jsonl", tmp_path / "out.state"
    arguments = (
        "export", COMMANDS[kind], "--out", str(out), "--state", str(state),
        "--concurrency", str(concurrency),
    )  # fmt: skip
    async with FakePiggy(clock=clock, shuffle_ties=concurrency) as server:
        writer = Writer(server, clock, kind, seed=concurrency)
        writer.history(40)
        env = environment(server)
        writer.list_target = 12
        process = await start(env, *arguments)
        await writer.listed.wait()  # well under way: kill it
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert process.returncode == -signal.SIGKILL

        resumed = await finish(await start(env, *arguments))  # the writer still writing
        writer.stop()
        clock.advance(1)
        last = await finish(await start(env, *arguments))

        assert (resumed.code, last.code) == (0, 0), resumed.stderr + last.stderr
        assert len(writer.expected()) > 3000
        assert_exactly_once_in_order(exported(out), writer.expected())
