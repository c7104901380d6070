"""`python -m bench [--quick] [--chart DIR] [NAME ...]`: every benchmark, one line per figure,
`name: value unit (ratio x baseline, goal ...)`.

Each module below measures one goal against its baseline side by side in one run, in
alternating rounds, and reports the median ratio: absolute numbers drift on a noisy machine,
ratios hold. `--quick` is small enough for a CI smoke run; the default is for the numbers.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from pathlib import Path

from bench._results import Result

MODULES = (
    "decode",
    "import_time",
    "cli_startup",
    "request",
    "user_session",
    "prefetch",
    "export",
    "memory",
    "rate_limit",
    "shared_limit",
    "bulk_import",
)
"""The benchmarks, each `bench/<name>.py` with `run(quick: bool) -> Iterable[Result]`
(printed as they come)."""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(MODULES)}")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--chart", type=Path, help="draw the decode chart into this folder")
    args = parser.parse_args()
    unknown = set(args.names) - set(MODULES)
    if unknown:
        parser.error(f"no benchmark {', '.join(sorted(unknown))}: choose from {', '.join(MODULES)}")
    print(f"# python {platform.python_version()} on {platform.machine()}, {_cpus()} cores")
    results: list[Result] = []
    for name in args.names or MODULES:
        module = importlib.import_module(f"bench.{name}")
        for result in module.run(args.quick):
            print(result, flush=True)
            results.append(result)
    if args.chart:
        from bench._chart import draw

        print(f"chart: {draw(results, args.chart)}")
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
