"""The SDK's main job, end to end, against the bundled fake Piggy server.

A contact is created, found by email, updated, credited at the till, and its loyalty
transactions are paged through, all over real HTTP on 127.0.0.1 with no configuration.
Then 300 calls race a budget of 100 requests per 2 s, and finish without an error.

    make demo      (or: .venv/bin/python examples/demo.py)
"""

from __future__ import annotations

import asyncio
import collections
import time

from piggy_async import APIError, ErrorCode, OAuthClient, RegisterClient, TransportEvent
from piggy_async.testing import FakePiggy, RateLimit


async def main() -> None:
    async with FakePiggy() as server:
        print(f"fake Piggy listening on {server.url}\n")
        async with (
            OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy,
            RegisterClient(api_key=server.register_key, base_url=server.url) as pos,
        ):
            created = await piggy.contacts.create(email="sandy@bikinibottom.sea")
            print(f"created contact   {created.uuid}")

            contact = await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")
            print(f"found by email    {contact.email} (uuid {contact.uuid})")

            contact = await piggy.contacts.update(
                contact.uuid, attributes={"firstname": "Sandy", "lastname": "Cheeks"}
            )
            values = contact.current_values or {}
            print(f"updated           {values.get('firstname')} {values.get('lastname')}")

            for euros in (12.5, 7.0, 30.25, 4.75, 18.0, 9.5, 22.0):
                await pos.credit_receptions.create(contact_uuid=contact.uuid, unit_value=euros)
            balance = await piggy.contacts.get_credit_balance(contact.uuid)
            print(f"credited 7 times  balance is now {balance.balance} credits\n")

            print("loyalty transactions, 3 per page, newest first:")
            pages = piggy.loyalty_transactions.list(
                contact_uuid=contact.uuid, limit=3, sort="-created_at"
            ).pages()
            async for page in pages:
                credits = ", ".join(f"{t.credits:+d}" for t in page.items)
                print(f"  page {page.page}/{page.last_page}: {credits}")

            try:
                await piggy.contacts.find_one_by(email="plankton@bikinibottom.sea")
            except APIError as error:
                if error.code != ErrorCode.CONTACT_NOT_FOUND:
                    raise
                print(f"\nunknown email     {error}  -> ErrorCode.{ErrorCode(error.code).name}")


async def past_the_budget() -> None:
    """More calls than the budget allows: the client waits for the next window instead of
    failing, and its limiter keeps it from running into the limit again and again."""
    print("\n300 calls at concurrency 50, against a budget of 100 requests per 2 s:")
    async with FakePiggy(rate_limit=RateLimit(limit=100, window=2)) as server:
        uuid = server.state.add_contact("patrick@bikinibottom.sea", channel="OAUTH_API").uuid
        counts: collections.Counter[str] = collections.Counter()

        def count(event: TransportEvent) -> None:
            counts[f"HTTP {event.status}" if event.kind == "response" else event.kind] += 1

        async with OAuthClient(
            api_key=server.oauth_key, base_url=server.url, on_event=count
        ) as piggy:
            started = time.perf_counter()
            gate = asyncio.Semaphore(50)

            async def get() -> None:
                async with gate:
                    await piggy.contacts.get(uuid)

            await asyncio.gather(*(get() for _ in range(300)))
            elapsed = time.perf_counter() - started
            print(
                f"  all 300 done in {elapsed:.1f} s, none failed: {counts['HTTP 200']} answered "
                f"200 and {counts['HTTP 429']} answered 429 (then retried); "
                f"{counts['wait']} calls waited for the next window"
            )
            state = piggy.rate_limit
            print(f"  budget as last seen: {state.remaining} of {state.limit} left")


if __name__ == "__main__":
    asyncio.run(main())
    asyncio.run(past_the_budget())
