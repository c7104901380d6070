"""Import time (goal 4): `python -c "import piggy_async"` against `python -c "import aiohttp"`.

Each is a fresh interpreter with bytecode already cached, the candidates alternating.
Resources and their models load on first attribute access, so the import itself costs little
beyond aiohttp; another figure adds a client and its first resource, what a program really
pays. The package is imported as users install it: a copy on the path with its bytecode
compiled, as pip does (a checkout may have none: `PYTHONDONTWRITEBYTECODE` keeps Python from
caching it, and every run would compile the package anew). Goal: at most 1.2x.
"""

from __future__ import annotations

import compileall
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from bench._results import Result, alternate, compared

PACKAGE = Path(__file__).resolve().parent.parent / "piggy_async"

_FIRST_USE = (
    "import piggy_async; piggy_async.OAuthClient(api_key='k').contacts; import piggy_async.models"
)


@contextlib.contextmanager
def installed_copy() -> Iterator[Path]:
    """A folder holding a copy of the package with its bytecode compiled, as pip leaves it."""
    with tempfile.TemporaryDirectory() as folder:
        installed = Path(folder)
        shutil.copytree(
            PACKAGE, installed / "piggy_async", ignore=shutil.ignore_patterns("__pycache__")
        )
        compileall.compile_dir(installed, quiet=1)
        yield installed


def _importer(code: str, installed: Path) -> Callable[[], object]:
    """Runs `code` in a fresh interpreter, outside the checkout, with the copy of the
    package in `installed` first on its path."""
    command = [sys.executable, "-c", code]
    env = dict(os.environ, PYTHONPATH=str(installed))
    return lambda: subprocess.run(command, check=True, env=env, cwd=installed)


def run(quick: bool) -> list[Result]:
    rounds = 5 if quick else 21
    with installed_copy() as installed:
        candidates = {
            "aiohttp": _importer("import aiohttp", installed),
            "sdk": _importer("import piggy_async", installed),
            "first use": _importer(_FIRST_USE, installed),
            "python": _importer("pass", installed),
        }
        times = alternate(candidates, rounds=rounds, number=1)
    base = times["aiohttp"]
    return [
        compared(
            "import.piggy_async",
            times["sdk"],
            base,
            unit="ms",
            scale=1e3,
            baseline="import aiohttp",
            goal="<= 1.2",
        ),
        compared(
            "import.first_client_and_all_models",
            times["first use"],
            base,
            unit="ms",
            scale=1e3,
            baseline="import aiohttp",
        ),
        Result("import.python_startup", statistics.median(times["python"]) * 1e3, "ms"),
    ]
