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


def generate(root: Path, *, spec_dir: Path | None = None, out: Path | None = None) -> list[Path]:
    """Rewrite `piggy_async/_generated/` and `docs/api.md` under `out` (the repository,
    `root`, unless told) from the spec in `spec_dir` (`root/spec`); return the files that
    changed, relative to `out`."""
    spec = load_spec(spec_dir or root / "spec")
    out = out or root
    files = build(root, spec)
    target = out / GENERATED
    changed = [GENERATED / name for name in _differences(target, files)]
    docs = render_docs(spec)
    if _read(out / DOCS) != docs:
        changed.append(DOCS)
        (out / DOCS).parent.mkdir(parents=True, exist_ok=True)
        (out / DOCS).write_text(docs, encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return changed


def check(root: Path, *, spec_dir: Path | None = None, out: Path | None = None) -> list[Path]:
    """The generated files under `out` (the repository unless told) that differ from what
    the spec in `spec_dir` generates (missing, stale or extra), relative to `out`."""
    spec = load_spec(spec_dir or root / "spec")
    out = out or root
    stale = [GENERATED / name for name in _differences(out / GENERATED, build(root, spec))]
    return stale + ([DOCS] if _read(out / DOCS) != render_docs(spec) else [])


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
