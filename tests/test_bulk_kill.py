"""The import's promise under the worst conditions: a `piggy import-contacts` process
killed with SIGKILL mid-run while the API fails 10% of requests, then resumed, leaves
exactly one contact per valid unique address with the right attributes, and the errors
file lists exactly the invalid rows."""

from __future__ import annotations

import csv
import re
import signal
from pathlib import Path

from cli_helpers import environment, finish, start
from test_bulk_import import assert_imported

from piggy_async.testing import FakePiggy, Faults, write_sample_csv

FAULTS = Faults(error_500=0.03, error_502=0.02, error_503=0.02, reset=0.02, malformed=0.01)
"""10% of requests fail, a third of them after the server did the work."""

PROGRESS = re.compile(rb"progress: (\d+)/(\d+) contacts")


async def test_an_import_killed_mid_run_resumes_without_losing_or_duplicating(
    tmp_path: Path,
) -> None:
    sample = write_sample_csv(tmp_path / "contacts.csv", rows=300, seed=11)
    arguments = (
        "import-contacts",
        sample.path,
        "--checkpoint",
        str(tmp_path / "import.sqlite"),
        "--errors",
        str(tmp_path / "failed.csv"),
    )
    async with FakePiggy(faults=FAULTS, seed=11) as server:
        env = environment(server)
        process = await start(env, *arguments)
        assert process.stdout is not None
        while True:  # until the import is well under way, then kill it
            line = await process.stdout.readline()
            assert line, "the import ended before it could be killed"
            progress = PROGRESS.match(line)
            if progress and int(progress[1]) * 3 >= int(progress[2]):
                break
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert process.returncode == -signal.SIGKILL
        assert len(server.state.contacts) < len(sample.expected)

        resumed = await finish(await start(env, *arguments))

        assert resumed.code == 1, resumed.stderr  # done, with the invalid rows failed
        first = PROGRESS.search(resumed.stdout.encode())
        assert first is not None and int(first[1]) > 0  # it resumed, not started over
        assert_imported(server, sample)
    failed = list(csv.DictReader((tmp_path / "failed.csv").read_text().splitlines()))
    assert {int(row["row"]) for row in failed} == sample.invalid_rows
    assert len(failed) == len(sample.invalid_rows)
