"""One process of a deployment: an `OAuthClient` sharing its budget through Redis GETs a
contact from FakePiggy at a given concurrency until its stdin closes (or `--requests` are
done).

It reports on stdout as JSON lines: `{"shared": bool}` when its limiter starts or stops
sharing through Redis, `{"progress": n}` after its first `n` calls, and at the end
`{"done": ..., "started": ..., "rate_limited": ..., "errors": [...]}`.

    python worker.py BASE_URL API_KEY CONTACT_UUID REDIS_URL --window 1 --concurrency 32

`--timeout S` is each call's deadline (a call the limiter would hold longer fails at once),
`--redis-timeout S` the limiter's for each Redis call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from piggy_async import OAuthClient, TransportEvent
from piggy_async.limiters import RedisLimiter


def report(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def run(args: argparse.Namespace) -> None:
    limiter = RedisLimiter(
        args.redis_url, window=args.window, retry_interval=0.2, timeout=args.redis_timeout
    )
    done = rate_limited = started = 0
    errors: list[str] = []
    shared: bool | None = None
    stopping = asyncio.Event()

    def count(event: TransportEvent) -> None:
        nonlocal rate_limited
        rate_limited += event.kind == "rate_limited"

    async def worker(piggy: OAuthClient) -> None:
        nonlocal done, started, shared
        while not stopping.is_set() and (args.requests is None or started < args.requests):
            started += 1
            try:
                await piggy.contacts.get(args.contact)
            except Exception as error:
                errors.append(repr(error))
            done += 1
            if done == args.progress:
                report(progress=done)
            if limiter.shared != shared:
                shared = limiter.shared
                report(shared=shared)

    stdin = asyncio.StreamReader()
    pipe, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin
    )

    async def stop_at_end_of_stdin() -> None:
        await stdin.read()
        stopping.set()

    watcher = asyncio.create_task(stop_at_end_of_stdin() if args.requests is None else stdin.read())
    async with OAuthClient(
        api_key=args.api_key,
        base_url=args.base_url,
        limiter=limiter,
        connection_limit=args.concurrency,
        on_event=count,
        timeout=args.timeout,
    ) as piggy:
        await asyncio.gather(*(worker(piggy) for _ in range(args.concurrency)))
    watcher.cancel()
    pipe.close()
    report(done=done, started=started, rate_limited=rate_limited, errors=errors[:5])


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("base_url", "api_key", "contact", "redis_url"):
        parser.add_argument(name)
    parser.add_argument("--window", type=float, required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--progress", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--redis-timeout", type=float, default=0.25)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
