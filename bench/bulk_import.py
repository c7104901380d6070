"""`python -m bench.bulk_import`: `piggy_async.bulk.import_contacts` against a rate limit.

Throughput: N contacts (with a first name each, so found-or-created and then updated) are
imported into FakePiggy (in its own process, fresh each round) limited to R requests per
second. Every request the API accepts spends budget (a 429 does not), so the figure that
matters is accepted requests per second over R: 1.0 means the import kept the API as busy
as the key allows. Printed per round and as the median.

Memory: an import of 10,000 and of 100,000 rows (addresses only, of contacts the fake
already holds, so each costs one request), each in a process of its own against an
unlimited fake, and the peak resident memory of each: flat means the importer streams (a
bounded queue, the rows in the SQLite checkpoint), whatever the size.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from piggy_async import OAuthClient, TransportEvent
from piggy_async.bulk import import_contacts, read_contacts_csv

from ._process import server as fake_server


def _write_rows(path: Path, rows: int, *, names: bool) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(("email", "firstname") if names else ("email",))
        for number in range(rows):
            email = f"contact.{number}@bikinibottom.sea"
            writer.writerow((email, f"Name {number}") if names else (email,))


async def _throughput(server: dict[str, str], rows: Path, concurrency: int) -> tuple[int, float]:
    """Accepted requests and the seconds they took."""
    accepted = 0

    def count(event: TransportEvent) -> None:
        nonlocal accepted
        if event.kind == "response" and event.status != 429:
            accepted += 1

    async with OAuthClient(api_key=server["key"], base_url=server["url"], on_event=count) as piggy:
        started = time.perf_counter()
        result = await import_contacts(piggy, read_contacts_csv(rows), concurrency=concurrency)
        elapsed = time.perf_counter() - started
    assert result.failed == 0 and result.pending == 0, result
    return accepted, elapsed


def _peak_memory(rows: int, concurrency: int) -> int:
    """Peak resident memory (KiB) of a process importing `rows` contacts."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.bulk_import", "--memory-child", str(rows),
         "--concurrency", str(concurrency)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return int(json.loads(output)["peak_kib"])


async def _memory_child(rows: int, concurrency: int) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        fake_server("bench._server", "--contacts", str(rows)) as server,
    ):
        path = Path(folder) / "contacts.csv"
        _write_rows(path, rows, names=False)
        async with OAuthClient(api_key=server["key"], base_url=server["url"]) as piggy:
            result = await import_contacts(
                piggy,
                read_contacts_csv(path),
                checkpoint=Path(folder) / "import.sqlite",
                concurrency=concurrency,
            )
        assert result.unchanged == rows, result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_kib": peak}))


async def main(args: argparse.Namespace) -> None:
    if args.memory_child:
        await _memory_child(args.memory_child, args.concurrency)
        return
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        rows = Path(folder) / "contacts.csv"
        _write_rows(rows, args.rows, names=True)
        for number in range(1, args.rounds + 1):
            with fake_server("bench._server", "--limit", str(args.rate), "--window", "1") as server:
                accepted, elapsed = await _throughput(server, rows, args.concurrency)
            ratios.append(accepted / elapsed / args.rate)
            print(
                f"round {number}: {args.rows} contacts, {accepted} requests in {elapsed:.1f} s"
                f" = {accepted / elapsed:.0f}/s, {ratios[-1]:.3f} of R={args.rate}/s",
                flush=True,
            )
    print(f"throughput / R: median {statistics.median(ratios):.3f}", flush=True)
    if args.memory:
        small, large = (_peak_memory(rows, args.concurrency) for rows in (10_000, 100_000))
        print(
            f"peak memory: {small / 1024:.0f} MiB at 10,000 rows, {large / 1024:.0f} MiB at"
            f" 100,000 rows: {large / small:.2f}x"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_import")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=300, help="R: requests per second")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    asyncio.run(main(parser.parse_args()))
