"""The mutation tool (`make mutation`): each operator makes the mutants it promises, one at a
time, leaves docstrings and annotations alone, and its default targets exist."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from tools.mutation.__main__ import ROOT, configured, targets
from tools.mutation.mutants import SCORED, mutants, mutate

SOURCE = textwrap.dedent(
    '''
    """A module docstring."""
    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        LIMIT = 1

    __all__ = ["check"]


    def check(value: int = 3) -> bool:
        """A docstring."""
        if value < 0 and not value == -1:
            raise ValueError("negative")
        return value in (1, 2)
    '''
)


def _mutated(index: int) -> str:
    return ast.unparse(mutate(SOURCE, index))


def test_every_operator_yields_its_mutants_in_order() -> None:
    assert [(m.kind, m.description) for m in mutants(SOURCE)] == [
        ("boolean", "And → Or"),
        ("comparison", "Lt → GtE"),
        ("constant", "0 → 1"),
        ("boolean", "not dropped"),
        ("comparison", "Eq → NotEq"),
        ("constant", "1 → 2"),  # -1 is -(1)
        ("raise", "raise removed"),
        ("message", "'negative' → 'XXnegativeXX'"),
        ("return", "returns None"),
        ("comparison", "In → NotIn"),
        ("constant", "1 → 2"),
        ("constant", "2 → 3"),
    ]


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, "if value < 0 or not value == -1:"),
        (1, "if value >= 0 and (not value == -1):"),
        (3, "if value < 0 and value == -1:"),
        (6, "        pass"),
        (8, "    return None"),
        (9, "return value not in (1, 2)"),
    ],
)
def test_a_mutant_changes_exactly_one_place(index: int, expected: str) -> None:
    mutated = _mutated(index)
    assert expected in mutated
    original = ast.unparse(ast.parse(SOURCE)).splitlines()
    changed = [a for a, b in zip(original, mutated.splitlines(), strict=True) if a != b]
    assert len(changed) == 1


def test_docstrings_annotations_and_declarations_stay() -> None:
    for index in range(len(mutants(SOURCE))):
        mutated = _mutated(index)
        assert '"""A docstring."""' in mutated or "'A docstring.'" in mutated
        assert "def check(value: int=3) -> bool:" in mutated
        assert "__all__ = ['check']" in mutated and "LIMIT = 1" in mutated


def test_only_error_message_text_is_left_out_of_the_score() -> None:
    assert "message" not in SCORED
    assert {m.kind for m in mutants(SOURCE)} - set(SCORED) == {"message"}


def test_an_index_past_the_last_mutant_is_refused() -> None:
    with pytest.raises(IndexError, match="12 mutants"):
        mutate(SOURCE, 12)


def test_the_default_targets_exist_with_their_tests() -> None:
    defaults = configured()
    assert {"piggy_async/loyalty_urls.py", "piggy_async/webhooks.py"} <= set(defaults)
    for module, tests in defaults.items():
        assert (ROOT / module).is_file(), f"{module} moved: update tools/mutation/targets.toml"
        assert tests and all((ROOT / test).is_file() for test in tests), module


def test_a_module_named_alone_finds_its_tests() -> None:
    chosen = targets(["piggy_async/webhooks.py", "piggy_async/_unset.py=tests/test_models.py"])
    assert chosen["piggy_async/webhooks.py"] == ["tests/test_webhooks.py"]
    assert chosen["piggy_async/_unset.py"] == ["tests/test_models.py"]
    assert Path(ROOT / "tools" / "mutation" / "targets.toml").is_file()
