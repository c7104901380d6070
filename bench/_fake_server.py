"""A fake Piggy server in its own process, so it does not share a core with the client.

Prints one JSON line (`url`, `key`, `contact_uuid`) once it serves, then runs until killed.
"""

from __future__ import annotations

import asyncio
import json

from piggy_async import OAuthClient
from piggy_async.testing import FakePiggy, RateLimit


async def main() -> None:
    async with FakePiggy(rate_limit=RateLimit(limit=10**9)) as server:
        async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy:
            contact = await piggy.contacts.create(email="bench@bikinibottom.sea")
        line = {"url": server.url, "key": server.oauth_key, "contact_uuid": contact.uuid}
        print(json.dumps(line), flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
