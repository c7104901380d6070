"""`piggy_async.bulk.import_contacts` against FakePiggy: one contact per unique address with
the merged attributes, failures by row, resuming from the checkpoint, which errors fail a
row and which stop the run, and the requests each contact costs."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scripted_api import Replies, Reply, Routes, ScriptedAPI

from piggy_async import AuthenticationError, OAuthClient
from piggy_async.bulk import (
    ContactRow,
    ImportProgress,
    ImportStopped,
    check_contacts,
    import_contacts,
    read_contacts_csv,
)
from piggy_async.testing import FakePiggy, Sample, SeedData, VirtualClock, write_sample_csv

STRICT = SeedData(contact_attributes=("member_since",), reject_unknown_attributes=True)
"""The importer's account: a custom attribute, and updates naming unknown ones refused."""


@pytest.fixture
async def server(clock: VirtualClock) -> AsyncIterator[FakePiggy]:
    async with FakePiggy(clock=clock, data=STRICT) as server:
        yield server


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return write_sample_csv(tmp_path / "contacts.csv", rows=400, seed=3)


def assert_imported(server: FakePiggy, sample: Sample) -> None:
    """Exactly one contact per valid unique address, with the attributes it must have."""
    contacts = {record.email.lower(): record for record in server.state.contacts.values()}
    assert len(contacts) == len(server.state.contacts)
    assert contacts.keys() == sample.expected.keys()
    for email, attributes in sample.expected.items():
        assert contacts[email].attributes == attributes


async def test_imports_one_contact_per_unique_address(
    oauth: OAuthClient, server: FakePiggy, sample: Sample, tmp_path: Path
) -> None:
    seen: list[ImportProgress] = []
    result = await import_contacts(
        oauth,
        read_contacts_csv(sample.path),
        checkpoint=tmp_path / "import.sqlite",
        on_progress=seen.append,
    )

    assert_imported(server, sample)
    assert result.imported == result.updated == len(sample.expected)
    assert result.unchanged == result.pending == 0
    assert result.rows == sample.rows
    assert result.duplicates == sample.rows - len(sample.invalid_rows) - len(sample.expected)
    assert result.failed == len(sample.invalid_rows)
    assert {failure.row for failure in result.failures} == sample.invalid_rows
    assert seen[0] == ImportProgress(len(sample.expected), 0, 0)
    assert seen[-1] == ImportProgress(len(sample.expected), len(sample.expected), 0)


