"""`python -m tools.mutation [MODULE[=TEST,...] ...]`: the share of mutants each module's
tests kill.

Without arguments it takes the modules and tests of `tools/mutation/targets.toml`. A
module given alone runs its tests from that file, or else the test files that mention it;
`MODULE=TEST,TEST` names the tests. Surviving mutants are listed with their line, so a
missing test is easy to find.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path

from . import runner
from .mutants import SCORED

ROOT = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).with_name("targets.toml")


def configured() -> dict[str, list[str]]:
    """The default modules and their tests, from `targets.toml`."""
    with TARGETS.open("rb") as file:
        table = tomllib.load(file)
    return {entry["path"]: list(entry.get("tests", [])) for entry in table["module"]}


def tests_mentioning(path: str) -> list[str]:
    """The test files that name the module by its dotted name or its file name."""
    dotted = runner.module_name(ROOT / path, ROOT)
    stem = Path(path).stem.lstrip("_")
    return sorted(
        str(test.relative_to(ROOT))
        for test in (ROOT / "tests").glob("test_*.py")
        if stem in test.stem or dotted in test.read_text(encoding="utf-8")
    )


def targets(arguments: Sequence[str]) -> dict[str, list[str]]:
    known = configured()
    if not arguments:
        return known
    chosen: dict[str, list[str]] = {}
    for argument in arguments:
        path, _, tests = argument.partition("=")
        chosen[path] = tests.split(",") if tests else known.get(path) or tests_mentioning(path)
        if not chosen[path]:
            raise SystemExit(f"no tests found for {path}: name them as {path}=TEST,...")
    return chosen


def _print_report(path: str, report: runner.Report, seconds: float, survivors: bool) -> None:
    killed, total = report.score
    share = f"{100 * killed / total:5.1f}%" if total else "  n/a"
    messages = [m for m in report.survived if m.kind not in SCORED]
    print(
        f"{path:40} {killed:4}/{total:<4} killed {share}"
        f"  ({len(messages)} message-only survivors not scored, {seconds:.0f} s)",
        flush=True,
    )
    if survivors:
        for mutant in sorted(report.survived, key=lambda m: m.line):
            if mutant.kind in SCORED:
                print(f"    line {mutant.line:4}  {mutant.kind:10}  {mutant.description}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__)
    parser.add_argument("modules", nargs="*", help="MODULE or MODULE=TEST,TEST (paths)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument(
        "--cold", action="store_true", help="load every mutant fresh (slow; to check the swaps)"
    )
    parser.add_argument(
        "--fail-under", type=float, default=0.0, help="exit 1 if a module scores below this %%"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    runner.preload()
    failing = []
    for path, tests in targets(args.modules).items():
        started = time.monotonic()
        report = runner.run(ROOT / path, ROOT, tests, jobs=args.jobs, hot=not args.cold)
        _print_report(path, report, time.monotonic() - started, args.survivors)
        killed, total = report.score
        if total and 100 * killed / total < args.fail_under:
            failing.append(path)
    return 1 if failing else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the children got the same Ctrl-C and stopped with it
        print("interrupted: the modules listed above are complete", file=sys.stderr)
        sys.exit(130)
