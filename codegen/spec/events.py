"""The `events:` section of `spec/webhooks.yaml`: webhook event types and their payloads.

Each event type becomes a model like any other, `<EventType>Event` with the `type` and the
`data` the spec names, and all of them one tagged union, `WebhookEvent`, chosen by `type`.
An event type the spec does not know decodes as `UnknownWebhookEvent`, so a new event the
API starts sending is kept instead of failing.
"""

from __future__ import annotations

from typing import Any

from .objects import Event
from .reader import IDENTIFIER, Reader

UNION = "WebhookEvent"
UNKNOWN = "UnknownWebhookEvent"


def event_model_name(event_type: str) -> str:
    """`contact_created` → `ContactCreatedEvent`."""
    return "".join(part.capitalize() for part in event_type.split("_")) + "Event"


def load_events(
    reader: Reader, events: Any, models: Any
) -> tuple[list[Event], dict[str, dict[str, Any]]]:
    """The events, and the models they add, in the spec's model format (validated later
    with every other model)."""
    table = reader.mapping(events, "events", allowed=events if isinstance(events, dict) else ())
    if not table:
        raise reader.error("events", "expected at least one event type")
    taken = set(models) if isinstance(models, dict) else set()
    result: list[Event] = []
    added: dict[str, dict[str, Any]] = {}
    for event_type, body in table.items():
        key = f"events.{event_type}"
        if not isinstance(event_type, str) or not IDENTIFIER.match(event_type):
            raise reader.error(key, "an event type must be snake_case")
        data = reader.mapping(
            body, key, allowed=("data", "description"), required=("data", "description")
        )
        name = event_model_name(event_type)
        description = reader.text(data["description"], f"{key}.description")
        data_type = reader.type(data["data"], f"{key}.data")
        result.append(Event(event_type, name, description, data_type))
        added[name] = _event_model(f"`{event_type}`: {description}", data["data"], known=True)
    added[UNKNOWN] = _event_model(
        "An event of a type this SDK does not know yet: `type` names it, `data` is the JSON.",
        "any",
        known=False,
    )
    added[UNION] = {
        "description": "Any webhook event, chosen by its `type`.",
        "union": {
            "discriminator": "type",
            "variants": {event.type: event.model for event in result},
            "default": UNKNOWN,
        },
    }
    for name in added:
        if name in taken:
            raise reader.error(f"models.{name}", "the name of a generated event model")
    return result, added


def _event_model(description: str, data_type: str, *, known: bool) -> dict[str, Any]:
    """A known event always has its `type`: the union chose the model by it."""
    return {
        "description": description,
        "fields": {
            "type": {"type": "str", "required": known, "description": "The event type."},
            "data": {"type": data_type, "description": "What the event is about."},
        },
    }
