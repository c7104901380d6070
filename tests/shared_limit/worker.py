"""One process of a deployment: GETs a contact from FakePiggy at a given concurrency, pacing
through a `RedisLimiter`, until its stdin closes (or `--requests` are done).

It reports on stdout as JSON lines: `{"shared": bool}` when the limiter starts or stops
sharing through Redis, `{"progress": n}` after its first `n` requests, and at the end
`{"done": ..., "rate_limited": ..., "errors": [...]}`.

    python worker.py BASE_URL API_KEY CONTACT_UUID REDIS_URL --window 1 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys

import aiohttp

from piggy_async.limiters import RedisLimiter


def report(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def run(args: argparse.Namespace) -> None:
    limiter = RedisLimiter(args.redis_url, window=args.window, retry_interval=0.2)
    key = hashlib.sha256(args.api_key.encode()).hexdigest()
    target = f"{args.base_url}/api/v3/oauth/clients/contacts/{args.contact}"
    headers = {"Authorization": f"Bearer {args.api_key}"}
    done = rate_limited = started = 0
    errors: list[str] = []
    shared: bool | None = None
    stopping = asyncio.Event()

    async def send(session: aiohttp.ClientSession) -> None:
        nonlocal rate_limited
        while True:
            await limiter.acquire(key)
            async with session.get(target, headers=headers) as response:
                await response.read()
                limiter.observe(key, response.status, response.headers)
            if response.status != 429:
                response.raise_for_status()
                return
            rate_limited += 1

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done, started, shared
        while not stopping.is_set() and (args.requests is None or started < args.requests):
            started += 1
            try:
                await send(session)
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
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(args.concurrency)))
    await limiter.aclose()
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
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
