"""Run a module's mutants against its tests, each in a forked child.

The parent imports pytest and the third-party libraries once, never the package under test;
each child installs an import hook that loads the mutated module in place of the file on
disk (the work tree is never written), runs the tests with `-x`, and exits with pytest's
status. A mutant is killed when the tests fail or time out, and survives when they pass.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType

import pytest

from .mutants import SCORED, Mutant, mutants, mutate

PRELOADED = ("aiohttp", "aioresponses", "attrs", "cattrs", "msgspec", "multidict", "yarl")
"""Imported before forking so that each child starts warm."""
POLL_SECONDS = 0.02
"""How often the parent looks for finished children."""


@dataclass
class Report:
    module: str
    killed: list[Mutant] = field(default_factory=list)
    survived: list[Mutant] = field(default_factory=list)
    timed_out: list[Mutant] = field(default_factory=list)

    def scored(self, mutants: list[Mutant]) -> list[Mutant]:
        return [m for m in mutants if m.kind in SCORED]

    @property
    def score(self) -> tuple[int, int]:
        """(killed, total) over the scored kinds; a timeout counts as killed."""
        killed = len(self.scored(self.killed + self.timed_out))
        return killed, killed + len(self.scored(self.survived))


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname: str) -> CodeType:
        return self._code


class _MutantFinder(importlib.abc.MetaPathFinder):
    """Finds `name` as the mutated code; every other module as usual."""

    def __init__(self, name: str, path: Path, code: CodeType) -> None:
        self.name, self.path, self.code = name, path, code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        loader = _MutantLoader(fullname, str(self.path), self.code)
        return importlib.util.spec_from_file_location(fullname, self.path, loader=loader)


def module_name(path: Path, root: Path) -> str:
    """`piggy_async/_transport/policy.py` → `piggy_async._transport.policy`."""
    return ".".join(path.resolve().relative_to(root).with_suffix("").parts)


def _child(tree: ast.Module | None, name: str, path: Path, tests: Sequence[str]) -> int:
    """In the forked child: load the mutant, run the tests quietly, return pytest's status."""
    if tree is not None:
        code = compile(tree, str(path), "exec")
        sys.meta_path.insert(0, _MutantFinder(name, path, code))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    args = [*tests, "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestWarning"]
    return int(pytest.main(args))


def _fork(tree: ast.Module | None, name: str, path: Path, tests: Sequence[str]) -> int:
    pid = os.fork()
    if pid == 0:  # the child never returns
        status = 70
        with contextlib.suppress(BaseException):
            status = _child(tree, name, path, tests)
        os._exit(status)
    return pid


def baseline(path: Path, root: Path, tests: Sequence[str]) -> float:
    """Seconds the unmutated tests take; raises if they do not pass."""
    started = time.monotonic()
    pid = _fork(None, module_name(path, root), path, tests)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the tests of {path} fail without any mutant: {' '.join(tests)}")
    return time.monotonic() - started


def run(path: Path, root: Path, tests: Sequence[str], *, jobs: int, timeout: float) -> Report:
    """Every mutant of the module at `path`, at most `jobs` at a time."""
    source = path.read_text(encoding="utf-8")
    name = module_name(path, root)
    report = Report(name)
    pending = iter(mutants(source))
    running: dict[int, tuple[Mutant, float]] = {}
    while True:
        while len(running) < jobs and (mutant := next(pending, None)) is not None:
            pid = _fork(mutate(source, mutant.index), name, path, tests)
            running[pid] = (mutant, time.monotonic())
        if not running:
            return report
        time.sleep(POLL_SECONDS)
        _reap(running, report, timeout)


def _reap(running: dict[int, tuple[Mutant, float]], report: Report, timeout: float) -> None:
    """Record every finished child; kill the ones past `timeout`."""
    for pid, (mutant, started) in list(running.items()):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            del running[pid]
            passed = os.waitstatus_to_exitcode(status) == 0
            (report.survived if passed else report.killed).append(mutant)
        elif time.monotonic() - started > timeout:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            del running[pid]
            report.timed_out.append(mutant)


def preload() -> None:
    for library in PRELOADED:
        with contextlib.suppress(ImportError):
            __import__(library)
