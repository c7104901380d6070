"""A FakePiggy whose lists shuffle same-second items, and a writer that keeps creating
loyalty transactions and contacts while an export reads them: on every request the server
serves, it adds a few items, moving its clock on a second now and then, so some seconds hold
hundreds of items and their order differs on every page."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

from piggy_async.testing import FakePiggy, VirtualClock
from piggy_async.testing._state import RequestRecord, TransactionRecord


class Writer:
    """Creates items of one kind ("transactions" or "contacts") on each request `server`
    serves, until `stop()`; `on_list(n)` hears of every n-th list request."""

    def __init__(self, server: FakePiggy, clock: VirtualClock, kind: str, *, seed: int) -> None:
        self._server = server
        self._clock = clock
        self._kind = kind
        self._rng = random.Random(seed)
        self._record = server.state.record
        self._created = 0
        self.lists = 0
        self.listed = asyncio.Event()
        self.list_target = 0
        self.contact = server.state.add_contact("sandy@bikinibottom.sea", channel="OAUTH_API")
        server.state.record = self._on_request  # type: ignore[method-assign]

    def burst(self, count: int) -> None:
        """`count` items in the clock's current second."""
        state = self._server.state
        for _ in range(count):
            self._created += 1
            if self._kind == "contacts":
                state.add_contact(f"fish{self._created}@bikinibottom.sea", channel="OAUTH_API")
                continue
            state.add_transaction(
                TransactionRecord(
                    uuid=state.new_uuid(),
                    type="credit_reception",
                    credits=1,
                    created_at=state.now(),
                    contact_uuid=self.contact.uuid,
                    shop_uuid=state.default_shop_uuid,
                    unit_value=1.0,
                )
            )

    def history(self, seconds: int) -> None:
        """`seconds` seconds of items before an export starts: most hold a few, some
        hundreds."""
        for _ in range(seconds):
            self.burst(self._rng.choice((0, 1, 3, 7, 20, 99, 100, 101, 250)))
            self._clock.advance(1)

    def _on_request(self, request: RequestRecord) -> None:
        self._record(request)
        if request.operation is not None and request.operation[1] == "list":
            self.lists += 1
            if self.lists == self.list_target:
                self.listed.set()
        self.burst(self._rng.choice((0, 1, 2, 5, 40, 120)))
        if self._rng.random() < 0.3:
            self._clock.advance(1)

    def stop(self) -> None:
        self._server.state.record = self._record  # type: ignore[method-assign]

    def expected(self) -> set[str]:
        state = self._server.state
        if self._kind == "contacts":
            return set(state.contacts)
        return set(state.transactions)


def created_at(line: dict[str, Any]) -> str:
    """An exported item's creation time (contacts keep it among their attributes)."""
    values = line.get("current_values")
    return str(values["created_at"] if isinstance(values, dict) else line["created_at"])


def exported(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_exactly_once_in_order(lines: list[dict[str, Any]], expected: set[str]) -> None:
    uuids = [str(line["uuid"]) for line in lines]
    assert len(uuids) == len(set(uuids)), "an item was exported twice"
    assert set(uuids) == expected, f"{len(expected - set(uuids))} items never exported"
    moments = [created_at(line) for line in lines]
    assert moments == sorted(moments), "items out of creation order"
