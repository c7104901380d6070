"""The spec format's webhook `events:` section, `spread` and `secret` parameters: validated
with clear errors, and rendered so the generated code behaves."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_codegen import WIDGETS, write_spec

from codegen import SpecError, load_spec
from codegen.render import render

EVENTS = """
description: Deliveries.
models:
  WidgetData:
    description: The data of a widget event.
    fields:
      widget: {type: Widget}
events:
  widget_painted: {data: WidgetData, description: A widget was painted.}
"""

SPREAD = "      color: {in: body, type: str, required: true, enum: [red, blue]}\n"


def _with_events(tmp_path: Path, events: str = EVENTS) -> Path:
    spec = write_spec(tmp_path)
    (spec / "webhooks.yaml").write_text(events)
    return spec


def test_events_become_models_and_a_union_with_an_unknown_default(tmp_path: Path) -> None:
    spec = load_spec(_with_events(tmp_path))
    assert [(e.type, e.model) for e in spec.events] == [("widget_painted", "WidgetPaintedEvent")]
    painted = spec.models["WidgetPaintedEvent"]
    assert [(f.key, str(f.type), f.required) for f in painted.fields] == [
        ("type", "str", True),
        ("data", "WidgetData", False),
    ]
    union = spec.models["WebhookEvent"].union
    assert union is not None
    assert union.variants == {"widget_painted": "WidgetPaintedEvent"}
    assert union.default == "UnknownWebhookEvent"
    assert not any(r.name == "webhooks" for r in spec.resources)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("widget_painted:", "WidgetPainted:"), "events.WidgetPainted: an event type"),
        (("{data: WidgetData, ", "{data: Gadget, "), "unknown model 'Gadget'"),
        (("  WidgetData:", "  WidgetPaintedEvent:"), "models.WidgetPaintedEvent: the name of"),
        ((", description: A widget was painted.}", "}"), "events.widget_painted.description"),
        (("events:\n", "evnts:\n"), "evnts: unknown key"),
    ],
)
def test_a_malformed_events_section_names_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in EVENTS
    events = EVENTS.replace(old, new, 1)
    if old.startswith("  WidgetData"):
        events = events.replace("data: WidgetData", "data: WidgetPaintedEvent")
    with pytest.raises(SpecError, match=message):
        load_spec(_with_events(tmp_path, events))


def test_a_spread_parameter_is_loaded(tmp_path: Path) -> None:
    extra = SPREAD + "      attributes: {in: body, type: 'map[any]', spread: true}\n"
    spec = load_spec(write_spec(tmp_path, WIDGETS.replace(SPREAD, extra)))
    (paint,) = [op for op in spec.resources[0].operations if op.name == "paint"]
    assert [p.name for p in paint.params if p.spread] == ["attributes"]


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("attributes: {in: body, type: str, spread: true}", "is a map"),
        ("attributes: {in: body, type: object, spread: true, required: true}", "only an optional"),
        ("attributes: {in: path, type: object, spread: true}", "only an optional body"),
        ("attributes: {in: body, type: object, spread: yes please}", "expected true or false"),
        (
            "attributes: {in: body, type: object, spread: true}\n"
            "      more: {in: body, type: object, spread: true}",
            "'attributes' is already spread",
        ),
    ],
)
def test_a_bad_spread_parameter_is_rejected(tmp_path: Path, param: str, message: str) -> None:
    widgets = WIDGETS.replace(SPREAD, SPREAD + f"      {param}\n")
    with pytest.raises(SpecError, match=message):
        load_spec(write_spec(tmp_path, widgets))


SECRET_PATH = "      widget_uuid: {in: path, type: str}\n"


def _with_secret(tmp_path: Path, old: str, new: str) -> Path:
    assert old in WIDGETS
    return write_spec(tmp_path, WIDGETS.replace(old, new))


def test_a_secret_path_parameter_is_rendered_secret(tmp_path: Path) -> None:
    secret = "      widget_uuid: {in: path, type: str, secret: true}\n"
    files = render(load_spec(_with_secret(tmp_path, SECRET_PATH, secret)))
    widgets = files["resources/widgets.py"]
    assert 'Param("widget_uuid", "path", "str", required=True, secret=True)' in widgets
    assert widgets.count("secret=True") == 3  # get on both APIs, paint on oauth: nothing else


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (SECRET_PATH, "      widget_uuid: {in: path, type: str, secret: yes please}\n", "true or"),
        (SPREAD, SPREAD + "      code: {in: body, type: str, secret: true}\n", "only a path"),
    ],
)
def test_a_bad_secret_parameter_is_rejected(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(SpecError, match=rf"\.secret: .*{message}"):
        load_spec(_with_secret(tmp_path, old, new))
