"""The spec's `natural_key:` on a write and `unknown_outcome:` in the error table: checked
with errors that name the key, and carried into the generated operations and classes."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_codegen import ERRORS, WIDGETS, write_spec

from codegen import SpecError, load_spec
from codegen.render import render

KEYED = (
    WIDGETS
    + """\
  find:
    summary: Find Widget
    apis: [oauth, register]
    method: GET
    path: /widgets/find
    params:
      name: {in: query, type: str, required: true}
    response: Widget
  create:
    summary: Create Widget
    apis: [oauth]
    method: POST
    path: /widgets
    params:
      name: {in: body, type: str}
      color: {in: body, type: str}
    response: Widget
    natural_key: {param: name, lookup: find, exists_code: 1003, source: names are unique}
"""
)

UNKNOWN = ERRORS.replace("errors:\n", """\
  ServerError: {status: 5xx}
unknown_outcome: {statuses: [500, 502, 504], class: OutcomeUnknownError}
errors:
""")  # fmt: skip


def test_a_natural_key_is_read_and_generated(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, KEYED))
    [create] = [op for op in spec.resources[0].operations if op.name == "create"]
    key = create.natural_key
    assert key is not None and (key.param, key.lookup, key.lookup_param) == ("name", "find", "name")
    assert key.exists_code == 1003
    module = render(spec)["resources/widgets.py"]
    assert 'natural_key=NaturalKey("name", OAUTH_FIND, "name", exists_code=1003)' in module
    assert module.index("OAUTH_FIND: ") < module.index("OAUTH_CREATE: "), "defined before use"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{param: name,", "{param: colour,"), "natural_key.param: 'colour' is not a body"),
        (("lookup: find,", "lookup: fetch,"), "natural_key.lookup: 'fetch' is not a GET"),
        (("lookup: find,", "lookup: list,"), "natural_key.lookup: 'list' is not a GET of one"),
        (("lookup: find,", "lookup: find, lookup_param: color,"), "find takes no 'color'"),
        (("exists_code: 1003", "exists_code: 4090"), "exists_code 4090 is not in"),
        (("    response: Widget\n    natural", "    response: Part\n    natural"), "find answers"),
        (("    apis: [oauth]\n    method: POST", "    apis: [oauth, register]\n    method: POST"),
         "find is not on every API"),
        (("source: names are unique}", "source: names are unique}\n    retry_safe: true"),
         "a write safe to repeat needs no natural key"),
        ((", source: names are unique", ""), "natural_key.source: missing required key"),
    ],
)  # fmt: skip
def test_a_malformed_natural_key_names_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    spec_text = KEYED
    if "every API" in message:  # the lookup on the OAuth API alone
        find = "    apis: [oauth, register]\n    method: GET\n    path: /widgets/find"
        spec_text = spec_text.replace(find, find.replace("oauth, register", "oauth"))
    assert old in spec_text
    with pytest.raises(SpecError, match=message.replace("[", r"\[")):
        load_spec(write_spec(tmp_path, spec_text.replace(old, new, 1)))


def test_unknown_outcome_classes_are_generated_for_the_statuses(tmp_path: Path) -> None:
    module = render(load_spec(write_spec(tmp_path, errors=UNKNOWN)))["error_classes.py"]
    assert "class OutcomeUnknownServerError(ServerError, OutcomeUnknownError):" in module
    assert "UNKNOWN_OUTCOME_STATUSES: frozenset[int] = frozenset((500, 502, 504))" in module
    assert "    ServerError: OutcomeUnknownServerError,\n" in module


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[500, 502, 504]", "[500, 404]"), "expected a list of 5xx statuses"),
        (("class: OutcomeUnknownError", "class: ServerError"), "outside `classes`"),
        (("ServerError: {status: 5xx}", "ServerError: {status: 502}"), "a class of its own"),
    ],
)
def test_a_malformed_unknown_outcome_is_refused(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    with pytest.raises(SpecError, match=message):
        load_spec(write_spec(tmp_path, errors=UNKNOWN.replace(old, new, 1)))
