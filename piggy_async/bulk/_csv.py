"""CSV in and out: contact rows from a CSV file, failed rows to one.

for row in read_contacts_csv("contacts.csv", columns={"First name": "firstname"}):
    ...
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Mapping

from ._cells import neutralised
from ._rows import ContactRow, present
from ._types import RowFailure


def read_contacts_csv(
    path: str | os.PathLike[str],
    *,
    email_column: str = "email",
    columns: Mapping[str, str | None] | None = None,
    encoding: str = "utf-8-sig",
) -> Iterator[ContactRow]:
    """Contact rows from a CSV file with a header line, read lazily (any file size).

    Each header names a contact attribute (`firstname`, `lastname`, a custom attribute);
    `columns` renames headers to attributes, and maps a header to None to leave that column
    out. The e-mail column is the one named (or renamed to) `email_column`, ignoring case.
    Blank cells are left out, so they never erase a value the contact has.

    Raises:
        ValueError: The file has no header line or no e-mail column.
    """
    renames = dict(columns or {})
    with open(path, newline="", encoding=encoding) as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{os.fspath(path)!r} is empty: expected a header line")
        names = [name.strip() for name in header]
        targets = [renames.get(name, name) for name in names]
        email_at = next(
            (
                i
                for i, target in enumerate(targets)
                if target is not None and target.lower() == email_column.lower()
            ),
            None,
        )
        if email_at is None:
            raise ValueError(
                f"{os.fspath(path)!r} has no {email_column!r} column (columns: {names})"
            )
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line is not a row
            email = cells[email_at] if email_at < len(cells) else ""
            attributes = {
                target: cell
                for i, (target, cell) in enumerate(zip(targets, cells, strict=False))
                if target is not None and i != email_at
            }
            yield ContactRow(number, email, present(attributes))


FAILURE_COLUMNS = ("row", "email", "reason")


def write_failures(path: str | os.PathLike[str], failures: Iterable[RowFailure]) -> int:
    """Write the failed rows as CSV (`row,email,reason`), replacing the file; returns how
    many rows were written. Cells a spreadsheet would run as formulas are neutralised
    (`_cells.py`)."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(FAILURE_COLUMNS)
        for failure in failures:
            writer.writerow((failure.row, neutralised(failure.email), neutralised(failure.reason)))
            count += 1
    return count
