"""`import_contacts`: load contact rows into Piggy, exactly once each, resumable.

    rows ─► validate + merge duplicates ─► checkpoint (SQLite, one transaction)
         ─► bounded queue ─► N workers: find ─► (find_or_create) ─► update if different
         ─► each outcome committed to the checkpoint

Every call a worker makes is safe to repeat (GETs and a PUT), so the transport retries
transient failures on its own, and a run killed anywhere redoes at most the contacts it
had in flight, finding them instead of creating them twice. A contact is marked `creating`
in the checkpoint before it is created, so a resumed run still counts it as created.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import Any, Final

from .._clients import OAuthClient, RegisterClient
from .._errors import (
    APIError,
    MalformedResponseError,
    OutcomeUnknownError,
    PiggyError,
    UnprocessableEntityError,
)
from .._generated.error_codes import ErrorCode
from ._checkpoint import UNFINISHED, Checkpoint, Digest, PendingContact, Status
from ._lock import exclusive
from ._rows import ContactRow, row_from_mapping
from ._types import ImportProgress, ImportResult, ImportStopped

Row = ContactRow | Mapping[str, Any]
Rows = Iterable[Row] | AsyncIterable[Row]

DEFAULT_CONCURRENCY: Final = 8
RECONCILE_ATTEMPTS: Final = 3
"""How often a contact is started over from the lookup after an answer was lost (a write
that may or may not have landed, an error answer cut short)."""
_BATCH: Final = 256

ROW_ERRORS: Final = frozenset({ErrorCode.INVALID_INPUT, ErrorCode.CONTACT_NOT_FOUND})
"""API error codes that are the row's fault (bad input, or the contact vanished midway);
any other error stops the run, as no other row would fare better."""


async def import_contacts(
    client: OAuthClient | RegisterClient,
    rows: Rows,
    *,
    checkpoint: str | os.PathLike[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Import contacts: one per unique e-mail address, with the rows' attributes.

        rows = read_contacts_csv("contacts.csv")
        result = await import_contacts(piggy, rows, checkpoint="contacts.import.sqlite")
        print(result.created, result.updated, result.failed)

    Rows are `ContactRow`s or mappings `{"email": ..., "<attribute>": ...}` (numbered from
    1), from any iterable or async iterable. Invalid rows and rows the API refuses are
    failures in the result, not exceptions. Rows sharing an address (ignoring case) are
    merged, later values winning. Existing contacts are found and updated where their
    attributes differ.

    With `checkpoint`, the run is recorded in that SQLite file and running again with the
    same file and the same rows resumes; the result then covers every run.
    `check_contacts` does the validation and merging alone, sending nothing.

    Raises:
        ImportStopped: An error stopped the run (credentials, network, rate limit,
            maintenance); its `result` has the counts so far and `error` the cause.
        ValueError: Bad arguments, or a checkpoint made from other rows.
        FileInUseError: Another process is importing with the same checkpoint (a
            ValueError too).
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    with exclusive(checkpoint, "checkpoint"):
        store = Checkpoint(checkpoint)
        try:
            await _load(store, rows)
            try:
                await _Run(client, store, concurrency, on_progress).run()
            except _Stopped as stopped:
                raise ImportStopped(_result(store), stopped.error) from stopped.error
            return _result(store)
        finally:
            store.close()


async def check_contacts(rows: Rows) -> ImportResult:
    """What `import_contacts` would start from, without sending anything: the invalid
    rows as `failures`, the duplicates merged, every unique valid address `pending`."""
    store = Checkpoint(None)
    try:
        await _load(store, rows)
        return _result(store)
    finally:
        store.close()


def import_result(checkpoint: str | os.PathLike[str]) -> ImportResult:
    """The counts an import recorded in its checkpoint so far (e.g. after it was stopped):
    all zero if it never finished reading its input."""
    with exclusive(checkpoint, "checkpoint"):
        store = Checkpoint(checkpoint)
        try:
            return _result(store)
        finally:
            store.close()


async def _load(store: Checkpoint, rows: Rows) -> None:
    """Read every row into the checkpoint, or check that a loaded one holds the same rows."""
    digest = Digest()
    loading = not store.loaded
    if loading:
        store.begin_load()
    try:
        async for row in _contact_rows(rows):
            digest.add(row)
            if loading:
                store.add_row(row)
    except BaseException:
        store.abort_load()
        raise
    if loading:
        store.finish_load(digest.hexdigest())
    else:
        store.check_digest(digest.hexdigest())


async def _contact_rows(rows: Rows) -> AsyncIterable[ContactRow]:
    if isinstance(rows, AsyncIterable):
        number = 0
        async for row in rows:
            number += 1
            yield _as_row(number, row)
    else:
        for number, row in enumerate(rows, start=1):
            yield _as_row(number, row)
            if number % _BATCH == 0:
                await asyncio.sleep(0)  # a long synchronous read must not starve the loop


def _as_row(number: int, row: Row) -> ContactRow:
    if isinstance(row, ContactRow):
        return row
    if isinstance(row, Mapping):
        return row_from_mapping(number, row)
    raise TypeError(f"rows must be ContactRow or mappings, got {type(row).__name__}")


def _result(store: Checkpoint) -> ImportResult:
    contacts = store.contact_counts()
    rows = store.row_counts()
    return ImportResult(
        rows=store.rows,
        created=contacts.get("created", 0),
        updated=contacts.get("updated", 0),
        unchanged=contacts.get("unchanged", 0),
        duplicates=rows.get("duplicate", 0),
        failed=rows.get("failed", 0),
        pending=sum(contacts.get(status, 0) for status in UNFINISHED),
        failures=tuple(store.failures()),
    )


class _Stopped(Exception):
    def __init__(self, error: PiggyError) -> None:
        super().__init__(str(error))
        self.error = error


class _Run:
    """One run over the checkpoint's unfinished contacts: a producer filling a bounded
    queue from the checkpoint, and `concurrency` workers draining it."""

    def __init__(
        self,
        client: OAuthClient | RegisterClient,
        store: Checkpoint,
        concurrency: int,
        on_progress: Callable[[ImportProgress], None] | None,
    ) -> None:
        self._contacts = client.contacts
        self._store = store
        self._concurrency = concurrency
        self._on_progress = on_progress
        counts = store.contact_counts()
        self._total = sum(counts.values())
        self._failed = counts.get("failed", 0)
        self._done = self._total - sum(counts.get(status, 0) for status in UNFINISHED)

    async def run(self) -> None:
        self._report()
        queue: asyncio.Queue[PendingContact | None] = asyncio.Queue(self._concurrency * 2)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._produce(queue))
                for _ in range(self._concurrency):
                    group.create_task(self._work(queue))
        except* _Stopped as stopped:
            raise stopped.exceptions[0] from None

    async def _produce(self, queue: asyncio.Queue[PendingContact | None]) -> None:
        after = 0
        while batch := self._store.pending(after, _BATCH):
            for contact in batch:
                await queue.put(contact)
            after = batch[-1].id
        for _ in range(self._concurrency):
            await queue.put(None)

    async def _work(self, queue: asyncio.Queue[PendingContact | None]) -> None:
        while (contact := await queue.get()) is not None:
            try:
                status, uuid = await self._import(contact)
            except PiggyError as error:
                if not _is_row_error(error):
                    raise _Stopped(error) from error
                self._store.set_status(contact.id, "failed", reason=_reason(error))
                self._failed += 1
            else:
                self._store.set_status(contact.id, status, uuid=uuid)
            self._done += 1
            self._report()

    async def _import(self, contact: PendingContact) -> tuple[Status, str]:
        """Find or create the contact and set its attributes; a step whose outcome was lost
        is resolved by starting over from the lookup, which sees what that step did."""
        attempts = RECONCILE_ATTEMPTS
        while True:
            try:
                return await self._ensure(contact)
            except PiggyError as error:
                attempts -= 1
                if not attempts or not _lost(error):
                    raise

    async def _ensure(self, contact: PendingContact) -> tuple[Status, str]:
        try:
            found = await self._contacts.find_one_by(email=contact.email)
        except APIError as error:
            if error.code != ErrorCode.CONTACT_NOT_FOUND:
                raise
            self._store.set_status(contact.id, "creating")
            contact.status = "creating"
            found = await self._contacts.find_or_create(email=contact.email)
        changes = differences(contact.attributes, found.current_values or {})
        if changes:
            await self._contacts.update(found.uuid, attributes=changes)
        if contact.status == "creating":
            return "created", found.uuid
        return ("updated" if changes else "unchanged"), found.uuid

    def _report(self) -> None:
        if self._on_progress is not None:
            self._on_progress(ImportProgress(self._total, self._done, self._failed))


def _lost(error: PiggyError) -> bool:
    """Whether the answer to a step was lost: the write may have landed (the transport does
    not repeat those), or the answer, success or error, could not be read."""
    if isinstance(error, OutcomeUnknownError | MalformedResponseError):
        return True
    return (
        isinstance(error, APIError)
        and error.status < 500
        and error.code is None
        and error.body is None
    )


def _is_row_error(error: PiggyError) -> bool:
    if isinstance(error, UnprocessableEntityError):
        return True
    return isinstance(error, APIError) and error.status < 500 and error.code in ROW_ERRORS


def _reason(error: PiggyError) -> str:
    if isinstance(error, APIError):
        fields = "; ".join(
            f"{name}: {' '.join(map(str, messages if isinstance(messages, list) else [messages]))}"
            for name, messages in error.errors.items()
        )
        return f"refused by the API ({error.code}): {fields or error.message}"
    return str(error)


def differences(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The wanted attributes whose value the contact does not have yet, compared as text
    (a CSV gives `"42"` and `"true"` where the API holds `42` and `True`)."""
    return {
        name: value
        for name, value in wanted.items()
        if name not in current or _text(current[name]) != _text(value)
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
