"""The spec's `also_as` parameters (one value sent under two keys) and resource `helpers`
(local functions listed in the API reference): validated, then rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_codegen import WIDGETS, write_spec

from codegen import SpecError, load_spec
from codegen.render import render
from codegen.render.docs import render_docs

LIMIT = "      limit: {in: query, type: int}\n"


def _widgets(old: str, new: str) -> str:
    assert old in WIDGETS
    return WIDGETS.replace(old, new)


def test_an_also_as_value_is_sent_under_both_keys(tmp_path: Path) -> None:
    aliased = "      limit: {in: query, type: int, also_as: perPage}\n"
    files = render(load_spec(write_spec(tmp_path, _widgets(LIMIT, aliased))))
    assert (
        '{"page": page, "limit": limit, "created_at[gte]": created_at_gte, "perPage": limit}'
        in (files["resources/widgets.py"])
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("      limit: {in: query, type: int, also_as: page}\n", "names another parameter"),
        ("      limit: {in: query, type: int, also_as: 3}\n", "expected a parameter name"),
        ("      limit: {in: query, type: int, also_as: ''}\n", "expected a parameter name"),
    ],
)
def test_a_bad_also_as_is_rejected(tmp_path: Path, new: str, message: str) -> None:
    with pytest.raises(SpecError, match=rf"\.also_as: {message}"):
        load_spec(write_spec(tmp_path, _widgets(LIMIT, new)))


def test_a_path_parameter_cannot_be_sent_twice(tmp_path: Path) -> None:
    old = "      widget_uuid: {in: path, type: str}\n    response: Widget\n"
    new = "      widget_uuid: {in: path, type: str, also_as: id}\n    response: Widget\n"
    with pytest.raises(SpecError, match="only a query or body value"):
        load_spec(write_spec(tmp_path, _widgets(old, new)))


HELPERS = "description: Widgets of a test API.\n"


def test_helpers_are_listed_in_their_resource_section(tmp_path: Path) -> None:
    helpers = HELPERS + "helpers:\n  piggy_async.paint_offline: Paint without a call.\n"
    docs = render_docs(load_spec(write_spec(tmp_path, _widgets(HELPERS, helpers))))
    section = docs[docs.index("## Widgets") :]
    assert "- `piggy_async.paint_offline`: Paint without a call.\n" in section
    assert section.index("paint_offline") < section.index("### `widgets.list`")


@pytest.mark.parametrize(
    "helpers", ["helpers:\n  os.path.join: Join.\n", "helpers: [piggy_async.x]\n"]
)
def test_a_helper_outside_the_package_is_rejected(tmp_path: Path, helpers: str) -> None:
    with pytest.raises(SpecError, match="helpers"):
        load_spec(write_spec(tmp_path, _widgets(HELPERS, HELPERS + helpers)))
