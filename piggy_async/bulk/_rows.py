"""`ContactRow`: one input row of a contact import, and the checks it passes before any of
it is sent.

Rows are validated here, before the API sees them, so an invalid e-mail address becomes a
reported failure of its row instead of an exception that stops the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

MAX_EMAIL_LENGTH = 254
"""The longest address SMTP can deliver to (RFC 5321 with its angle brackets removed)."""

EMAIL = re.compile(
    r"[^@\s\"(),:;<>\[\\\]]+"  # the local part: no spaces, quotes or separators
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"  # domain labels
    r"[^\W\d_]{2,63}"  # a top-level domain of letters
)


@attrs.frozen
class ContactRow:
    """One contact to import.

    Attributes:
        number: The row's number in its input, as failures report it (for a CSV file, the
            row number a spreadsheet shows: the header is row 1).
        email: The e-mail address, as given.
        attributes: Contact attribute name to value (`firstname`, custom attributes, ...);
            empty values are left out, so a blank cell never erases a value.
    """

    number: int
    email: str
    attributes: Mapping[str, Any] = attrs.field(factory=dict)


PlainRow = tuple[int, str, Mapping[str, Any]]
"""A row as the loader takes it: (number, e-mail as given, attributes with a value)."""


def row_from_mapping(number: int, values: Mapping[str, Any]) -> ContactRow:
    """A `ContactRow` from `{"email": ..., "<attribute>": ...}`: every other key is an
    attribute."""
    email = values.get("email")
    attributes = {key: value for key, value in values.items() if key != "email"}
    return ContactRow(number, "" if email is None else str(email), attributes)


def email_key(email: str) -> str:
    """The form two addresses are compared in: the API matches e-mails case-insensitively."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why an address (without surrounding spaces) cannot be imported, or None."""
    if not email:
        return "no e-mail address"
    if len(email) > MAX_EMAIL_LENGTH:
        return f"the e-mail address is longer than {MAX_EMAIL_LENGTH} characters"
    if not EMAIL.fullmatch(email):
        return "not a valid e-mail address"
    return None


def names_problem(names: Iterable[Any]) -> str | None:
    """Why a row's attribute names cannot be sent (one without a name), or None."""
    for name in names:
        if not isinstance(name, str) or not name.strip():
            return "an attribute without a name"
    return None


def present(attributes: Mapping[str, Any]) -> Mapping[str, Any]:
    """The attributes that carry a value: None and blank strings are left out (the mapping
    itself when all do, as rows read from a CSV file do)."""
    for value in attributes.values():
        if value is None or (isinstance(value, str) and not value.strip()):
            break
    else:
        return attributes
    return {
        name: value
        for name, value in attributes.items()
        if value is not None and not (isinstance(value, str) and not value.strip())
    }


def named_cells(columns: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    """The cells of a CSV row that carry a value, by the attribute their column fills (a
    blank cell never erases a value)."""
    return {name: cell for name, cell in zip(columns, cells, strict=True) if cell.strip()}
