"""Render `_generated/events.py`: the webhook event types and the model each becomes."""

from __future__ import annotations

from ..spec import Spec
from .python import HEADER


def render_events(spec: Spec) -> dict[str, str]:
    """The events module, by path relative to `piggy_async/_generated/`."""
    names = sorted({event.model for event in spec.events})
    out = [
        HEADER,
        '"""`EVENT_TYPES`: every documented webhook event type and its model."""\n\n',
        "from __future__ import annotations\n\n",
        "from piggy_async._model import Model\n\n",
    ]
    if names:
        out.append(f"from .models.webhooks import {', '.join(names)}\n\n")
    out.append("EVENT_TYPES: dict[str, type[Model]] = {\n")
    out.extend(f'    "{event.type}": {event.model},\n' for event in spec.events)
    out.append("}\n")
    out.append('"""Event type → the model `parse_event` builds for it, in spec order."""\n')
    return {"events.py": "".join(out)}
