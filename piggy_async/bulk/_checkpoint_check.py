"""Rows read back from a checkpoint, checked field by field: a file edited by hand (or
damaged) is reported by name, contact and field, never acted on or left to fail later."""

from __future__ import annotations

import json
from typing import Any


class CheckpointError(ValueError):
    """The checkpoint holds a value no run could have written."""


def pending_fields(
    path: str | None, id: Any, email: Any, attributes: Any
) -> tuple[int, str, dict[str, Any]]:
    """One unfinished contact's fields, checked (the query picked its status).

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
    try:
        values = json.loads(attributes) if isinstance(attributes, str) else None
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise damaged("attributes that are not a JSON object:", attributes)
    return id, email, values
