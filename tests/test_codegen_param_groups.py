"""Named parameter groups: a set of parameters written once in `param_groups:` and taken by
several operations, which get them as if each had written them, validated for each."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_codegen import WIDGETS, write_spec

from codegen import SpecError, load_spec
from codegen.render import render

GROUPS = """
param_groups:
  finish:
    gloss: {in: body, type: bool, description: A glossy finish.}
    coats: {in: body, type: int, required: true, description: How many coats.}
operations:
  varnish:
    summary: Varnish Widget
    apis: [oauth]
    method: POST
    path: /widgets/{widget_uuid}/varnish
    param_groups: [finish]
    params:
      widget_uuid: {in: path, type: str}
      brush: {in: body, type: str}
    response: Widget
  paint:
    summary: Paint Widget
    apis: [oauth]
    method: PUT
    path: /widgets/{widget_uuid}/paint
    param_groups: [finish]
    params:
      widget_uuid: {in: path, type: str}
      color: {in: body, type: str, required: true, enum: [red, blue]}
    response: Widget
"""


def _widgets(groups: str = GROUPS) -> str:
    """The widgets resource with `paint` taking a group, and `varnish` too."""
    head, _operations, rest = WIDGETS.partition("\noperations:\n")
    paint = rest.index("  paint:\n")
    return head + groups.replace("operations:\n", "operations:\n" + rest[:paint], 1)


def test_each_operation_of_a_group_takes_its_parameters_first(tmp_path: Path) -> None:
    resource = load_spec(write_spec(tmp_path, _widgets())).resources[0]
    params = {op.name: [p.name for p in op.params] for op in resource.operations}
    assert params["varnish"] == ["widget_uuid", "gloss", "coats", "brush"]
    assert params["paint"] == ["widget_uuid", "gloss", "coats", "color"]
    (varnish,) = [op for op in resource.operations if op.name == "varnish"]
    coats = varnish.params[2]
    assert coats.required_on == {"oauth"} and coats.description == "How many coats."


def test_a_group_renders_as_if_each_operation_had_written_it(tmp_path: Path) -> None:
    (tmp_path / "grouped").mkdir()
    (tmp_path / "inline").mkdir()
    grouped = render(load_spec(write_spec(tmp_path / "grouped", _widgets())))
    inline = """
    params:
      gloss: {in: body, type: bool, description: A glossy finish.}
      coats: {in: body, type: int, required: true, description: How many coats.}"""
    written_out = _widgets().replace("    param_groups: [finish]\n    params:", inline)
    written_out = written_out.replace(GROUPS.split("operations:")[0].strip(), "")
    assert "param_groups" not in written_out
    assert render(load_spec(write_spec(tmp_path / "inline", written_out))) == grouped
    assert "coats: int," in grouped["resources/widgets.py"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("param_groups: [finish]", "param_groups: [finnish]"), "no group 'finnish'"),
        (("param_groups: [finish]", "param_groups: finish"), "expected a list of group names"),
        (("brush: {in: body", "gloss: {in: body"), "operations.varnish.params.gloss: already"),
        (("method: POST", "method: GET"), "param_groups.finish.gloss.in: GET has no body"),
        (("coats: {in: body, type: int", "coats: {in: body, type: innt"), "finish.coats.type"),
        (("  finish:\n", "  Finish:\n"), "a group name must be snake_case"),
    ],
)
def test_a_bad_group_is_rejected_naming_where(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GROUPS
    groups = GROUPS.replace(old, new, 1)
    if old.startswith("  finish"):
        groups = groups.replace("[finish]", "[Finish]")
    with pytest.raises(SpecError, match=message):
        load_spec(write_spec(tmp_path, _widgets(groups)))


def test_a_group_no_operation_takes_is_rejected(tmp_path: Path) -> None:
    unused = GROUPS.replace(
        "param_groups:\n", "param_groups:\n  spare:\n    x: {in: body, type: int}\n"
    )
    with pytest.raises(SpecError, match=r"param_groups\.spare: no operation takes this group"):
        load_spec(write_spec(tmp_path, _widgets(unused)))


def test_an_empty_group_is_rejected(tmp_path: Path) -> None:
    empty = GROUPS.replace("param_groups:\n", "param_groups:\n  spare: {}\n")
    with pytest.raises(SpecError, match=r"param_groups\.spare: a group needs at least one"):
        load_spec(write_spec(tmp_path, _widgets(empty)))
