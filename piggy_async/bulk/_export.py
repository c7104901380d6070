"""Incremental exports to JSON Lines: loyalty transactions and contacts.

Items are paged oldest first with `created_at >= cursor`, so items created while the export
runs land after the pages already read instead of shifting them. The state file (`_state`)
keeps the cursor second and the uuids exported at it: the next run neither skips nor
repeats an item created in that same second, and a run with nothing new costs one request.

Lines are written a page at a time, flushed to disk, and only then is the state advanced;
a killed run's partial page is cut off the output by the next run, which fetches it again.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal, TypeVar

from .._clients import OAuthClient, RegisterClient
from .._errors import MalformedResponseError
from .._model import Model
from .._pagination import AsyncPaginator
from .._unset import UNSET, Unset
from ..models import Contact, LoyaltyTransaction
from ._state import ExportState, load_state, save_state
from ._types import ExportResult

M = TypeVar("M", bound=Model)

PAGE_SIZE: Final = 100
"""The API's largest page."""


async def export_loyalty_transactions(
    client: OAuthClient,
    out: str | os.PathLike[str],
    *,
    since: datetime | None = None,
    state: str | os.PathLike[str] | None = None,
    type: Literal["credit_receptions", "reward_receptions"] | None = None,
    shop_uuid: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write loyalty transactions created at or after `since` to `out`, one JSON object (the
    model's `to_dict()`) per line, oldest first.

        await export_loyalty_transactions(piggy, "tx.jsonl", state="tx.state.json")

    With `state`, the export is incremental: the file records where it stopped, the next
    run appends only what is new to `out`, and a killed run resumes (`since` then only
    raises the starting point). Without it, `out` is replaced. `on_progress` gets the
    number of items written so far after every page.

    Raises:
        ValueError: The state file belongs to another export or to other filters.
    """
    filters = {"type": type, "shop_uuid": shop_uuid}

    def pages(start: datetime | None) -> AsyncPaginator[LoyaltyTransaction]:
        return client.loyalty_transactions.list(
            type=UNSET if type is None else type,
            shop_uuid=UNSET if shop_uuid is None else shop_uuid,
            created_at_gte=UNSET if start is None else start,
            sort="created_at",
            limit=PAGE_SIZE,
        )

    def created_at(item: LoyaltyTransaction) -> datetime | None:
        return None if isinstance(item.created_at, Unset) else item.created_at

    return await _export(
        "loyalty_transactions", filters, pages, created_at, out, since, state, on_progress
    )


async def export_contacts(
    client: OAuthClient | RegisterClient,
    out: str | os.PathLike[str],
    *,
    since: datetime | None = None,
    state: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write contacts created at or after `since` to `out` as JSON Lines, oldest first;
    incremental with `state`, as `export_loyalty_transactions` is."""

    def pages(start: datetime | None) -> AsyncPaginator[Contact]:
        return client.contacts.list(
            created_at_gte=UNSET if start is None else start, sort="created_at", limit=PAGE_SIZE
        )

    def created_at(item: Contact) -> datetime | None:
        value = (item.current_values or {}).get("created_at")
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    return await _export("contacts", {}, pages, created_at, out, since, state, on_progress)


async def _export(
    job: str,
    filters: dict[str, Any],
    pages: Callable[[datetime | None], AsyncPaginator[M]],
    created_at: Callable[[M], datetime | None],
    out: str | os.PathLike[str],
    since: datetime | None,
    state_path: str | os.PathLike[str] | None,
    on_progress: Callable[[int], None] | None,
) -> ExportResult:
    if since is not None and since.tzinfo is None:
        raise ValueError(f"since must be timezone-aware (e.g. datetime(..., tzinfo=UTC)): {since}")
    path, state = _begin(job, filters, out, state_path)
    start = max((moment for moment in (state.cursor, since) if moment is not None), default=None)
    written = requests = 0
    with _open_output(path, state, incremental=state_path is not None) as file:
        async for page in pages(start).pages():
            requests += 1
            for item in page.items:
                moment = created_at(item)
                if moment is None:
                    raise MalformedResponseError(
                        f"a {job} item without a readable created_at", status=200, body=b""
                    )
                if since is not None and moment < since:
                    continue
                if state.advance(moment.replace(microsecond=0), _uuid(item)):
                    file.write(_line(item))
                    written += 1
            if state_path is not None:  # the state names only what is on disk
                file.flush()
                os.fsync(file.fileno())
                state.output_path, state.committed = path, file.tell()
                save_state(os.fspath(state_path), state)
            if on_progress is not None:
                on_progress(written)
    return ExportResult(written=written, requests=requests, cursor=state.cursor)


def _begin(
    job: str,
    filters: dict[str, Any],
    out: str | os.PathLike[str],
    state_path: str | os.PathLike[str] | None,
) -> tuple[str, ExportState]:
    """The output's absolute path and the state to start from."""
    path = str(Path(out).absolute())
    if state_path is None:
        return path, ExportState(job, filters)
    return path, load_state(os.fspath(state_path), job, filters)


@contextlib.contextmanager
def _open_output(path: str, state: ExportState, *, incremental: bool) -> Iterator[BinaryIO]:
    """The output, opened for appending after its committed part (incremental runs) or
    emptied (one-off runs)."""
    with open(path, "ab" if incremental else "wb") as file:
        if incremental and state.output_path == path and file.tell() > state.committed:
            file.truncate(state.committed)  # the partial page of a run that was killed
        yield file


def _uuid(item: Model) -> str:
    uuid = getattr(item, "uuid", None)
    if not isinstance(uuid, str):
        raise MalformedResponseError("an exported item without a uuid", status=200, body=b"")
    return uuid


def _line(item: Model) -> bytes:
    return (json.dumps(item.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
