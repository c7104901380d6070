"""`ApiDatetime`: a `datetime` that remembers the text the API sent it as.

The API writes timestamps in several forms (`2023-11-06T14:39:24.000000Z`,
`2021-10-20T18:06:09+00:00`, bare dates such as `2025-01-01`). Users get `datetime` values,
and `to_dict()` must write back exactly what was received: `isoformat()` would turn the first
into `2023-11-06T14:39:24+00:00` and give the date a time. A decoded timestamp is therefore
an `ApiDatetime` carrying its wire text. Any value made from it (arithmetic, `replace()`,
`astimezone()`, a copy) is a new object that does not carry the text and is written with
`isoformat()`, so a changed value is never written as the old text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class ApiDatetime(datetime):
    """A datetime decoded from the API; `wire` is the text it was decoded from."""

    __slots__ = ("wire",)
    wire: str

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Copies and pickles keep the text: they stand for the same received value.
        try:
            return parse_datetime, (self.wire, "a copied timestamp")
        except AttributeError:
            return super().__reduce_ex__(protocol)


def parse_datetime(value: Any, where: str) -> datetime:
    """An ISO 8601 string as an `ApiDatetime` that remembers it."""
    if value.__class__ is not str and not isinstance(value, str):
        if isinstance(value, datetime):  # from_dict() on data that already holds datetimes
            return value
        raise TypeError(f"{where}: expected an ISO 8601 string, got {type(value).__name__}")
    parsed = ApiDatetime.fromisoformat(value)
    parsed.wire = value
    return parsed


def dump_datetime(value: datetime) -> str:
    """The text the API sent for an unchanged timestamp, else ISO 8601."""
    if type(value) is ApiDatetime:
        try:
            return value.wire
        except AttributeError:  # made by arithmetic or replace() on a decoded value
            pass
    return value.isoformat()
