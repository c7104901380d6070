"""The SQLite sink: an export's items upserted by uuid into a table named after the job.

    CREATE TABLE loyalty_transactions (uuid TEXT PRIMARY KEY, created_at TEXT, item TEXT)

`created_at` is the item's creation second in UTC (`2024-03-01T12:00:07Z`), `item` the JSON
object as the API sent it. Each batch is one transaction, committed before the export's
state moves past it: a batch stored again after a kill replaces its rows with themselves.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime

from ._stream import ExportStream
from ._types import ExportResult


async def write_sqlite(stream: ExportStream, out: str | os.PathLike[str]) -> ExportResult:
    """Run `stream` into the SQLite database `out` (created if missing).

    Raises:
        OSError: The database cannot be opened or written (the message names it).
    """
    table = stream.state.job
    try:
        database = sqlite3.connect(os.fspath(out))
    except sqlite3.Error as error:
        raise OSError(f"{os.fspath(out)!r}: {error}") from None
    try:
        with database:
            database.execute(
                f'CREATE TABLE IF NOT EXISTS "{table}"'
                " (uuid TEXT PRIMARY KEY, created_at TEXT NOT NULL, item TEXT NOT NULL)"
            )
        upsert = (
            f'INSERT INTO "{table}" (uuid, created_at, item) VALUES (?, ?, ?) ON CONFLICT(uuid)'
            " DO UPDATE SET created_at = excluded.created_at, item = excluded.item"
        )
        async for batch in stream.batches():
            rows = [
                (placed.uuid, _second(placed.second), str(placed.text, "utf-8"))
                for placed in batch._placed
            ]
            with database:
                database.executemany(upsert, rows)
            await batch.commit()
    except sqlite3.Error as error:
        raise OSError(f"{os.fspath(out)!r}: {error}") from None
    finally:
        database.close()
    return stream.result()


def _second(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
