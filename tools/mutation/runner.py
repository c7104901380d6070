"""Run a module's mutants against its tests, each in a forked child.

The parent imports pytest and the third-party libraries once, never the package under test.
A warm process forked from it imports the package and collects the tests once; its children
each swap one mutant's function bodies in (`hotswap`) and run the tests with `-x`. A mutant
that changes more than function bodies runs in a child of the parent instead, with an import
hook that loads the mutated module in place of the file on disk. A hot mutant runs only the
tests that reach the functions it changes (`reach`). The work tree is never
written. A mutant is killed when the tests fail or time out, and survives when they pass.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType
from typing import TypeVar

import pytest

from . import hotswap, reach
from .mutants import SCORED, Mutant, mutants, mutate

Child = Callable[[], int]
_T = TypeVar("_T")

PRELOADED = ("aiohttp", "aioresponses", "attrs", "cattrs", "msgspec", "multidict", "yarl")
"""Imported before forking so that each child starts warm."""
POLL_SECONDS = 0.02
"""How often the parent looks for finished children."""
MIN_TIMEOUT = 10.0
"""A mutant's tests are stopped (and the mutant counted killed) after 5 times the unmutated
tests' time, and never sooner than this."""


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


def _pytest(tests: Sequence[str], *options: str, plugins: Sequence[object] = ()) -> int:
    """Run the tests quietly, stopping at the first failure; pytest's status."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    args = [*tests, "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestWarning"]
    return int(pytest.main([*args, *options], plugins=list(plugins)))


def _cold(tree: ast.Module, name: str, path: Path, tests: Sequence[str]) -> Child:
    """A child that imports the mutant in place of the module, then runs the tests."""

    def child() -> int:
        code = compile(tree, str(path), "exec")
        sys.meta_path.insert(0, _MutantFinder(name, path, code))
        # Now, before pytest puts its assertion rewriter first in line: it would load the
        # file from disk for a package it rewrites (a pytest plugin's, say).
        importlib.import_module(name)
        return _pytest(tests)

    return child


def _hot(pairs: list[hotswap.Swap], tests: Sequence[str]) -> Child:
    """A child of the warm process that swaps the mutated functions in, then runs the tests."""

    def child() -> int:
        hotswap.apply(pairs)
        return _pytest(tests)

    return child


def _fork(child: Child) -> int:
    pid = os.fork()
    if pid == 0:  # the child never returns
        status = 70
        with contextlib.suppress(BaseException):
            status = child()
        os._exit(status)
    return pid


def _timed(child: Child, what: str) -> float:
    """Seconds `child` takes; raises if it fails (the unmutated tests must pass)."""
    started = time.monotonic()
    _, status = os.waitpid(_fork(child), 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the tests fail without any mutant: {what}")
    return time.monotonic() - started


def _in_fork(work: Callable[[], _T]) -> _T:
    """`work()` computed in a forked process (which may import anything), its result pickled."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            result: object = ("ok", work())
        except BaseException as error:  # handed to the parent, which raises it
            result = ("error", RuntimeError(str(error)))
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        outcome, value = pickle.load(pipe)
    os.waitpid(pid, 0)
    if outcome == "error":
        raise value
    return value  # type: ignore[no-any-return]


def run(path: Path, root: Path, tests: Sequence[str], *, jobs: int, hot: bool = True) -> Report:
    """Every mutant of the module at `path`, at most `jobs` at a time.

    The mutants that only change function bodies run in children of a warm process (the
    package imported and the tests collected once); the others (all of them without `hot`)
    each load the module fresh.
    """
    source = path.read_text(encoding="utf-8")
    name = module_name(path, root)
    tests = list(tests)
    cold_timeout = max(MIN_TIMEOUT, 5 * _timed(lambda: _pytest(tests), " ".join(tests)))
    report, unswapped = Report(name), mutants(source)
    if hot:
        report, unswapped = _in_fork(lambda: _warm_run(source, name, path, tests, jobs))
    children = [(m, _cold(mutate(source, m.index), name, path, tests)) for m in unswapped]
    _run_all(children, report, jobs=jobs, timeout=cold_timeout)
    return report


def _warm_run(
    source: str, name: str, path: Path, tests: list[str], jobs: int
) -> tuple[Report, list[Mutant]]:
    """In the warm process: the swappable mutants' report, and the mutants left over."""
    report = Report(name)
    if _pytest(tests, "--collect-only") != 0 or name not in sys.modules:
        return report, mutants(source)
    started = time.monotonic()
    reached = _in_fork(lambda: _traced(path, tests))
    timeout = max(MIN_TIMEOUT, 5 * (time.monotonic() - started))
    module, original = sys.modules[name], compile(ast.parse(source), str(path), "exec")
    children, unswapped = [], []
    for mutant in mutants(source):
        code = compile(mutate(source, mutant.index), str(path), "exec")
        pairs = hotswap.swaps(module, original, code)
        if pairs is None:
            unswapped.append(mutant)
        elif chosen := reached.of(function.__code__.co_qualname for function, _ in pairs):
            children.append((mutant, _hot(pairs, chosen)))
        else:
            report.survived.append(mutant)  # no test calls the functions it changes
    _run_all(children, report, jobs=jobs, timeout=timeout)
    return report, unswapped


def _traced(path: Path, tests: list[str]) -> reach.Reach:
    """The unmutated tests run once, recording which tests reach which functions."""
    tracer = reach.Reach(str(path))
    if _pytest(tests, plugins=[tracer]) != 0:
        raise RuntimeError(f"the tests fail without any mutant: {' '.join(tests)}")
    return tracer


def _run_all(
    children: list[tuple[Mutant, Child]], report: Report, *, jobs: int, timeout: float
) -> None:
    pending = iter(children)
    running: dict[int, tuple[Mutant, float]] = {}
    while True:
        while len(running) < jobs and (item := next(pending, None)) is not None:
            running[_fork(item[1])] = (item[0], time.monotonic())
        if not running:
            return
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
