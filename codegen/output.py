"""Format the rendered modules with ruff, then write them or compare them with the tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .render import render
from .render.docs import render_docs
from .spec import Spec, load_spec

GENERATED = Path("piggy_async") / "_generated"
DOCS = Path("docs") / "api.md"


def build(root: Path, spec: Spec) -> dict[str, str]:
    """The formatted generated files, by path relative to `piggy_async/_generated/`."""
    files = render(spec)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for name, text in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text, encoding="utf-8")
        config = ["--config", str(root / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run(
            [*ruff, "check", "--quiet", "--fix", "--select", "I", *config, tmp], check=False
        )
        subprocess.run([*ruff, "format", "--quiet", *config, tmp], check=True)
        result = {name: (out / name).read_text(encoding="utf-8") for name in sorted(files)}
    for name, text in result.items():
        compile(text, f"{GENERATED / name}", "exec")  # a generator bug must not reach the tree
    return result


def generate(root: Path) -> list[Path]:
    """Rewrite `piggy_async/_generated/` and `docs/api.md` from the spec; return the files
    that changed."""
    spec = load_spec(root / "spec")
    files = build(root, spec)
    target = root / GENERATED
    changed = [GENERATED / name for name in _differences(target, files)]
    docs = render_docs(spec)
    if _read(root / DOCS) != docs:
        changed.append(DOCS)
        (root / DOCS).parent.mkdir(parents=True, exist_ok=True)
        (root / DOCS).write_text(docs, encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return changed


def check(root: Path) -> list[Path]:
    """The generated files that differ from what the spec generates (missing, stale or extra)."""
    spec = load_spec(root / "spec")
    stale = [GENERATED / name for name in _differences(root / GENERATED, build(root, spec))]
    return stale + ([DOCS] if _read(root / DOCS) != render_docs(spec) else [])


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _differences(target: Path, files: dict[str, str]) -> list[str]:
    present = (
        {
            str(path.relative_to(target)): path.read_text(encoding="utf-8")
            for path in sorted(target.rglob("*.py"))
        }
        if target.exists()
        else {}
    )
    names = sorted(set(present) | set(files))
    return [name for name in names if present.get(name) != files.get(name)]
