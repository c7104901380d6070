"""Serves `GET .../loyalty-transactions?page=N` for `pages` pages of `per_page` transactions
and `GET .../contacts/{uuid}` (the seed contact), each answer held back `latency` seconds
(the network and the API's own time).

`python -m bench._paged_server PAGES PER_PAGE LATENCY`; prints `{"url": ...}` once it serves.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiohttp import web

from bench._process import serve_forever
from bench.decode import contact_data, page_data


async def main(pages: int, per_page: int, latency: float) -> None:
    items = page_data(per_page)
    bodies = {
        page: json.dumps(
            {
                "data": [  # every page its own items, as the API's pages are
                    {**item, "uuid": f"{page:08d}-0000-4000-8000-{index:012d}"}
                    for index, item in enumerate(items)
                ],
                "meta": {"page": page, "limit": per_page, "last_page": pages, "total": pages},
            }
        ).encode()
        for page in range(1, pages + 1)
    }

    async def handle(request: web.Request) -> web.Response:
        if latency:
            await asyncio.sleep(latency)
        body = bodies.get(int(request.query.get("page", "1")))
        if body is None:
            return web.json_response({"data": [], "meta": {"last_page": pages}})
        return web.Response(body=body, content_type="application/json")

    contact = json.dumps({"data": contact_data(), "meta": []}).encode()

    async def get_contact(_request: web.Request) -> web.Response:
        if latency:
            await asyncio.sleep(latency)
        return web.Response(body=contact, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/v3/oauth/clients/loyalty-transactions", handle)
    app.router.add_get("/api/v3/oauth/clients/contacts/{uuid}", get_contact)
    await serve_forever(app)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
