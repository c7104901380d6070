"""`python -m bench.bulk_import`: `import_contacts` against the code it replaces.

The baseline is the SDK at a git ref (`--baseline`, default `BASELINE`: the last commit
before the spreadsheet importer, whose importer spends three requests per new contact and
about 54 µs of CPU per row loading), checked out into a temporary folder and run in
processes of its own, side by side with this tree's, in alternating rounds
(`_baseline.py`). Every figure is a median ratio over the rounds.

- Requests per contact, by kind: new contacts, existing ones whose values already match
  (unchanged) and existing ones with other values (changed), each imported into a fresh
  FakePiggy (its own process, no rate limit), counting the requests the API answered.
- Contacts per second at a fixed limit: N new contacts with a first name each into a
  FakePiggy limited to R requests per second; fewer requests per contact, more contacts.
- Loading: `check_contacts` (what `--dry-run` does) over a million-row file, CPU seconds
  per row against the floor (the same file read with `csv`, the same address check, and a
  set to de-duplicate), and the peak memory of a process doing it.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench._baseline import Tree, baseline_tree, child, current_tree
from bench._process import server as fake_server
from bench._results import Result

KINDS = ("new", "unchanged", "changed")

BASELINE = "91c7bd18a4bf9b0544fd36be355427d1c4b9c9eb"
"""The SDK before the spreadsheet importer: a fixed commit, so every run, on any branch,
reports the same comparison."""


def write_rows(path: Path, rows: int, *, kind: str = "new", seed: int = 1) -> None:
    """`rows` contacts: `new` ones (with a first name), or the fake's seeded contacts
    `contact.<n>@...` with nothing to change (`unchanged`) or a first name (`changed`);
    `load` is spreadsheet-like: 3% invalid addresses, 5% repeated in another case."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(("email", "firstname", "lastname", "city"))
        for number in range(rows):
            email, first = f"contact.{number}@bikinibottom.sea", f"Name {number}"
            if kind == "new":
                email = f"new.{number}@bikinibottom.sea"
            elif kind == "unchanged":
                first = ""
            elif kind == "load":
                roll = rng.random()
                if roll < 0.03:
                    email = "not-an-email"
                elif roll < 0.08 and number:
                    email = f"Contact.{rng.randrange(number)}@BikiniBottom.sea"
            city = rng.choice(("Bikini Bottom", "Rock Bottom", "")) if kind == "load" else ""
            last = "Squarepants" if kind == "load" else ""
            writer.writerow((email, first, last, city))


# -- what each child process does, with whichever SDK it imports ------------------------------


async def _import(url: str, key: str, path: str, concurrency: int) -> dict[str, float]:
    from piggy_async import OAuthClient, TransportEvent
    from piggy_async.bulk import import_contacts, read_contacts_csv

    accepted = 0

    def count(event: TransportEvent) -> None:
        nonlocal accepted
        if event.kind == "response" and event.status != 429:
            accepted += 1

    async with OAuthClient(api_key=key, base_url=url, on_event=count) as piggy:
        started = time.perf_counter()
        cpu = time.process_time()
        result = await import_contacts(piggy, read_contacts_csv(path), concurrency=concurrency)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.failed == 0 and result.pending == 0, result
    return {"requests": accepted, "seconds": elapsed, "cpu": cpu}


