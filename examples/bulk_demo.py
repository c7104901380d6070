"""The bulk jobs, end to end, with the `piggy` command line against the fake Piggy server.

A sample CSV of 2,000 contacts (some invalid, some duplicated) is made from a seed and
imported while the fake fails 5% of requests and enforces a rate limit; then the loyalty
transactions are exported three times, each later run writing only what is new.

    make demo      (or: .venv/bin/python examples/bulk_demo.py)
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from piggy_async.testing import (
    FakePiggy,
    Faults,
    RateLimit,
    TransactionRecord,
    write_sample_csv,
)

FAULTS = Faults(error_500=0.01, error_502=0.01, error_503=0.01, reset=0.01, malformed=0.01)
RATE_LIMIT = RateLimit(limit=1500, window=5)
ROWS_FAILED = 1
"""The exit code of a run that finished with failed rows."""
RETRY = 3
"""The exit code of a run stopped by an error a re-run may fix."""


async def piggy(server: FakePiggy, *args: str) -> int:
    """Run `piggy ARGS` with the fake's credentials in the environment, as a user would."""
    print(f"\n$ piggy {' '.join(args)}", flush=True)
    env = {**os.environ, "PIGGY_API_KEY": server.oauth_key, "PIGGY_BASE_URL": server.url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "piggy_async.cli", *args, env=env
    )
    started = time.perf_counter()
    code = await process.wait()
    print(f"[exit {code} after {time.perf_counter() - started:.1f} s]")
    return code


def till(server: FakePiggy, purchases: int, rng: random.Random) -> None:
    """Purchases at the till: credit receptions straight into the fake's state."""
    contacts = list(server.state.contacts.values())
    for _ in range(purchases):
        server.state.add_transaction(
            TransactionRecord(
                uuid=server.state.new_uuid(),
                type="credit_reception",
                credits=rng.randint(1, 50),
                created_at=server.state.now(),
                contact_uuid=rng.choice(contacts).uuid,
                shop_uuid=server.state.default_shop_uuid,
            )
        )


async def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir)
        sample = write_sample_csv(folder / "contacts.csv", rows=2000, seed=7)
        print(
            f"sample: {sample.rows} rows, {len(sample.invalid_rows)} invalid,"
            f" {len(sample.expected)} unique addresses"
        )
        async with FakePiggy(faults=FAULTS, rate_limit=RATE_LIMIT, seed=7) as server:
            print(f"fake Piggy on {server.url}: 5% of requests fail, {RATE_LIMIT.limit} per"
                  f" {RATE_LIMIT.window:g} s")  # fmt: skip
            code = await piggy(server, "import-contacts", sample.path)
            while code == RETRY:  # stopped early: the same command resumes from the checkpoint
                code = await piggy(server, "import-contacts", sample.path)
            print(f"exit code {code}; {len(server.state.contacts)} contacts on the server")
            if code == ROWS_FAILED:
                print(
                    f"(exit {ROWS_FAILED} means done with failed rows: the sample's"
                    f" {len(sample.invalid_rows)} invalid rows are there on purpose, and the"
                    " errors file lists each with its reason)"
                )

            out, state = str(folder / "tx.jsonl"), str(folder / "tx.state")
            export = ("export", "loyalty-transactions", "--since", "2020-01-01",
                      "--out", out, "--state", state)  # fmt: skip
            till(server, 500, rng)
            await piggy(server, *export)
            till(server, 25, rng)
            await piggy(server, *export)  # only the 25 new ones
            await piggy(server, *export)  # nothing new: one request
            lines = (folder / "tx.jsonl").read_text().splitlines()
            print(f"\ntx.jsonl: {len(lines)} transactions, the first:\n{lines[0][:160]}...")


if __name__ == "__main__":
    asyncio.run(main())
