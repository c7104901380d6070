"""CSV in and out: contact rows from a CSV file, failed rows to one.

    for row in read_contacts_csv("contacts.csv", columns={"First name": "firstname"}):
        ...

The file's encoding and delimiter are detected (`_csv_format`) unless stated.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from typing import Final

from ._cells import neutralised
from ._csv_format import CsvFormat, csv_format, open_csv
from ._rows import ContactRow, PlainRow
from ._types import RowFailure

PLAIN_BATCH: Final = 2048
"""Rows read at a time."""


def read_contacts_csv(
    path: str | os.PathLike[str],
    *,
    email_column: str = "email",
    columns: Mapping[str, str | None] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CsvRows:
    """Contact rows from a CSV file with a header line, read lazily (any file size).

    Each header names a contact attribute (`firstname`, `lastname`, a custom attribute);
    `columns` renames headers to attributes, and maps a header to None to leave that column
    out (`map_columns` makes such a mapping from the account's attributes). The e-mail
    column is the one named (or renamed to) `email_column`, ignoring case. Blank cells are
    left out, so they never erase a value the contact has; blank lines are skipped. Row
    numbers are the ones a spreadsheet shows (the header is row 1).

    `encoding` and `delimiter` are detected when not given: a byte-order mark, else UTF-8
    if the whole file is UTF-8, else cp1252; the delimiter (`,` `;` tab `|`) from the
    header line. Quoted cells may hold newlines and be up to 16 MiB.

    Raises:
        ValueError: The file has no header line or no e-mail column, a byte does not
            decode in the encoding (naming its row and column), or a row is malformed.
    """
    found = csv_format(path, encoding=encoding, delimiter=delimiter)
    renames = dict(columns or {})
    targets = [renames.get(name, name) for name in found.header]
    wanted = email_column.lower()
    email_at = next(
        (i for i, target in enumerate(targets) if target is not None and target.lower() == wanted),
        None,
    )
    if email_at is None:
        raise ValueError(
            f"{os.fspath(path)!r} has no {email_column!r} column (columns: {list(found.header)})"
        )
    cells = [(i, target) for i, target in enumerate(targets) if target and i != email_at]
    names = frozenset(target for _, target in cells)
    return CsvRows(_plain_batches(path, found, email_at, cells), names)


class CsvRows(Iterator[ContactRow]):
    """The rows of a CSV file, read lazily: what `read_contacts_csv` returns.

    Attributes:
        names: The attribute names its columns fill.
    """

    def __init__(
        self, batches: Generator[list[PlainRow], None, None], names: frozenset[str]
    ) -> None:
        self._batches = batches
        self._rows: Iterator[PlainRow] = iter(())
        self.names = names

    def __next__(self) -> ContactRow:
        for number, email, attributes in self._rows:
            return ContactRow(number, email, attributes)
        self._rows = iter(next(self._batches))
        return next(self)

    def plain(self) -> Iterator[list[PlainRow]]:
        """The rows not made into `ContactRow`s, a batch at a time, for a faster load
        (from the same place in the file)."""
        rest = list(self._rows)
        if rest:
            yield rest
        yield from self._batches

    def close(self) -> None:
        """Close the file before the last row was read."""
        self._batches.close()


def _plain_batches(
    path: str | os.PathLike[str], found: CsvFormat, email_at: int, cells: list[tuple[int, str]]
) -> Generator[list[PlainRow], None, None]:
    batch: list[PlainRow] = []
    with open_csv(path, found.encoding, found.delimiter) as reader:
        next(reader, None)  # the header
        for number, values in enumerate(reader, start=2):
            width = len(values)
            email = values[email_at] if email_at < width else ""
            attributes = {t: values[i] for i, t in cells if i < width and values[i].strip()}
            if attributes or email.strip():  # a blank line is not a row
                batch.append((number, email, attributes))
                if len(batch) == PLAIN_BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


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
