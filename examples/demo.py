"""The SDK's main job, end to end, against the bundled fake Piggy server.

A contact is created, found by email, updated, credited at the till, and its loyalty
transactions are paged through, all over real HTTP on 127.0.0.1 with no configuration.

    make demo      (or: .venv/bin/python examples/demo.py)
"""

from __future__ import annotations

import asyncio

from piggy_async import APIError, ErrorCode, OAuthClient, RegisterClient
from piggy_async.testing import FakePiggy


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


if __name__ == "__main__":
    asyncio.run(main())
