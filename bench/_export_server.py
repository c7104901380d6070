"""Serves `GET .../loyalty-transactions` as the API pages it: `created_at[gte]`/`[lt]`,
`sort` (`created_at` or `-created_at`), `page`, `limit` (at most 100) and `meta.total`, over
`ITEMS` transactions created `PER_SECOND` a second, each answer held back `LATENCY` seconds.

`python -m bench._export_server ITEMS PER_SECOND LATENCY`; prints `{"url": ...}` once it
serves.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import sys
from datetime import UTC, datetime

from aiohttp import web

from bench._process import serve_forever
from bench.decode import page_data

START = 1_700_000_000


def _items(count: int, per_second: int) -> tuple[list[int], list[bytes]]:
    """Each item's creation second, and the item as JSON, oldest first."""
    template = page_data(100)
    seconds, bodies = [], []
    for number in range(count):
        second = START + number // per_second
        item = {
            **template[number % len(template)],
            "uuid": f"{number:08d}-0000-4000-8000-000000000000",
            "created_at": datetime.fromtimestamp(second, UTC).isoformat(),
        }
        seconds.append(second)
        bodies.append(json.dumps(item).encode())
    return seconds, bodies


def _second(text: str | None, default: int) -> int:
    return default if text is None else math.ceil(datetime.fromisoformat(text).timestamp())


async def main(count: int, per_second: int, latency: float) -> None:
    seconds, bodies = _items(count, per_second)

    async def handle(request: web.Request) -> web.Response:
        if latency:
            await asyncio.sleep(latency)
        query = request.query
        low = bisect.bisect_left(seconds, _second(query.get("created_at[gte]"), 0))
        high = bisect.bisect_left(seconds, _second(query.get("created_at[lt]"), sys.maxsize))
        size = min(int(query.get("limit", "30")), 100)
        page = int(query.get("page", "1"))
        chosen = range(low, high)
        if query.get("sort") == "-created_at":
            chosen = chosen[::-1]
        window = chosen[(page - 1) * size : page * size]
        total = len(chosen)
        meta = {"page": page, "limit": size, "last_page": max(1, math.ceil(total / size))}
        body = b'{"data":[%s],"meta":%s}' % (
            b",".join(bodies[index] for index in window),
            json.dumps({**meta, "total": total}).encode(),
        )
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/v3/oauth/clients/loyalty-transactions", handle)
    await serve_forever(app)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
