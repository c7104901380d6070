"""Sample contact CSV files for demos, tests and benchmarks, made deterministically from a
seed instead of shipped: some rows invalid, some duplicated (in another letter case).

    sample = write_sample_csv("contacts.csv", rows=3000, seed=1)
    sample.invalid_rows      # the row numbers an import must report as failed
    sample.expected          # lower-cased e-mail -> the attributes its contact must end with
"""

from __future__ import annotations

import csv
import os
import random

import attrs

_FIRST = ("Sandy", "Bob", "Patrick", "Eugene", "Sheldon", "Pearl", "Gary", "Karen", "Larry")
_LAST = ("Cheeks", "Squarepants", "Star", "Krabs", "Plankton", "Tentacles", "Puff", "Fish")
_CITIES = ("Bikini Bottom", "Rock Bottom", "Jellyfish Fields", "Goo Lagoon", "")
_INVALID = ("", "not-an-email", "two@@signs.sea", "spaces in@bikinibottom.sea", "no-tld@sea")

COLUMNS = ("email", "firstname", "lastname", "city")


@attrs.frozen
class Sample:
    """What a sample file holds, for checking an import of it.

    Attributes:
        path: The CSV file.
        rows: Its data rows (the header not counted).
        invalid_rows: Row numbers, as a spreadsheet shows them (header = 1), of the rows
            with an invalid e-mail address.
        expected: Lower-cased e-mail address to the attributes its contact ends with
            (later rows win; blank cells change nothing).
    """

    path: str
    rows: int
    invalid_rows: frozenset[int]
    expected: dict[str, dict[str, str]]


def write_sample_csv(
    path: str | os.PathLike[str],
    *,
    rows: int,
    seed: int = 0,
    invalid: float = 0.03,
    duplicates: float = 0.05,
) -> Sample:
    """Write `rows` contacts to a CSV file: `invalid` of them with a bad e-mail address,
    `duplicates` of them repeating an earlier address in upper case with new values."""
    rng = random.Random(seed)
    invalid_rows: set[int] = set()
    expected: dict[str, dict[str, str]] = {}
    emails: list[str] = []
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for number in range(2, rows + 2):
            roll = rng.random()
            values = {
                "firstname": rng.choice(_FIRST),
                "lastname": rng.choice(_LAST),
                "city": rng.choice(_CITIES),
            }
            if roll < invalid:
                email = rng.choice(_INVALID)
                invalid_rows.add(number)
            elif roll < invalid + duplicates and emails:
                email = rng.choice(emails).upper()
            else:
                email = f"{values['firstname'].lower()}.{len(emails)}@bikinibottom.sea"
                emails.append(email)
            if number not in invalid_rows:
                merged = expected.setdefault(email.lower(), {})
                merged.update({name: value for name, value in values.items() if value})
            writer.writerow((email, values["firstname"], values["lastname"], values["city"]))
    return Sample(os.fspath(path), rows, frozenset(invalid_rows), expected)