async def test_a_rerun_with_the_checkpoint_sends_nothing_new(
    oauth: OAuthClient, server: FakePiggy, sample: Sample, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "import.sqlite"
    first = await import_contacts(oauth, read_contacts_csv(sample.path), checkpoint=checkpoint)
    requests = server.state.calls.total()

    again = await import_contacts(oauth, read_contacts_csv(sample.path), checkpoint=checkpoint)

    assert server.state.calls.total() == requests
    assert again == first
    assert_imported(server, sample)


async def test_the_checkpoint_records_what_each_row_became(
    oauth: OAuthClient, server: FakePiggy, tmp_path: Path
) -> None:
    rows = [
        {"email": "sandy@bikinibottom.sea", "firstname": "Sandy"},
        {"email": "not an address"},
        {"email": "SANDY@bikinibottom.sea", "lastname": "Cheeks"},
    ]
    await import_contacts(oauth, rows, checkpoint=tmp_path / "import.sqlite")

    with contextlib.closing(sqlite3.connect(tmp_path / "import.sqlite")) as db:
        outcomes = db.execute("SELECT row, outcome, contact_uuid FROM row_outcomes").fetchall()
    (uuid,) = server.state.contacts
    assert outcomes == [(1, "updated", uuid), (2, "failed", None), (3, "duplicate", uuid)]


async def test_existing_contacts_are_updated_only_where_they_differ(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    same = await oauth.contacts.find_or_create(email="sandy@bikinibottom.sea")
    await oauth.contacts.update(same.uuid, attributes={"firstname": "Sandy"})
    other = await oauth.contacts.find_or_create(email="bob@bikinibottom.sea")

    result = await import_contacts(
        oauth,
        [
            {"email": "Sandy@BikiniBottom.sea", "firstname": "Sandy"},
            {"email": "bob@bikinibottom.sea", "firstname": "Bob", "city": ""},
        ],
    )

    assert (result.imported, result.updated, result.unchanged) == (2, 1, 1)
    assert server.state.contacts[other.uuid].attributes == {"firstname": "Bob"}
    assert server.state.calls["contacts", "update"] == 2  # one by the test, one by the import


async def test_requests_per_contact_are_the_fewest(oauth: OAuthClient, server: FakePiggy) -> None:
    """One request for an existing contact holding the row's values, two for a new one or
    one whose values differ; the account's attributes are read once per run."""
    for email, name in (("same@bikinibottom.sea", "Same"), ("old@bikinibottom.sea", "Old")):
        found = await oauth.contacts.find_or_create(email=email)
        await oauth.contacts.update(found.uuid, attributes={"firstname": name})
    before = server.state.calls.copy()
    rows = [
        {"email": "same@bikinibottom.sea", "firstname": "Same"},  # unchanged
        {"email": "old@bikinibottom.sea", "firstname": "New"},  # changed
        *({"email": f"new.{n}@bikinibottom.sea", "firstname": "Gary"} for n in range(20)),
        *({"email": f"bare.{n}@bikinibottom.sea"} for n in range(5)),  # new, nothing to set
    ]

    result = await import_contacts(oauth, rows)

    calls = server.state.calls - before
    assert calls == {
        ("contact_attributes", "list"): 1,
        ("contacts", "find_or_create"): 27,
        ("contacts", "update"): 21,
    }
    assert (result.imported, result.updated, result.unchanged) == (27, 21, 6)


async def test_rows_naming_attributes_the_account_lacks_are_refused_before_sending(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    rows = [{"email": "sandy@bikinibottom.sea", "Firstname": "Sandy", "notes": "karate"}]

    with pytest.raises(ValueError, match="'Firstname', 'notes'"):
        await import_contacts(oauth, rows)

    assert server.state.calls.total() == 1  # the attribute list, nothing else
    assert not server.state.contacts


async def test_a_custom_attribute_of_the_account_is_imported(
    oauth: OAuthClient, server: FakePiggy
) -> None:
    rows = [{"email": "sandy@bikinibottom.sea", "member_since": "2019"}]

    result = await import_contacts(oauth, rows)

    assert result.updated == 1
    (record,) = server.state.contacts.values()
    assert record.attributes == {"member_since": "2019"}


async def test_a_checkpoint_refuses_other_rows(oauth: OAuthClient, tmp_path: Path) -> None:
    checkpoint = tmp_path / "import.sqlite"
    await import_contacts(oauth, [{"email": "sandy@bikinibottom.sea"}], checkpoint=checkpoint)

    with pytest.raises(ValueError, match="different input rows"):
        await import_contacts(oauth, [{"email": "bob@bikinibottom.sea"}], checkpoint=checkpoint)


async def test_check_contacts_sends_nothing(sample: Sample) -> None:
    result = await check_contacts(read_contacts_csv(sample.path))

    assert result.pending == len(sample.expected)
    assert {failure.row for failure in result.failures} == sample.invalid_rows
    assert result.imported == 0


async def test_async_rows_and_explicit_numbers(oauth: OAuthClient, server: FakePiggy) -> None:
    async def rows() -> AsyncIterator[ContactRow]:
        yield ContactRow(10, "sandy@bikinibottom.sea", {"firstname": "Sandy"})
        yield ContactRow(20, "@bikinibottom.sea")

    result = await import_contacts(oauth, rows())

    assert [(failure.row, failure.email) for failure in result.failures] == [
        (20, "@bikinibottom.sea")
    ]
    assert [record.attributes for record in server.state.contacts.values()] == [
        {"firstname": "Sandy"}
    ]


async def test_refused_credentials_stop_the_run_and_a_rerun_resumes(
    server: FakePiggy, sample: Sample, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "import.sqlite"
    async with OAuthClient(api_key="wrong", base_url=server.url) as wrong:
        with pytest.raises(ImportStopped) as stopped:
            await import_contacts(wrong, read_contacts_csv(sample.path), checkpoint=checkpoint)
    assert isinstance(stopped.value.error, AuthenticationError)
    assert stopped.value.result.pending == len(sample.expected)
    assert not server.state.contacts

    async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth:
        result = await import_contacts(oauth, read_contacts_csv(sample.path), checkpoint=checkpoint)
    assert result.imported == len(sample.expected)
    assert_imported(server, sample)


CONTACT = {"uuid": "c-1", "email": "sandy@bikinibottom.sea", "current_values": {}}
ATTRIBUTES = Replies({"data": [{"name": "firstname", "label": "Firstname"}]})
SANDY = "/contacts/find-or-create?email=sandy@bikinibottom.sea"
BOB = "bob@bikinibottom.sea"


@contextlib.asynccontextmanager
async def scripted_api(routes: dict[str, Replies]) -> AsyncIterator[OAuthClient]:
    """A client on a server answering each route with its replies in turn."""
    routes = {"/contact-attributes": ATTRIBUTES, **routes}
    async with (
        ScriptedAPI(Routes(routes)) as api,
        OAuthClient(api_key="key", base_url=api.url, max_retries=0) as oauth,
    ):
        yield oauth


async def test_a_lost_answer_is_reconciled_by_looking_the_contact_up_again() -> None:
    lost = Reply({"data": CONTACT}, fault="cut_off")
    routes = {
        SANDY: Replies(lost, {"data": CONTACT}),
        "/contacts/c-1": Replies({"data": {**CONTACT, "current_values": {"firstname": "Sandy"}}}),
    }
    async with scripted_api(routes) as oauth:
        result = await import_contacts(
            oauth, [{"email": "sandy@bikinibottom.sea", "firstname": "Sandy"}]
        )
    assert (result.updated, result.failed) == (1, 0)


async def test_invalid_input_fails_the_row_not_the_run() -> None:
    refused = {
        "code": 1003,
        "message": "Invalid input.",
        "errors": {"email": ["The email field must be a valid email address."]},
    }
    routes = {
        SANDY: Replies(Reply(refused, status=400)),
        "find-or-create?email=bob@": Replies(
            {"data": {**CONTACT, "email": "bob@bikinibottom.sea"}}
        ),
    }
    async with scripted_api(routes) as oauth:
        result = await import_contacts(oauth, [{"email": "sandy@bikinibottom.sea"}, {"email": BOB}])
    assert result.unchanged == 1
    (failure,) = result.failures
    assert failure.row == 1
    assert failure.reason == (
        "refused by the API (1003): email: The email field must be a valid email address."
    )


async def test_concurrency_must_be_positive(oauth: OAuthClient) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        await import_contacts(oauth, [], concurrency=0)


async def test_an_answer_cut_short_is_looked_up_again() -> None:
    answers = Replies(
        Reply(body='{"status_code":400,"code":550', status=400),
        Reply(body='{"data":{"uuid":"c-1","ema'),
        {"data": CONTACT},
    )
    async with scripted_api({SANDY: answers}) as oauth:
        result = await import_contacts(oauth, [{"email": "sandy@bikinibottom.sea"}])
    assert (result.unchanged, result.failed) == (1, 0)
