"""Every bad input to the installed `piggy` is exit 2 with one message naming it, found
before any work starts; and `--help`, `--version` and `operations` start without the SDK's
heavy parts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import environment, serving

from piggy_async.testing import FakePiggy

PIGGY = str(Path(sys.executable).with_name("piggy"))


@pytest.fixture
def server() -> Iterator[FakePiggy]:
    with serving(FakePiggy()) as server:
        yield server


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "c.csv").write_text("email\nsandy@bikinibottom.sea\n", encoding="utf-8")
    (tmp_path / "junk.sqlite").write_text("not a database\n", encoding="utf-8")
    (tmp_path / "other.state").write_text('{"job": "loyalty_transactions", "version": 1}')
    (tmp_path / "latin1.csv").write_bytes(
        "email,firstname\na@b.sea,Sm\xf8rrebr\xf8d\n".encode("latin-1")
    )
    return tmp_path


CASES = [
    (("import-contacts", "c.csv", "--errors", "c.csv"), "--errors c.csv is the same file as FILE"),
    (("import-contacts", "c.csv", "--checkpoint", "c.csv"), "--checkpoint c.csv is the same file"),
    (
        ("import-contacts", "c.csv", "--errors", "c.sqlite", "--checkpoint", "c.sqlite"),
        "--errors c.sqlite is the same file as --checkpoint",
    ),
    (("import-contacts", "c.csv", "--errors", "no/f.csv"), "the directory no does not exist"),
    (("import-contacts", "c.csv", "--errors", "/proc/f.csv"), "/proc/f.csv cannot be written"),
    (("import-contacts", "c.csv", "--checkpoint", "/proc/c.sqlite"), "cannot be written"),
    (("import-contacts", "c.csv", "--checkpoint", "junk.sqlite"), "file is not a database"),
    (
        ("import-contacts", "latin1.csv", "--dry-run", "--encoding", "utf-8"),
        "'latin1.csv', row 2, column 2 ('firstname'): byte 0xf8 is not utf-8",
    ),
    (("import-contacts", "latin1.csv", "--encoding", "klingon"), "unknown encoding 'klingon'"),
    (("call", "contacts.get", ".."), "'..' is not a value"),
    (("call", "contacts.update", "u", "--attributes", "NaN"), "NaN is not a JSON number"),
    (
        ("call", "contacts.update", "u", "--attributes", "[" * 5000 + "]" * 5000),
        "nested deeper than 64 levels",
    ),
    (("call", "contacts.update", "u", "--attributes", "{"), "not valid JSON"),
    (("call", "credit_receptions.calculate", "--unit-value", "nan"), "expected a finite number"),
    (("export", "contacts", "--out", "s", "--state", "s"), "--state s is the same file as --out"),
    (("export", "contacts", "--out", "no/out.jsonl"), "the directory no does not exist"),
    (
        ("export", "contacts", "--out", "c.jsonl", "--state", "other.state"),
        "'other.state' is not the state of a contacts export",
    ),
]


def test_a_cell_past_the_field_limit_is_exit_2_naming_its_line(
    server: FakePiggy, folder: Path
) -> None:
    (folder / "huge.csv").write_text("email,notes\na@b.sea," + "x" * (17 << 20) + "\n")
    outcome = subprocess.run(
        [PIGGY, "import-contacts", "huge.csv", "--dry-run"],
        env=environment(server),
        cwd=folder,
        capture_output=True,
        text=True,
    )

    assert outcome.returncode == 2, outcome.stderr
    assert "'huge.csv', line 2: field larger than field limit" in outcome.stderr
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize(("arguments", "message"), CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_bad_input_is_exit_2_naming_it(
    server: FakePiggy, folder: Path, arguments: tuple[str, ...], message: str
) -> None:
    outcome = subprocess.run(
        [PIGGY, *arguments], env=environment(server), cwd=folder, capture_output=True, text=True
    )

    assert outcome.returncode == 2, outcome.stderr
    assert message in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert len(server.state.contacts) == 0  # nothing was sent
    assert (folder / "c.csv").read_text() == "email\nsandy@bikinibottom.sea\n"


def test_a_truncated_checkpoint_is_exit_2(server: FakePiggy, folder: Path) -> None:
    whole = subprocess.run([PIGGY, "import-contacts", "c.csv"], env=environment(server), cwd=folder)
    (folder / "cut.sqlite").write_bytes((folder / "c.csv.import.sqlite").read_bytes()[:2048])

    outcome = subprocess.run(
        [PIGGY, "import-contacts", "c.csv", "--checkpoint", "cut.sqlite"],
        env=environment(server),
        cwd=folder,
        capture_output=True,
        text=True,
    )

    assert whole.returncode == 0
    assert outcome.returncode == 2
    assert "the checkpoint cut.sqlite cannot be used" in outcome.stderr


def test_a_base_url_with_the_api_path_says_which_part_to_set(server: FakePiggy) -> None:
    env = {**environment(server), "PIGGY_BASE_URL": server.url + "/api/v3/oauth/clients"}

    outcome = subprocess.run(
        [PIGGY, "call", "contacts.list"], env=env, capture_output=True, text=True
    )

    assert outcome.returncode == 2
    assert f"set it to '{server.url}', without '/api/v3/oauth/clients'" in outcome.stderr


HEAVY = (
    "aiohttp",
    "rich",
    "attr",  # attrs too
    "cattrs",
    "piggy_async._errors",
    "piggy_async.bulk",
    "piggy_async._generated.models",
)
PROBE = """
import sys
from piggy_async.cli import main
try:
    main()
except SystemExit as end:
    assert end.code == 0, end.code
heavy = sorted(m for m in sys.modules if m.startswith({heavy!r}))
resources = sorted(m for m in sys.modules if "_generated.resources." in m)
print(heavy, len(resources), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "arguments",
    [
        ("--help",),
        ("--version",),
        ("import-contacts", "--help"),
        ("export", "--help"),
        ("export", "contacts", "--help"),
        ("export", "loyalty-transactions", "--help"),
        ("call", "--help"),
        ("operations", "--help"),
        ("operations",),
    ],
)
def test_starting_up_imports_no_aiohttp_models_bulk_jobs_or_resources(
    arguments: tuple[str, ...],
) -> None:
    outcome = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *arguments],
        capture_output=True,
        text=True,
    )

    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stderr.splitlines()[-1] == "[] 0"


def test_call_loads_only_the_resource_it_sends(server: FakePiggy) -> None:
    probe = PROBE.format(heavy="piggy_async._generated.resources.")
    outcome = subprocess.run(
        [sys.executable, "-c", probe, "call", "contacts.list"],
        env=environment(server),
        capture_output=True,
        text=True,
    )

    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stderr.splitlines()[-1] == "['piggy_async._generated.resources.contacts'] 1"


def test_operations_lists_every_operation_the_sdk_has() -> None:
    from piggy_async import operations

    listed = subprocess.run([PIGGY, "operations"], capture_output=True, text=True, check=True)

    names = [line.split()[:3] for line in listed.stdout.splitlines()]
    assert names == [[o.api, o.method, f"{o.resource}.{o.name}"] for o in operations()]
