"""`python -m codegen [--check] [--spec DIR --out DIR]`: regenerate `piggy_async/_generated/`
and `docs/api.md`, or only check them; from another spec into another tree with `--spec` and
`--out` (the golden records: `--spec tests/fixtures/codegen/spec --out
tests/fixtures/codegen/golden`)."""

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
    parser.add_argument("--spec", type=Path, help="the spec directory (default: spec/)")
    parser.add_argument(
        "--out", type=Path, help="the tree to write piggy_async/_generated/ and docs/ in"
    )
    args = parser.parse_args()
    if (args.spec is None) != (args.out is None):
        parser.error("--spec and --out go together")
    try:
        if args.check:
            stale = check(ROOT, spec_dir=args.spec, out=args.out)
            for path in stale:
                print(f"out of date: {(args.out or Path()) / path}", file=sys.stderr)
            return 1 if stale else 0
        for path in generate(ROOT, spec_dir=args.spec, out=args.out):
            print(f"wrote {(args.out or Path()) / path}")
    except SpecError as error:
        print(f"spec error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
