"""`piggy import-contacts --shard K/N`: N workers split one file between them, each with its
own checkpoint, drawing from one budget through Redis (`PIGGY_LIMITER_URL`)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
import redis.asyncio
from cli_helpers import environment, finish, piggy, start
from test_bulk_import import assert_imported

from piggy_async.bulk import ContactRow, parse_shard, shard
from piggy_async.testing import FakePiggy, RedisServer, write_sample_csv


def test_shards_split_the_rows_and_keep_one_address_together() -> None:
    rows = [ContactRow(n, f"Person{n % 50}@Example.com", {}) for n in range(2, 202)]
    rows.append(ContactRow(202, "  person7@example.COM ", {}))
    shares = [list(shard(rows, part, 4)) for part in range(1, 5)]

    assert sorted(row.number for share in shares for row in share) == list(range(2, 203))
    assert all(shares)
    for share in shares:  # an address's rows, however written, are all in one share
        others = [row for other in shares if other is not share for row in other]
        keys = {row.email.strip().lower() for row in share}
        assert not [row for row in others if row.email.strip().lower() in keys]
    assert shares == [list(shard(rows, part, 4)) for part in range(1, 5)]  # every run


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "2/", "a/4", "2/4/1", "-1/4"])
def test_a_shard_that_is_not_k_of_n_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="K/N"):
        parse_shard(text)


def test_the_command_line_refuses_a_bad_shard(tmp_path: Path) -> None:
    sample = write_sample_csv(tmp_path / "contacts.csv", rows=5, seed=1)
    outcome = piggy(environment(None), "import-contacts", sample.path, "--shard", "5/4")
    assert outcome.code == 2
    assert "--shard" in outcome.stderr


async def test_four_workers_import_their_shares_through_one_budget(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    sample = write_sample_csv(tmp_path / "contacts.csv", rows=200, seed=5)
    async with FakePiggy(log_size=100_000) as server:
        # a loaded machine must not make a worker give up on Redis and pace alone
        env = {**environment(server), "PIGGY_LIMITER_URL": redis_server.url + "?timeout=5"}
        workers = await asyncio.gather(
            *(
                start(env, "import-contacts", sample.path, "--shard", f"{part}/4")
                for part in range(1, 5)
            )
        )
        outcomes = [await finish(worker) for worker in workers]

        assert all(outcome.code in (0, 1) for outcome in outcomes), outcomes
        assert_imported(server, sample)
        sent = len([request for request in server.state.requests if request.operation])
    failed: set[int] = set()
    for part in range(1, 5):
        assert (tmp_path / f"contacts.csv.{part}-of-4.import.sqlite").exists()
        errors = tmp_path / f"contacts.csv.{part}-of-4.failed.csv"
        if errors.exists():
            lines = errors.read_text().splitlines()
            failed |= {int(row["row"]) for row in csv.DictReader(lines)}
    assert failed == sample.invalid_rows
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        [budget] = [
            key async for key in client.scan_iter("piggy:limit:*") if b":members" not in key
        ]
        state = await client.hgetall(budget)
    # every request of the four processes was granted from the one budget in Redis
    assert (int(state[b"limit"]), int(state[b"used"])) == (5000, sent)
