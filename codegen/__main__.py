"""`python -m codegen [--check]`: regenerate `piggy_async/_generated/`, or only check it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import SpecError, check, generate

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the spec and report generated files that differ, writing nothing",
    )
    args = parser.parse_args()
    try:
        if args.check:
            stale = check(ROOT)
            for path in stale:
                print(f"out of date: {path}", file=sys.stderr)
            return 1 if stale else 0
        for path in generate(ROOT):
            print(f"wrote {path}")
    except SpecError as error:
        print(f"spec error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
