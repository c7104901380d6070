"""`piggy import-contacts` with the files users have: a European Excel export imports as is,
its columns matched to the account's attributes and the mapping printed; a column matching
none stops the run before anything is sent, unless mapped or skipped on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import environment, piggy, serving

from piggy_async.testing import FakePiggy, SeedData

ACCOUNT = SeedData(contact_attributes=("member_since",), reject_unknown_attributes=True)


@pytest.fixture
def server() -> Iterator[FakePiggy]:
    with serving(FakePiggy(data=ACCOUNT)) as server:
        yield server


def excel_export(path: Path, *columns: str) -> str:
    """What Excel writes in the Netherlands: cp1252, semicolons, CRLF."""
    lines = [
        ";".join(("E-mail", "Firstname", "LAST NAME", "Member since", *columns)),
        ";".join(("sandy@bikinibottom.sea", "Sandy", "Cheeks", "2019", *("x" for _ in columns))),
        ";".join(("bob@bikinibottom.sea", "Bøb", "Squarepants", "", *("y" for _ in columns))),
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return str(path)


def test_a_european_excel_export_imports_as_is(server: FakePiggy, tmp_path: Path) -> None:
    outcome = piggy(environment(server), "import-contacts", excel_export(tmp_path / "c.csv"))

    assert outcome.code == 0, outcome.stderr
    assert "encoding cp1252 (not UTF-8: read as the fallback), delimiter ';'" in outcome.stdout
    assert "'LAST NAME' -> lastname" in outcome.stdout
    assert "'Member since' -> member_since\n" in outcome.stdout
    attributes = {record.email: record.attributes for record in server.state.contacts.values()}
    assert attributes == {
        "sandy@bikinibottom.sea": {
            "firstname": "Sandy",
            "lastname": "Cheeks",
            "member_since": "2019",
        },
        "bob@bikinibottom.sea": {"firstname": "Bøb", "lastname": "Squarepants"},
    }


def test_an_unmatched_column_stops_the_run_before_anything_is_sent(
    server: FakePiggy, tmp_path: Path
) -> None:
    contacts = excel_export(tmp_path / "c.csv", "Notes")

    outcome = piggy(environment(server), "import-contacts", contacts)

    assert outcome.code == 2
    assert "'Notes' matches no contact attribute" in outcome.stderr
    assert "'Notes' -> (left out)  NO SUCH ATTRIBUTE" in outcome.stdout
    assert dict(server.state.calls) == {("contact_attributes", "list"): 1}
    assert not server.state.contacts


@pytest.mark.parametrize("arguments", [("--column", "Notes="), ("--skip-unknown-columns",)])
def test_an_unmatched_column_left_out_on_purpose(
    server: FakePiggy, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    contacts = excel_export(tmp_path / "c.csv", "Notes")

    outcome = piggy(environment(server), "import-contacts", contacts, *arguments)

    assert outcome.code == 0, outcome.stderr
    assert "'Notes' -> (left out)" in outcome.stdout
    assert all("Notes" not in record.attributes for record in server.state.contacts.values())


def test_a_column_mapped_on_purpose(server: FakePiggy, tmp_path: Path) -> None:
    contacts = excel_export(tmp_path / "c.csv", "Woonplaats")

    outcome = piggy(environment(server), "import-contacts", contacts, "--column", "Woonplaats=city")

    assert outcome.code == 0, outcome.stderr
    assert "'Woonplaats' -> city (as given)" in outcome.stdout
    assert {record.attributes["city"] for record in server.state.contacts.values()} == {"x", "y"}


@pytest.mark.parametrize(
    ("columns", "arguments", "message"),
    [
        (("Notes",), ("--column", "Notes=no_such_attribute"), "no such attribute"),
        (("Notes",), ("--column", "Remarks=city"), "the file has no column 'Remarks'"),
        (("First name",), (), "both fill 'firstname'"),
        (("Created at",), (), "'Created at' matches no contact attribute"),  # read-only
    ],
)
def test_mappings_that_cannot_work_are_refused(
    server: FakePiggy,
    tmp_path: Path,
    columns: tuple[str, ...],
    arguments: tuple[str, ...],
    message: str,
) -> None:
    contacts = excel_export(tmp_path / "c.csv", *columns)

    outcome = piggy(environment(server), "import-contacts", contacts, *arguments)

    assert outcome.code == 2
    assert message in outcome.stderr
    assert not server.state.contacts


def test_a_dry_run_prints_the_mapping_and_names_unmatched_columns(
    server: FakePiggy, tmp_path: Path
) -> None:
    contacts = excel_export(tmp_path / "c.csv", "Notes")

    outcome = piggy(environment(server), "import-contacts", contacts, "--dry-run")

    assert outcome.code == 2
    assert "'Firstname' -> firstname" in outcome.stdout
    assert "contacts still to import" in outcome.stdout  # the rows were checked
    assert "'Notes' matches no contact attribute" in outcome.stderr
    assert dict(server.state.calls) == {("contact_attributes", "list"): 1}


def test_a_dry_run_without_credentials_maps_to_the_documented_attributes(
    tmp_path: Path,
) -> None:
    contacts = excel_export(tmp_path / "c.csv")

    outcome = piggy(
        environment(None), "import-contacts", contacts, "--dry-run", "--skip-unknown-columns"
    )

    assert outcome.code == 0, outcome.stderr
    assert "no credentials" in outcome.stdout
    assert "'Member since' -> (left out) (no such attribute)" in outcome.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(("--delimiter", "ab"), "one character"), (("--encoding", "klingon"), "unknown encoding")],
)
def test_bad_reading_options_are_usage_errors(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    contacts = excel_export(tmp_path / "c.csv")

    outcome = piggy(environment(None), "import-contacts", contacts, "--dry-run", *arguments)

    assert outcome.code == 2
    assert message in outcome.stderr


def test_a_stated_delimiter_and_encoding(server: FakePiggy, tmp_path: Path) -> None:
    contacts = tmp_path / "c.tsv"
    contacts.write_bytes("email\tfirstname\r\nsandy@bikinibottom.sea\tSändy\r\n".encode("latin-1"))

    outcome = piggy(
        environment(server),
        "import-contacts",
        str(contacts),
        "--delimiter",
        "tab",
        "--encoding",
        "latin-1",
    )

    assert outcome.code == 0, outcome.stderr
    assert "encoding latin-1 (as stated), delimiter '\\t'" in outcome.stdout
    (record,) = server.state.contacts.values()
    assert record.attributes == {"firstname": "Sändy"}
