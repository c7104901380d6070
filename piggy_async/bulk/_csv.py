"""CSV in and out: contact rows from a CSV file, failed rows to one.

    for row in read_contacts_csv("contacts.csv", columns={"First name": "firstname"}):
        ...

The file's encoding and delimiter are detected (`_csv_format`) unless stated.
"""

from __future__ import annotations

import csv
import itertools
import operator
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Final

import attrs

from ._cells import neutralised
from ._csv_format import CsvFormat, csv_format, open_csv
from ._rows import ContactRow, named_cells
from ._types import RowFailure

RECORDS_BATCH: Final = 2048
"""Records read at a time."""


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
    at = tuple(i for i, target in enumerate(targets) if target and i != email_at)
    layout = CsvLayout(email_at, at, tuple(str(targets[i]) for i in at))
    return CsvRows(_records(path, found), layout)


@attrs.frozen
class CsvLayout:
    """Where a row's values are: the e-mail's cell, and the cells of each attribute.

    Attributes:
        email_at: The e-mail column's index.
        at: The attribute columns' indexes, in file order.
        columns: The attribute each of them fills.
    """

    email_at: int
    at: tuple[int, ...]
    columns: tuple[str, ...]

    def fields(self, values: list[str]) -> tuple[str, tuple[str, ...]]:
        """A record's e-mail address and attribute cells as read (blank ones included; a
        short record's missing cells blank)."""
        width = max((self.email_at, *self.at)) + 1
        if len(values) < width:
            values = values + [""] * (width - len(values))
        return values[self.email_at], tuple(values[i] for i in self.at)

    def cells_getter(self) -> Callable[[list[str]], tuple[str, ...]]:
        """A fast function from a record to its attribute cells (IndexError when short)."""
        if len(self.at) > 1:
            return operator.itemgetter(*self.at)
        if self.at:
            only = self.at[0]
            return lambda values: (values[only],)
        return lambda values: ()


Records = tuple[int, list[list[str]]]
"""A batch of a file's records as `csv` reads them: (the first one's row number, records)."""


class CsvRows(Iterator[ContactRow]):
    """The rows of a CSV file, read lazily: what `read_contacts_csv` returns.

    Attributes:
        layout: Which cells are the e-mail address and the attributes.
        names: The attribute names its columns fill.
    """

    def __init__(self, batches: Generator[Records, None, None], layout: CsvLayout) -> None:
        self._batches = batches
        self._rest: Iterator[tuple[int, list[str]]] = iter(())
        self.layout = layout
        self.names = frozenset(layout.columns)

    def __next__(self) -> ContactRow:
        while True:
            for number, values in self._rest:
                email, cells = self.layout.fields(values)
                attributes = named_cells(self.layout.columns, cells)
                if attributes or email.strip():  # a blank line is not a row
                    return ContactRow(number, email, attributes)
            first, records = next(self._batches)
            self._rest = enumerate(records, start=first)

    def records(self) -> Iterator[Records]:
        """The records not read yet, as `csv` reads them, a batch at a time (blank ones
        included), for a load that makes no object per row."""
        rest = list(self._rest)
        if rest:
            yield rest[0][0], [values for _, values in rest]
        yield from self._batches

    def close(self) -> None:
        """Close the file before the last row was read."""
        self._batches.close()


def _records(path: str | os.PathLike[str], found: CsvFormat) -> Generator[Records, None, None]:
    with open_csv(path, found.encoding, found.delimiter) as reader:
        next(reader, None)  # the header
        number = 2
        while batch := list(itertools.islice(reader, RECORDS_BATCH)):
            yield number, batch
            number += len(batch)


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
