"""The code a benchmark compares against: the SDK at a git ref, checked out into a temporary
folder, with this tree's `bench` package beside it, so the same measuring code runs against
either SDK in a process of its own (`python -m bench.<module> --child ...`)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Tree:
    """An SDK to measure: `name` in the results, `folder` holding `piggy_async` and `bench`."""

    name: str
    folder: Path


def current_tree() -> Tree:
    return Tree("this tree", ROOT)


@contextlib.contextmanager
def baseline_tree(ref: str) -> Iterator[Tree | None]:
    """The SDK at git `ref` (None, with a note, when there is no such ref or no git)."""
    if not ref:
        yield None
        return
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", ref, "piggy_async"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout  # fmt: skip
        commit = subprocess.run(
            ["git", "rev-parse", "--short", ref],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        print(f"# no baseline: git ref {ref!r} is not available", flush=True)
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="piggy-baseline-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        shutil.copytree(ROOT / "bench", Path(folder) / "bench")
        print(f"# baseline: {ref} ({commit})", flush=True)
        yield Tree("baseline", Path(folder))


def child(tree: Tree, module: str, *args: str) -> Any:
    """Run `python -m bench.<module> --child ARGS` in the tree; its JSON answer."""
    output = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--child", *args],
        cwd=tree.folder, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.splitlines()[-1])
