"""`contacts.create_batch`: a bulk import, validated whole before anything is stored.

Each entry is `{"email": ..., "custom_attributes": [{"name": ..., "value": ...}],
"subscription_types": [{"uuid": ..., "enroll": true}]}`. A bad entry fails the whole batch
with 1003 and Laravel's dotted keys (`contacts.2.email`); otherwise new emails become
contacts and known ones get the attribute values, as an import does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._call import Call
from .._replies import Reply, invalid_input
from .._state import State
from ._shared import announce_created, announce_updated, channel_of, is_email


def create_batch(state: State, call: Call) -> Reply:
    entries: list[Mapping[str, Any]] = call.args["contacts"]
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        for key, message in _problems(entry):
            errors.setdefault(f"contacts.{index}.{key}", []).append(message)
        email = entry.get("email")
        if isinstance(email, str):
            if email.lower() in seen:
                errors.setdefault(f"contacts.{index}.email", []).append(
                    f"The contacts.{index}.email field has a duplicate value."
                )
            seen.add(email.lower())
    if errors:
        raise invalid_input(errors)
    for entry in entries:
        _import(state, call, entry)
    return Reply([])


def _problems(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key under the entry, message) for everything wrong with one entry (the validator
    has made sure it is an object)."""
    problems: list[tuple[str, str]] = []
    email = entry.get("email")
    if not isinstance(email, str) or not email:
        problems.append(("email", "The email field is required."))
    elif not is_email(email):
        problems.append(("email", "The email field must be a valid email address."))
    for field, keys in (("custom_attributes", ("name",)), ("subscription_types", ("uuid",))):
        items = entry.get(field, [])
        if not isinstance(items, list):
            problems.append((field, f"The {field.replace('_', ' ')} field must be an array."))
            continue
        for position, item in enumerate(items):
            if not isinstance(item, Mapping) or not all(
                isinstance(item.get(key), str) and item[key] for key in keys
            ):
                problems.append(
                    (f"{field}.{position}", f"Each entry needs a non-empty {' and '.join(keys)}.")
                )
    return problems


def _import(state: State, call: Call, entry: Mapping[str, Any]) -> None:
    values = {item["name"]: item.get("value") for item in entry.get("custom_attributes", [])}
    contact = state.contact_by_email(entry["email"])
    if contact is None:
        contact = state.add_contact(entry["email"], channel=channel_of(call))
        contact.attributes.update(values)
        announce_created(state, contact)
    elif values:
        contact.attributes.update(values)
        contact.updated_at = state.now()
        announce_updated(state, contact, values)