async def _load(path: str, floor: bool) -> dict[str, float]:
    from piggy_async.bulk import check_contacts, read_contacts_csv

    started = time.process_time()
    if floor:
        _floor(path)
    else:
        await check_contacts(read_contacts_csv(path))
    cpu = time.process_time() - started
    return {"cpu": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _floor(path: str) -> int:
    """Read with `csv`, check each address with the importer's own rule, de-duplicate."""
    from piggy_async.bulk import _rows

    rule = getattr(_rows, "EMAIL", None) or _rows._EMAIL
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        next(reader)
        for cells in reader:
            email = cells[0].strip()
            if len(email) <= _rows.MAX_EMAIL_LENGTH and rule.fullmatch(email):
                seen.add(email.lower())
    return len(seen)


# -- the measurements -------------------------------------------------------------------------


def _imported(tree: Tree, path: Path, server: dict[str, str], concurrency: int) -> Any:
    args = ("import", server["url"], server["key"], str(path), str(concurrency))
    return child(tree, "bulk_import", *args)


def requests_per_contact(trees: list[Tree], rows: int, rounds: int) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in KINDS:
            path = Path(folder) / f"{kind}.csv"
            write_rows(path, rows, kind=kind)
            per_row: dict[str, list[float]] = {tree.name: [] for tree in trees}
            for _ in range(rounds):
                for tree in trees:
                    with fake_server("bench._server", "--contacts", str(rows)) as server:
                        figures = _imported(tree, path, server, 16)
                    per_row[tree.name].append(figures["requests"] / rows)
            results.append(_ratio(f"import requests per {kind} contact", per_row, "requests"))
    return results


def throughput(trees: list[Tree], rows: int, rate: int, rounds: int) -> list[Result]:
    contacts: dict[str, list[float]] = {tree.name: [] for tree in trees}
    cpu: dict[str, list[float]] = {tree.name: [] for tree in trees}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "new.csv"
        write_rows(path, rows)
        for _ in range(rounds):
            for tree in trees:
                with fake_server("bench._server", "--limit", str(rate), "--window", "1") as server:
                    figures = _imported(tree, path, server, 16)
                contacts[tree.name].append(rows / figures["seconds"])
                cpu[tree.name].append(figures["cpu"] / rows * 1e6)
    return [
        _ratio(f"import contacts per second at {rate} requests/s", contacts, "contacts/s"),
        _ratio("import client CPU per contact", cpu, "µs"),
    ]


def loading(trees: list[Tree], rows: int, rounds: int) -> list[Result]:
    ours = trees[-1]
    cpu: dict[str, list[float]] = {"floor": [], **{tree.name: [] for tree in trees}}
    peak: dict[str, list[float]] = {"floor": [], **{tree.name: [] for tree in trees}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "load.csv"
        write_rows(path, rows, kind="load")
        for _ in range(rounds):
            for name, tree in (("floor", ours), *((tree.name, tree) for tree in trees)):
                which = "floor" if name == "floor" else "sdk"
                figures = child(tree, "bulk_import", "load", str(path), which)
                cpu[name].append(figures["cpu"] / rows * 1e6)
                peak[name].append(figures["peak_mib"])
    results = [
        _ratio(f"dry-run CPU per row, {rows:,} rows", cpu, "µs", against="floor"),
        Result(f"dry-run peak memory, {rows:,} rows", statistics.median(peak[ours.name]), "MiB",
               goal="<= 64 MiB"),
    ]  # fmt: skip
    if len(trees) > 1:
        results.append(_ratio(f"dry-run CPU per row, {rows:,} rows", cpu, "µs"))
    return results


def _ratio(
    name: str, figures: dict[str, list[float]], unit: str, *, against: str = "baseline"
) -> Result:
    """This tree's median and its median ratio to `against`'s, round by round."""
    ours = figures["this tree"]
    base = figures.get(against) or ours
    return Result(
        name,
        statistics.median(ours),
        unit,
        statistics.median(a / b for a, b in zip(ours, base, strict=True)),
        against,
        baseline_value=statistics.median(base),
    )


def measure(args: argparse.Namespace) -> Iterator[Result]:
    """The figures, each as soon as its step ends: the whole run takes minutes."""
    with baseline_tree(args.baseline) as baseline:
        trees = ([baseline] if baseline is not None else []) + [current_tree()]
        yield from requests_per_contact(trees, args.rows // 4, args.rounds)
        yield from throughput(trees, args.rows, args.rate, args.rounds)
        yield from loading(trees, args.load_rows, args.rounds)


def parser(quick: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=300 if quick else 4000)
    parser.add_argument("--rate", type=int, default=300, help="R: requests per second")
    parser.add_argument("--load-rows", type=int, default=20_000 if quick else 1_000_000)
    parser.add_argument("--rounds", type=int, default=1 if quick else 3)
    parser.add_argument(
        "--baseline", default=BASELINE, help="git ref (default: before the importer; empty: none)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser


def run(quick: bool) -> Iterator[Result]:
    """What `python -m bench` runs: the defaults, or the quick ones."""
    return measure(parser(quick).parse_args([]))


def _child(task: str, *args: str) -> None:
    import asyncio

    if task == "import":
        url, key, path, concurrency = args
        figures = asyncio.run(_import(url, key, path, int(concurrency)))
    else:
        path, which = args
        figures = asyncio.run(_load(path, which == "floor"))
    print(json.dumps(figures))


if __name__ == "__main__":
    options = parser(quick=False).parse_args()
    if options.child:
        _child(*options.child)
        sys.exit(0)
    for result in measure(options):
        print(result, flush=True)
