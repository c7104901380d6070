"""Rows read back from a checkpoint, checked field by field: a file edited by hand (or
damaged) is reported by name, contact and field, never acted on or left to fail later."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._rows import named_cells


class CheckpointError(ValueError):
    """The checkpoint holds a value no run could have written."""


def pending_fields(
    path: str | None, columns: Sequence[str] | None, id: Any, email: Any, stored: list[Any]
) -> tuple[int, str, dict[str, Any]]:
    """One unfinished contact's fields, checked (the query picked its status); its
    attributes with a value, merged from its rows' (`stored`, in input order, later rows
    winning), each a JSON object or an array of the cells of `columns`.

    Raises:
        CheckpointError: A field of the wrong type or out of range.
    """

    def damaged(field: str, value: Any) -> CheckpointError:
        return CheckpointError(
            f"the checkpoint {path!r} is damaged: contact {id!r} has {field} {value!r}"
            " (move it away and run again to start over)"
        )

    if type(id) is not int or id < 1:
        raise damaged("the id", id)
    if not isinstance(email, str) or not email.strip():
        raise damaged("the e-mail address", email)
    merged: dict[str, Any] = {}
    for attributes in stored:
        try:
            values = json.loads(attributes) if isinstance(attributes, str) else None
        except ValueError:
            values = None
        named = stored_attributes(values, columns)
        if named is None:
            shape = "a JSON object" + (f" or an array of {len(columns)} cells" if columns else "")
            raise damaged(f"attributes that are not {shape}:", attributes)
        merged.update(named)
    return id, email, merged


def stored_attributes(values: object, columns: Sequence[str] | None) -> dict[str, Any] | None:
    """The attributes with a value that a stored row's decoded JSON holds (None if it
    cannot be a stored row's): blank cells are left out, so they never erase a value."""
    if isinstance(values, dict):
        return values
    if (
        columns is None
        or not isinstance(values, list)
        or len(values) != len(columns)
        or not all(isinstance(cell, str) for cell in values)
    ):
        return None
    return named_cells(columns, values)
