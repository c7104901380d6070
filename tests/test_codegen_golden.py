"""Golden records: what codegen writes for a small spec that says one of everything
(`tests/fixtures/codegen/spec/`), compared file by file with the committed output
(`tests/fixtures/codegen/golden/`), so a change to a renderer shows as a diff of the code
it writes.

After an intended change, refresh the records and review them before committing:

    .venv/bin/python -m codegen --spec tests/fixtures/codegen/spec \
        --out tests/fixtures/codegen/golden
    git diff tests/fixtures/codegen/golden
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from codegen import load_spec
from codegen.output import DOCS, GENERATED, build
from codegen.render.docs import render_docs

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "codegen"
REFRESH = "python -m codegen --spec tests/fixtures/codegen/spec --out tests/fixtures/codegen/golden"


@pytest.fixture(scope="module")
def written() -> dict[Path, str]:
    """What codegen writes for the fixture spec, by path relative to the golden tree."""
    spec = load_spec(FIXTURE / "spec")
    files = {GENERATED / name: text for name, text in build(ROOT, spec).items()}
    return {**files, DOCS: render_docs(spec)}


def _golden() -> dict[Path, str]:
    tree = FIXTURE / "golden"
    return {
        path.relative_to(tree): path.read_text(encoding="utf-8")
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    }


def test_codegen_writes_the_files_of_the_golden_records(written: dict[Path, str]) -> None:
    assert sorted(written) == sorted(_golden()), f"refresh with `{REFRESH}`"


@pytest.mark.parametrize("path", sorted(_golden()), ids=str)
def test_each_file_is_what_the_golden_record_says(path: Path, written: dict[Path, str]) -> None:
    expected = _golden()[path]
    actual = written.get(path, "")
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        f"golden/{path}",
        f"generated/{path}",
    )
    assert actual == expected, f"refresh with `{REFRESH}` if intended:\n{''.join(diff)}"
