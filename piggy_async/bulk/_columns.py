"""Columns mapped on purpose: a CSV file's headers matched to the account's contact
attributes, so a `Firstname` column fills `firstname` and a `Notes` column is never sent as
an attribute nobody asked for.

    attributes = await contact_attributes(piggy)         # one request
    mapping = map_columns(csv_format(path).header, attributes)
    mapping.check()                                      # refuses unmatched columns
    rows = read_contacts_csv(path, columns=mapping.targets)

A header matches an attribute whose name or label is the same ignoring case, spaces, `-`
and `_` (`First name`, `Firstname`, `FIRST_NAME` → `firstname`); `columns` maps a header
on purpose (to None: leave it out). Attributes the API keeps itself (read-only ones such
as `created_at`) are never filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from .._clients import OAuthClient, RegisterClient

EMAIL: Final = "email"

SYSTEM_ATTRIBUTES: Final = (
    "firstname",
    "lastname",
    "birthdate",
    "phonenumber",
    "address",
    "housenumber",
    "postalcode",
    "city",
    "locale",
    "avatar",
)
"""The documented contact attributes every account has that an update may set."""
_IGNORED = re.compile(r"[\s_-]+")


def normalized(name: str) -> str:
    """The form a header and an attribute name are compared in."""
    return _IGNORED.sub("", name).casefold()


class UnknownColumnsError(ValueError):
    """Columns that match no contact attribute of the account; nothing was sent."""

    def __init__(self, columns: Sequence[str]) -> None:
        names = ", ".join(repr(column) for column in columns)
        super().__init__(
            f"column{'s' if len(columns) > 1 else ''} {names} match"
            f"{'' if len(columns) > 1 else 'es'} no contact attribute of the account: map"
            " each with --column NAME=ATTRIBUTE, or leave them out with --skip-unknown-columns"
        )
        self.columns = tuple(columns)


@attrs.frozen
class ContactAttributes:
    """The contact attributes an account has, as `contact_attributes.list` tells.

    Attributes:
        writable: Name to label of the attributes an update may set.
        read_only: Names of those the API keeps itself.
    """

    writable: Mapping[str, str]
    read_only: frozenset[str] = frozenset()

    def unknown(self, names: Iterable[str]) -> list[str]:
        """Of `names`, those that are not attributes an update may set, sorted."""
        return sorted(name for name in names if name not in self.writable)


DOCUMENTED_ATTRIBUTES: Final = ContactAttributes({name: name for name in SYSTEM_ATTRIBUTES})
"""What every account has, for mapping columns without asking an account (custom attributes
then count as unknown)."""


async def contact_attributes(client: OAuthClient | RegisterClient) -> ContactAttributes:
    """The account's contact attributes (one `contact_attributes.list` request)."""
    listed = await client.contact_attributes.list()
    writable: dict[str, str] = {}
    read_only: set[str] = set()
    for attribute in listed:
        if attribute.is_hard_read_only is True or attribute.name == EMAIL:
            read_only.add(attribute.name)
        else:
            label = attribute.label
            writable[attribute.name] = label if isinstance(label, str) else attribute.name
    return ContactAttributes(writable, frozenset(read_only))


@attrs.frozen
class ColumnMap:
    """Each header and what it fills.

    Attributes:
        targets: Header to the attribute it fills (`email` for the address column), or
            None for a column left out; pass it to `read_contacts_csv(columns=...)`.
        how: Header to how it was matched: `name`, `label`, `given` (by `columns`),
            `read-only`, `unknown` or `skipped` (the last three fill nothing).
    """

    targets: Mapping[str, str | None]
    how: Mapping[str, str]

    @property
    def unmatched(self) -> tuple[str, ...]:
        """The columns that match no attribute an update may set (read-only included)."""
        return tuple(header for header, how in self.how.items() if how in ("unknown", "read-only"))

    def check(self) -> None:
        """Raises `UnknownColumnsError` if any column is unmatched."""
        if self.unmatched:
            raise UnknownColumnsError(self.unmatched)

    def lines(self) -> list[str]:
        """The mapping for a person, one line per column."""
        notes = {
            "name": "",
            "label": " (by its label)",
            "given": " (as given)",
            "read-only": "  READ-ONLY: the API sets it",
            "unknown": "  NO SUCH ATTRIBUTE",
            "skipped": " (no such attribute)",
        }
        return [
            f"{header!r} -> {target or '(left out)'}{notes[self.how[header]]}"
            for header, target in self.targets.items()
        ]


def map_columns(
    header: Sequence[str],
    attributes: ContactAttributes,
    *,
    columns: Mapping[str, str | None] | None = None,
    email_column: str = EMAIL,
    skip_unknown: bool = False,
) -> ColumnMap:
    """Match each header to a contact attribute of the account (see the module's doc).

    With `skip_unknown`, unmatched columns are left out instead of kept as `unknown`.

    Raises:
        ValueError: `columns` names a header the file lacks or an attribute the account
            lacks, or two columns fill the same attribute.
    """
    given = dict(columns or {})
    for name in given.keys() - set(header):
        raise ValueError(f"--column {name}=...: the file has no column {name!r} (it has {header})")
    by_name = {normalized(name): name for name in attributes.writable}
    by_label = {normalized(label): name for name, label in attributes.writable.items()}
    read_only = {normalized(name) for name in attributes.read_only}
    targets: dict[str, str | None] = {}
    how: dict[str, str] = {}
    for column in header:
        key = normalized(column)
        if column in given:
            target, kind = given[column] or None, "given"
            if target is not None and target != EMAIL and target not in attributes.writable:
                raise ValueError(f"--column {column}={target}: no such attribute {target!r}")
        elif key == normalized(email_column):
            target, kind = EMAIL, "name"
        elif key in by_name or key in by_label:
            target, kind = (by_name[key], "name") if key in by_name else (by_label[key], "label")
        else:
            target, kind = None, "read-only" if key in read_only else "unknown"
            kind = "skipped" if skip_unknown else kind
        targets[column], how[column] = target, kind
    _check_distinct(targets)
    return ColumnMap(targets, how)


def _check_distinct(targets: Mapping[str, str | None]) -> None:
    filled: dict[str, str] = {}
    for column, target in targets.items():
        if target is None:
            continue
        if target in filled:
            raise ValueError(
                f"columns {filled[target]!r} and {column!r} both fill {target!r}: leave one out"
                f" with --column {column}="
            )
        filled[target] = column
