"""Loading an import's rows into its checkpoint: duplicates merged exactly whatever the
filter of seen addresses guesses, the same fingerprint whichever rows it flags, and row
numbers that repeat refused."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from piggy_async.bulk import ContactRow, check_contacts, read_contacts_csv
from piggy_async.bulk import _load as load_module
from piggy_async.bulk._checkpoint import Checkpoint, PendingContact
from piggy_async.testing import write_sample_csv


def contents(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], str]:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        contacts = db.execute("SELECT id, email, attributes FROM contacts ORDER BY id").fetchall()
        outcomes = db.execute("SELECT * FROM row_outcomes ORDER BY row").fetchall()
        digest = db.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()[0]
    return contacts, outcomes, digest


@pytest.mark.parametrize("size", [1, 8, 1 << 9])
async def test_a_filter_that_flags_many_rows_changes_nothing_but_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """With a tiny filter almost every row is "maybe seen" (as on a huge input, or with
    another hash seed): the merge must still find exactly the repeated addresses."""
    sample = write_sample_csv(tmp_path / "contacts.csv", rows=3000, seed=7, duplicates=0.2)
    exact = tmp_path / "exact.sqlite"
    store = Checkpoint(exact)
    await load_module.load(store, read_contacts_csv(sample.path))
    store.close()
    monkeypatch.setattr(load_module, "FILTER_BYTES", size)
    flagged = tmp_path / "flagged.sqlite"
    store = Checkpoint(flagged)
    await load_module.load(store, read_contacts_csv(sample.path))
    store.close()

    assert contents(flagged) == contents(exact)
    contacts, outcomes, _ = contents(exact)
    assert len(contacts) == len(sample.expected)
    assert [row for row, _, outcome, *_ in outcomes if outcome == "failed"] == sorted(
        sample.invalid_rows
    )
    assert len(outcomes) == sample.rows


async def test_later_rows_win_in_the_merge(tmp_path: Path) -> None:
    rows = [
        ContactRow(2, "sandy@bikinibottom.sea", {"firstname": "Sandy", "city": "Treedome"}),
        ContactRow(3, "bob@bikinibottom.sea", {}),
        ContactRow(4, " SANDY@bikinibottom.sea ", {"city": "Bikini Bottom"}),
        ContactRow(5, "Sandy@BikiniBottom.sea", {"lastname": "Cheeks", "firstname": ""}),
    ]

    store = Checkpoint(tmp_path / "import.sqlite")
    await load_module.load(store, rows)
    sent = store.pending(0, 10)
    store.close()

    assert sent == [
        PendingContact(
            2,
            "sandy@bikinibottom.sea",
            {"firstname": "Sandy", "city": "Bikini Bottom", "lastname": "Cheeks"},
        ),
        PendingContact(3, "bob@bikinibottom.sea", {}),
    ]
    _, outcomes, _ = contents(tmp_path / "import.sqlite")
    assert [outcome for _, _, outcome, *_ in outcomes] == [
        "pending",
        "pending",
        "duplicate",
        "duplicate",
    ]


async def test_a_files_rows_merge_by_column_blank_and_missing_cells_erasing_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV row is stored as its cells: merged by the columns' names when sent, later rows
    winning, a blank or missing cell never erasing a value; each address is one contact
    whichever rows the filter of seen addresses flags."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Email,First name,Notes,City\n"
        "sandy@bikinibottom.sea,Sandy,x,Treedome\n"
        "\n"
        "bob@bikinibottom.sea\n"
        "SANDY@bikinibottom.sea, ,y,Bikini Bottom\n"
        ",,,\n"
        "pearl@bikinibottom.sea,Pearl\n"
        " Sandy@BikiniBottom.sea ,Sandy C.,,\n"
        "bob@bikinibottom.sea,Bob,,\n",
        encoding="utf-8",
    )
    columns = {"Email": "email", "First name": "firstname", "Notes": None, "City": "city"}
    monkeypatch.setattr(load_module, "FILTER_BYTES", 1)  # most rows "maybe seen"
    store = Checkpoint(tmp_path / "import.sqlite")
    await load_module.load(store, read_contacts_csv(path, columns=columns))
    sent = store.pending(0, 10)
    rows = store.rows
    store.close()

    assert sent == [
        PendingContact(
            2, "sandy@bikinibottom.sea", {"firstname": "Sandy C.", "city": "Bikini Bottom"}
        ),
        PendingContact(4, "bob@bikinibottom.sea", {"firstname": "Bob"}),
        PendingContact(7, "pearl@bikinibottom.sea", {"firstname": "Pearl"}),
    ]
    assert rows == 6  # blank lines are no rows
    _, outcomes, _ = contents(tmp_path / "import.sqlite")
    assert [(row, outcome) for row, _, outcome, *_ in outcomes] == [
        (2, "pending"), (4, "pending"), (5, "duplicate"), (7, "pending"), (8, "duplicate"),
        (9, "duplicate"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "numbers", [(1, 2, 2), (5, 3, 5), (1, 1)], ids=["adjacent", "apart", "invalid-and-valid"]
)
async def test_a_row_number_that_repeats_is_refused(numbers: tuple[int, ...]) -> None:
    emails = ["sandy@bikinibottom.sea", "bob@bikinibottom.sea", "pearl@bikinibottom.sea"]
    if numbers == (1, 1):
        emails = ["not an address", "bob@bikinibottom.sea"]
    rows = [ContactRow(number, email) for number, email in zip(numbers, emails, strict=False)]

    with pytest.raises(ValueError, match="appears twice"):
        await check_contacts(rows)


async def test_a_files_checkpoint_resumes_with_that_file_and_mapping_alone(tmp_path: Path) -> None:
    """A loaded checkpoint only fingerprints the file again: the same file and mapping are
    accepted, an edited cell or another column mapping refused."""
    path = tmp_path / "contacts.csv"
    lines = ["email,firstname,notes", "sandy@bikinibottom.sea,Sandy,x", "bob@bikinibottom.sea,Bob,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    skip_notes = {"notes": None}
    store = Checkpoint(tmp_path / "import.sqlite")
    try:
        await load_module.load(store, read_contacts_csv(path, columns=skip_notes))

        names = await load_module.load(store, read_contacts_csv(path, columns=skip_notes))
        assert names == {"firstname"}
        with pytest.raises(ValueError, match="different input rows"):
            await load_module.load(store, read_contacts_csv(path, columns={"notes": "city"}))
        path.write_text("\n".join([*lines[:2], "bob@bikinibottom.sea,Robert,"]) + "\n")
        with pytest.raises(ValueError, match="different input rows"):
            await load_module.load(store, read_contacts_csv(path, columns=skip_notes))
    finally:
        store.close()


async def test_an_earlier_versions_checkpoint_or_a_damaged_duplicate_is_refused(
    tmp_path: Path,
) -> None:
    """Rows stored in another layout are never read as this one's: a checkpoint of an
    earlier version is refused on opening, a duplicate's damaged attributes when its
    contact is read back."""
    path = tmp_path / "import.sqlite"
    rows = [ContactRow(2, "sandy@bikinibottom.sea"), ContactRow(3, "SANDY@bikinibottom.sea")]
    store = Checkpoint(path)
    await load_module.load(store, rows)
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE rows SET attributes = '[1, 2' WHERE row = 3")
    store = Checkpoint(path)
    try:
        with pytest.raises(ValueError, match="contact 2 has attributes that are not a JSON"):
            store.pending(0, 10)
    finally:
        store.close()

    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'version'")
    with pytest.raises(ValueError, match="not a contact-import checkpoint of this version"):
        Checkpoint(path)
