"""A fake Piggy server in its own process, so it does not share a core with the client.

    python -m bench._server [--limit N --window S] [--error-503 P --reset P ...] [--contacts N]

Prints one JSON line (`url`, `key`, `contact_uuid`) once it serves, then runs until killed.
Without `--limit` the rate limit is off (benchmarks send more than production allows).
`--contacts N` also stores `contact.0@bikinibottom.sea` ... `contact.<N-1>@...`.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from piggy_async.testing import FakePiggy, Faults, RateLimit


async def main(args: argparse.Namespace) -> None:
    faults = Faults(error_500=args.error_500, error_503=args.error_503, reset=args.reset)
    limit = RateLimit(limit=args.limit, window=args.window)
    async with FakePiggy(rate_limit=limit, faults=faults, seed=args.seed) as server:
        # created in the fake's state, not through the API: it spends none of the budget
        contact = server.state.add_contact("bench@bikinibottom.sea", channel="OAUTH_API")
        for number in range(args.contacts):
            server.state.add_contact(f"contact.{number}@bikinibottom.sea", channel="OAUTH_API")
        line = {"url": server.url, "key": server.oauth_key, "contact_uuid": contact.uuid}
        print(json.dumps(line), flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench._server")
    parser.add_argument("--limit", type=int, default=10**9)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--error-500", type=float, default=0.0)
    parser.add_argument("--error-503", type=float, default=0.0)
    parser.add_argument("--reset", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--contacts", type=int, default=0)
    asyncio.run(main(parser.parse_args()))
