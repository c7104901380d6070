"""`python -m bench.arguments`: what a call costs before anything is sent.

Times generated methods with the network cut out, in microseconds per call, two ways:

- `method`: the method alone (its argument checks), the client's `request`/`paginate`
  replaced by a no-op;
- `path`: the whole request path up to the transport (checks, URL, query and body encoding,
  decoding and structuring a canned answer), the client's transport `send` replaced.

`--compare DIR` runs the same script against another checkout (e.g. main) in alternating
rounds, each in a fresh process, and prints the after/before ratios of the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piggy_async import OAuthClient

_CONTACT = {"data": {"uuid": "c2b6d1f0-6a8e-4a4c-9a51-1f3a0e0b9c11", "email": "a@b.c"}}
_PAGE = {"data": [], "meta": {"page": 1, "limit": 30, "last_page": 1, "total": 0}}
_CREDIT = {
    "data": {"uuid": "c2b6d1f0-6a8e-4a4c-9a51-1f3a0e0b9c12", "credits": 10, "type": "credit"}
}


def _calls(piggy: OAuthClient) -> dict[str, Callable[[], Awaitable[Any]]]:
    since = datetime(2024, 1, 1, tzinfo=UTC)

    async def find_one_by() -> Any:
        return await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")

    async def list_page() -> Any:
        return await piggy.loyalty_transactions.list(
            contact_uuid="c2b6d1f0-6a8e-4a4c-9a51-1f3a0e0b9c11",
            limit=50,
            sort="-created_at",
            created_at_gte=since,
        )

    async def credit() -> Any:
        return await piggy.credit_receptions.create(
            shop_uuid="c2b6d1f0-6a8e-4a4c-9a51-1f3a0e0b9c13",
            contact_uuid="c2b6d1f0-6a8e-4a4c-9a51-1f3a0e0b9c11",
            unit_value=10.4,
            timeout=5,
        )

    return {"find_one_by": find_one_by, "list": list_page, "credit_create": credit}


class _Done:
    """An awaitable that is already done: what the stubbed `paginate` returns."""

    def __await__(self) -> Any:
        return iter(())


_DONE = _Done()
_ANSWERS = {"find_one_by": _CONTACT, "list": _PAGE, "credit_create": _CREDIT}


async def _time(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls * 1e6


async def _measure(calls: int) -> dict[str, float]:
    results: dict[str, float] = {}
    async with OAuthClient(api_key="bench-key", base_url="http://127.0.0.1:9") as piggy:
        client: Any = piggy
        for name, call in _calls(piggy).items():
            body = json.dumps(_ANSWERS[name]).encode()

            async def send(operation: Any, *args: Any, _body: bytes = body, **kwargs: Any) -> Any:
                decode = args[5]  # after url, params, payload, headers, settings
                return decode(operation, (200, _body, {}))

            async def request(*args: Any, **kwargs: Any) -> None:
                return None

            client.request = request
            client.paginate = lambda *args, **kwargs: _DONE
            results[f"method {name}"] = await _time(call, calls)
            del client.request, client.paginate
            client._transport.send = send
            results[f"path   {name}"] = await _time(call, calls)
            del client._transport.send
    return results


def _child(calls: int) -> None:
    print(json.dumps(asyncio.run(_measure(calls))))


def _run(source: Path, calls: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    script = Path(__file__).resolve()
    output = subprocess.run(
        [sys.executable, str(script), "--child", "--calls", str(calls)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=source,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.arguments", description=__doc__)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another checkout to compare with")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.calls)
        return
    here = Path(__file__).resolve().parent.parent
    sources = [here] + ([args.compare.resolve()] if args.compare else [])
    rounds: dict[Path, list[dict[str, float]]] = {source: [] for source in sources}
    for number in range(args.rounds):  # ABBA: neither checkout always runs first
        for source in sources[:: -1 if number % 2 else 1]:
            rounds[source].append(_run(source, args.calls))
    medians = {
        source: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for source, runs in rounds.items()
    }
    for key in medians[here]:
        line = f"{key:<22} {medians[here][key]:7.2f} µs/call"
        if args.compare:
            before = medians[args.compare.resolve()][key]
            ratio = medians[here][key] / before
            line += f"   {args.compare.name}: {before:7.2f} µs/call   ratio {ratio:.2f}"
        print(line)


if __name__ == "__main__":
    main()
