"""`python -m piggy_async.testing serve`: run FakePiggy in the foreground until Ctrl-C,
delivering webhooks as they fall due."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Sequence

import attrs

from piggy_async._defaults import API_PREFIXES, TOKEN_PATH

from ._faults import Faults
from ._rate_limit import RateLimit
from ._server import FakePiggy

WEBHOOK_INTERVAL = 1.0
"""Seconds between delivery runs of the standalone server."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m piggy_async.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake Piggy API until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=0, help="for reproducible uuids and faults")
    serve.add_argument(
        "--shuffle-ties",
        type=int,
        metavar="SEED",
        help="return same-second items of lists in a different order on every request",
    )
    budget = RateLimit()
    serve.add_argument("--rate-limit", type=int, default=budget.limit, help="requests per key")
    serve.add_argument("--rate-window", type=float, default=budget.window, help="seconds")
    for field in attrs.fields(Faults):
        serve.add_argument(
            f"--{field.name.replace('_', '-')}",
            type=float,
            default=field.default,
            help=field.metadata["help"],
        )
    return parser


async def _serve(server: FakePiggy) -> None:
    async with server:
        print(f"FakePiggy on {server.url}")
        print(f"  OAuth API     {server.url}{API_PREFIXES['oauth']}  key {server.oauth_key}")
        print(f"  Register API  {server.url}{API_PREFIXES['register']}  key {server.register_key}")
        print(
            f"  Token         POST {server.url}{TOKEN_PATH}"
            f"  client_id {server.client_id}  client_secret {server.client_secret}"
        )
        print(f"  Default shop  {server.state.default_shop_uuid}")
        print(f"  Webhooks      delivered every {WEBHOOK_INTERVAL:g} s while it runs")
        print("Ctrl-C to stop.", flush=True)
        while True:  # in the foreground nobody else runs the deliveries
            await server.webhooks.deliver_due()
            await asyncio.sleep(WEBHOOK_INTERVAL)


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        server = FakePiggy(
            host=args.host,
            port=args.port,
            seed=args.seed,
            shuffle_ties=args.shuffle_ties,
            rate_limit=RateLimit(args.rate_limit, args.rate_window),
            faults=Faults(
                **{field.name: getattr(args, field.name) for field in attrs.fields(Faults)}
            ),
        )
    except ValueError as error:
        parser.error(str(error))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(server))


if __name__ == "__main__":
    main()
