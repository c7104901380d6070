"""Command start-up: `piggy --help` (and `--version`, a command's `--help`, `operations`)
against the `--help` of a minimal click program, each a fresh interpreter, alternating.

The package is used as pip installs it: a copy on the path with its bytecode compiled (as
`import_time.py` explains). Goal: at most 1.5x for every help and the version; `piggy
operations` is reported against the same baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench._results import Result, alternate, compared
from bench.import_time import installed_copy

MINIMAL = '''\
import click


@click.command()
@click.option("--name", help="Who to greet.")
def main(name):
    """Greet someone."""


main()
'''

PIGGY = "from piggy_async.cli import main\nmain()\n"

COMMANDS = {
    "help": ("--help",),
    "version": ("--version",),
    "import_help": ("import-contacts", "--help"),
    "operations": ("operations",),
}


def _runner(script: Path, args: tuple[str, ...], installed: Path) -> Callable[[], object]:
    command = [sys.executable, str(script), *args]
    env = dict(os.environ, PYTHONPATH=str(installed))
    return lambda: subprocess.run(
        command, check=True, env=env, cwd=installed, stdout=subprocess.DEVNULL
    )


def run(quick: bool) -> list[Result]:
    rounds = 5 if quick else 21
    with installed_copy() as installed:
        (installed / "minimal.py").write_text(MINIMAL)
        (installed / "piggy.py").write_text(PIGGY)
        candidates = {"click": _runner(installed / "minimal.py", ("--help",), installed)}
        for name, args in COMMANDS.items():
            candidates[name] = _runner(installed / "piggy.py", args, installed)
        times = alternate(candidates, rounds=rounds, number=1)
    base = times["click"]
    return [
        compared(
            f"startup.piggy_{name}",
            times[name],
            base,
            unit="ms",
            scale=1e3,
            baseline="a minimal click program's --help",
            goal="" if name == "operations" else "<= 1.5",
        )
        for name in COMMANDS
    ]
