"""The mutation tool (`make mutation`): each operator makes the mutants it promises, one at a
time, leaves docstrings and annotations alone, and its default targets exist."""

from __future__ import annotations

import ast
import importlib
import sys
import textwrap
import types
from pathlib import Path

import pytest

from tools.mutation import hotswap, reach, runner
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


def listed(source: str) -> list[tuple[str, str]]:
    return [(m.kind, m.description) for m in mutants(source)]


def test_every_operator_yields_its_mutants_in_order() -> None:
    assert listed(SOURCE) == [
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


TEXTS = textwrap.dedent(
    """
    class Limit:
        def __repr__(self) -> str:
            return "Limit(" + str(self.rate > 1) + ")"


    def invalid(field: str) -> ValueError:
        return errors.BadFieldError(f"bad {field}", "a" == field)
    """
)


def test_the_text_of_an_exception_being_built_or_a_repr_is_not_scored() -> None:
    assert listed(TEXTS) == [
        ("return", "returns None"),
        ("message", "'Limit(' → 'XXLimit(XX'"),
        ("comparison", "Gt → LtE"),
        ("constant", "1 → 2"),
        ("message", "')' → 'XX)XX'"),
        ("return", "returns None"),
        ("message", "'bad ' → 'XXbad XX'"),
        ("comparison", "Eq → NotEq"),
        ("message", "'a' → 'XXaXX'"),
    ]


MODULE = textwrap.dedent(
    """
    LIMIT = 3


    def over(value: int) -> bool:
        return value > LIMIT


    class Gate:
        @staticmethod
        def opens(value: int) -> bool:
            return not over(value)
    """
)


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """MODULE imported from a file, as the warm process has the module under test."""
    (tmp_path / "gate_under_test.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gate_under_test", raising=False)
    return importlib.import_module("gate_under_test")


def _swaps(module: types.ModuleType, description: str) -> list[hotswap.Swap] | None:
    (mutant,) = [m for m in mutants(MODULE) if m.description == description]
    code = compile(mutate(MODULE, mutant.index), module.__file__ or "", "exec")
    original = compile(ast.parse(MODULE), module.__file__ or "", "exec")
    return hotswap.swaps(module, original, code)


def test_a_mutant_of_function_bodies_is_swapped_into_the_live_functions(
    imported: types.ModuleType,
) -> None:
    opens, over = imported.Gate.opens, imported.over  # references taken before the swap
    pairs = _swaps(imported, "Gt → LtE")
    assert pairs is not None and [f.__name__ for f, _ in pairs] == ["over"]
    assert (over(5), opens(5)) == (True, False)

    hotswap.apply(pairs)

    assert (over(5), opens(5)) == (False, True)
    pairs = _swaps(imported, "not dropped")
    assert pairs is not None and [f.__qualname__ for f, _ in pairs] == ["Gate.opens"]


def test_a_mutant_outside_function_bodies_is_left_to_a_fresh_import(
    imported: types.ModuleType,
) -> None:
    assert _swaps(imported, "3 → 4") is None
    assert imported.LIMIT == 3


def test_the_tests_reaching_a_function_are_recorded_by_its_outermost_name(
    imported: types.ModuleType,
) -> None:
    tracer = reach.Reach(imported.__file__ or "")
    for test, value in (("tests/t.py::test_opens", 5), ("tests/t.py::test_over", 1)):
        tracer._current = test
        sys.settrace(tracer._trace)
        try:
            imported.Gate.opens(value) if "opens" in test else imported.over(value)
        finally:
            sys.settrace(None)

    assert tracer.of(["over"]) == ["tests/t.py::test_opens", "tests/t.py::test_over"]
    assert tracer.of(["Gate.opens"]) == ["tests/t.py::test_opens"]
    assert tracer.of(["LIMIT", "elsewhere"]) == []


GATE_TESTS = textwrap.dedent(
    """
    from gate_run import Gate, over


    def test_over() -> None:
        assert over(10) and not over(0)


    def test_opens() -> None:
        assert Gate.opens(0)
    """
)


@pytest.mark.parametrize("hot", [True, False])
def test_a_run_gives_the_same_verdicts_swapped_in_or_loaded_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hot: bool
) -> None:
    (tmp_path / "gate_run.py").write_text(MODULE)
    (tmp_path / "test_gate.py").write_text(GATE_TESTS)
    # as for a package with a pytest plugin: pytest's rewriter would load it from the file
    (tmp_path / "conftest.py").write_text(
        "import pytest\npytest.register_assert_rewrite('gate_run')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("gate_run", "test_gate", "conftest"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    report = runner.run(
        tmp_path / "gate_run.py", tmp_path, [str(tmp_path / "test_gate.py")], jobs=2, hot=hot
    )

    survived = sorted(m.description for m in report.survived)
    assert survived == ["3 → 4"]  # no test pins the limit itself
    assert report.score == (4, 5)
