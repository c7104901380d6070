"""The `piggy` command line against FakePiggy (served from a thread, so the command's own
event loop can run here): each exit code, credentials only from the environment and never
echoed, exports, `call` and `operations`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import environment, piggy, serving

from piggy_async.testing import FakePiggy, RateLimit, VirtualClock


@pytest.fixture
def server() -> Iterator[FakePiggy]:
    with serving(FakePiggy(oauth_key="secret-oauth-key-123")) as server:
        yield server


def write_csv(path: Path, *lines: str) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_exit_0_when_every_row_is_imported(server: FakePiggy, tmp_path: Path) -> None:
    contacts = write_csv(tmp_path / "c.csv", "email,firstname", "sandy@bikinibottom.sea,Sandy")

    outcome = piggy(environment(server), "import-contacts", contacts)

    assert outcome.code == 0, outcome.stderr
    (record,) = server.state.contacts.values()
    assert record.attributes == {"firstname": "Sandy"}
    assert "contacts created or found" in outcome.stdout
    assert server.oauth_key not in outcome.stdout + outcome.stderr
    assert (tmp_path / "c.csv.import.sqlite").exists()  # the default checkpoint


def test_exit_1_lists_the_failed_rows(server: FakePiggy, tmp_path: Path) -> None:
    contacts = write_csv(
        tmp_path / "c.csv", "E-mail,First name", "sandy@bikinibottom.sea,Sandy", "nope,Bob"
    )
    errors = tmp_path / "failed.csv"

    outcome = piggy(
        environment(server),
        "import-contacts",
        contacts,
        "--errors",
        str(errors),
        "--column",
        "First name=firstname",
        "--column",
        "E-mail=email",
    )

    assert outcome.code == 1, outcome.stderr
    assert errors.read_text().splitlines() == [
        "row,email,reason",
        "3,nope,not a valid e-mail address",
    ]
    (record,) = server.state.contacts.values()
    assert record.attributes == {"firstname": "Sandy"}


def test_a_dry_run_needs_no_credentials_and_sends_nothing(tmp_path: Path) -> None:
    contacts = write_csv(tmp_path / "c.csv", "email", "sandy@bikinibottom.sea", "nope")

    outcome = piggy(environment(None), "import-contacts", contacts, "--dry-run")

    assert outcome.code == 1
    assert "contacts still to import" in outcome.stdout


@pytest.mark.parametrize(
    ("lines", "arguments", "message"),
    [
        (("email", "a@b.sea"), (), "PIGGY_API_KEY"),
        (("name", "Sandy"), ("--dry-run",), "no 'email' column"),
        (("email", "a@b.sea"), ("--column", "nonsense"), "NAME=ATTRIBUTE"),
        (("email", "a@b.sea"), ("--concurrency", "0"), "--concurrency"),
    ],
)
def test_exit_2_for_usage_and_configuration_errors(
    tmp_path: Path, lines: tuple[str, ...], arguments: tuple[str, ...], message: str
) -> None:
    contacts = write_csv(tmp_path / "c.csv", *lines)

    outcome = piggy(environment(None), "import-contacts", contacts, *arguments)

    assert outcome.code == 2
    assert message in outcome.stderr


def test_exit_3_when_the_rate_limit_outlasts_the_run(tmp_path: Path) -> None:
    contacts = write_csv(tmp_path / "c.csv", "email", "sandy@bikinibottom.sea")
    clock = VirtualClock()
    limited = FakePiggy(rate_limit=RateLimit(limit=3, window=3600), clock=clock)
    with serving(limited) as server:
        env = environment(server)
        assert piggy(env, "call", "contacts.list").code == 0
        assert piggy(env, "call", "contacts.list").code == 0  # the import's first spends the rest
        outcome = piggy(env, "import-contacts", contacts)
        clock.advance(3600)
        resumed = piggy(env, "import-contacts", contacts)

    assert outcome.code == 3
    assert "429" in outcome.stderr
    assert re.search(r"contacts still to import +│ 1", outcome.stdout)
    assert resumed.code == 0, resumed.stderr
    assert len(server.state.contacts) == 1


def test_exit_4_when_the_credentials_are_refused(server: FakePiggy, tmp_path: Path) -> None:
    contacts = write_csv(tmp_path / "c.csv", "email", "sandy@bikinibottom.sea")

    outcome = piggy(environment(server, api_key="wrong-key-456"), "import-contacts", contacts)

    assert outcome.code == 4
    assert "401" in outcome.stderr
    assert "wrong-key-456" not in outcome.stdout + outcome.stderr


def test_export_writes_only_what_is_new(server: FakePiggy, tmp_path: Path) -> None:
    env = environment(server)
    out, state = tmp_path / "contacts.jsonl", tmp_path / "contacts.state"
    server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API")
    arguments = (
        "export",
        "contacts",
        "--since",
        "2020-01-01",
        "--out",
        str(out),
        "--state",
        str(state),
    )

    first = piggy(env, *arguments)
    server.state.add_contact("bob@bikinibottom.sea", channel="OAUTH_API")
    second = piggy(env, *arguments)

    assert (first.code, second.code) == (0, 0), first.stderr + second.stderr
    assert [json.loads(line)["email"] for line in out.read_text().splitlines()] == [
        "sandy@bikinibottom.sea",
        "bob@bikinibottom.sea",
    ]
    assert "exported 1 contacts" in second.stdout


def test_export_with_an_unknown_shop_is_a_usage_error(server: FakePiggy, tmp_path: Path) -> None:
    outcome = piggy(
        environment(server), "export", "loyalty-transactions", "--shop", "no-such-shop",
        "--out", str(tmp_path / "tx.jsonl"),
    )  # fmt: skip

    assert outcome.code == 2
    assert "1008" in outcome.stderr


def test_export_refuses_a_bad_date(server: FakePiggy, tmp_path: Path) -> None:
    outcome = piggy(
        environment(server), "export", "loyalty-transactions", "--since", "yesterday",
        "--out", str(tmp_path / "tx.jsonl"),
    )  # fmt: skip

    assert outcome.code == 2
    assert "2024-01-01" in outcome.stderr


def test_call_prints_the_answer_as_json(server: FakePiggy) -> None:
    env = environment(server)
    created = piggy(env, "call", "contacts.find_or_create", "--email", "sandy@bikinibottom.sea")
    uuid = json.loads(created.stdout)["uuid"]

    updated = piggy(env, "call", "contacts.update", uuid, "--attributes", '{"firstname": "Sandy"}')
    listed = piggy(env, "call", "contacts.list", "--limit", "5")
    missing = piggy(env, "call", "contacts.find_one_by", "--email", "bob@bikinibottom.sea")
    unknown = piggy(env, "call", "contacts.nonsense")

    assert json.loads(updated.stdout)["current_values"]["firstname"] == "Sandy"
    assert [contact["uuid"] for contact in json.loads(listed.stdout)] == [uuid]
    assert (missing.code, unknown.code) == (1, 2)
    assert "55031" in missing.stderr


def test_call_refuses_a_value_the_spec_does_not_list(server: FakePiggy) -> None:
    env = environment(server)
    as_int = piggy(env, "call", "giftcards.create", "--type", "7")
    as_text = piggy(env, "call", "contacts.list", "--sort", "name")

    assert (as_int.code, as_text.code) == (2, 2)
    assert "--type" in as_int.stderr and "one of 0, 1" in as_int.stderr
    assert "--sort" in as_text.stderr and "'-created_at'" in as_text.stderr
    assert list(server.state.requests) == [], "nothing was sent"


def test_operations_lists_both_apis() -> None:
    outcome = piggy(environment(None), "operations", "--api", "register")

    assert outcome.code == 0
    lines = outcome.stdout.splitlines()
    assert lines and all(line.startswith("register") for line in lines)
    assert any("contacts.find_or_create" in line for line in lines)


def test_call_on_the_register_api_pages_with_all(server: FakePiggy) -> None:
    env = environment(server, api_key=server.register_key)
    for email in ("sandy@bikinibottom.sea", "bob@bikinibottom.sea", "pat@bikinibottom.sea"):
        server.state.add_contact(email, channel="REGISTER_API")

    outcome = piggy(env, "call", "contacts.list", "--api", "register", "--limit", "2", "--all")

    assert outcome.code == 0, outcome.stderr
    emails = [json.loads(line)["email"] for line in outcome.stdout.splitlines()]
    assert emails == ["sandy@bikinibottom.sea", "bob@bikinibottom.sea", "pat@bikinibottom.sea"]
