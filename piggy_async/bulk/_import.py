"""`import_contacts`: load contact rows into Piggy, exactly once each, resumable.

    rows ─► check + merge duplicates ─► checkpoint (SQLite, one transaction)
         ─► the rows' attributes checked against the account's (one request)
         ─► bounded queue ─► N workers: find_or_create ─► update what differs
         ─► each outcome committed to the checkpoint

Each contact costs one request if it already holds the row's values and two otherwise:
`find_or_create` answers with the contact's current values either way. Both calls are safe
to repeat, so the transport retries transient failures on its own, an outage is waited
out (`_patience.py`), and a run killed anywhere redoes at most the contacts it had in
flight, finding the ones it created instead of creating them twice.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from typing import Any, Final

from .. import _defaults
from .._clients import OAuthClient, RegisterClient
from .._errors import (
    APIError,
    MalformedResponseError,
    OutcomeUnknownError,
    PiggyError,
    UnprocessableEntityError,
)
from .._generated.error_codes import ErrorCode
from ._checkpoint import UNFINISHED, Checkpoint, PendingContact, Status
from ._columns import ContactAttributes, contact_attributes
from ._load import Rows, load
from ._lock import exclusive
from ._patience import Outage, Patience, is_outage
from ._types import ImportProgress, ImportResult, ImportStopped

DEFAULT_CONCURRENCY: Final = 8
RECONCILE_ATTEMPTS: Final = 3
"""How often a contact is started over from the lookup after an answer was lost (a write
that may or may not have landed, an error answer cut short)."""
_QUEUED: Final = 256

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
    attributes: ContactAttributes | None = None,
    max_pause: float = _defaults.MAX_PAUSE,
) -> ImportResult:
    """Import contacts: one per unique e-mail address, with the rows' attributes.

        rows = read_contacts_csv("contacts.csv")
        result = await import_contacts(piggy, rows, checkpoint="contacts.import.sqlite")
        print(result.imported, result.updated, result.failed)

    Rows are `ContactRow`s or mappings `{"email": ..., "<attribute>": ...}` (numbered from
    1), from any iterable or async iterable. Invalid rows and rows the API refuses are
    failures in the result, not exceptions. Rows sharing an address (ignoring case) are
    merged, later values winning. Each contact is found or created, then updated where
    its attributes differ.

    Before anything is sent, the attribute names the rows use are checked against the
    account's contact attributes (`attributes`, or one `contact_attributes.list` request).
    An outage (5xx, maintenance, the token endpoint failing, connections reset) is waited
    out for up to `max_pause` seconds, `on_progress` telling what is waited for.

    With `checkpoint`, the run is recorded in that SQLite file and running again with the
    same file and the same rows resumes; the result then covers every run.
    `check_contacts` does the validation and merging alone, sending nothing.

    Raises:
        ImportStopped: An error stopped the run (credentials, an outage past `max_pause`,
            rate limit); its `result` has the counts so far and `error` the cause.
        ValueError: Bad arguments, a checkpoint made from other rows, or rows setting
            attributes the account does not have (nothing is sent then).
        FileInUseError: Another process is importing with the same checkpoint (a
            ValueError too).
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    with exclusive(checkpoint, "checkpoint"):
        store = Checkpoint(checkpoint)
        try:
            names = await load(store, rows)
            run = _Run(client, store, concurrency, on_progress, max_pause)
            try:
                if store.contact_counts().get("pending"):
                    _check_names(names, attributes or await contact_attributes(client))
                await run.run()
            except _Stopped as stopped:
                raise ImportStopped(_result(store), stopped.error) from stopped.error
            except PiggyError as error:
                raise ImportStopped(_result(store), error) from error
            return _result(store)
        finally:
            store.close()


async def check_contacts(rows: Rows) -> ImportResult:
    """What `import_contacts` would start from, without sending anything: the invalid
    rows as `failures`, the duplicates merged, every unique valid address `pending`."""
    store = Checkpoint(None)
    try:
        await load(store, rows)
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


def _check_names(names: set[str], attributes: ContactAttributes) -> None:
    unknown = attributes.unknown(names)
    if unknown:
        raise ValueError(
            "the rows set attributes the account's contacts do not have: "
            + ", ".join(map(repr, unknown))
            + " (read_contacts_csv(columns=map_columns(...).targets) matches a file's"
            " columns to the account's attributes)"
        )


def _result(store: Checkpoint) -> ImportResult:
    contacts = store.contact_counts()
    duplicates, failed = store.other_rows()
    return ImportResult(
        rows=store.rows,
        updated=contacts.get("updated", 0),
        unchanged=contacts.get("unchanged", 0),
        duplicates=duplicates,
        failed=failed + contacts.get("failed", 0),
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
        max_pause: float,
    ) -> None:
        self._contacts = client.contacts
        self._store = store
        self._concurrency = concurrency
        self._on_progress = on_progress
        self._patience = Patience(client._transport.clock, max_pause, self._waiting)
        self._outage: Outage | None = None
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
        while batch := self._store.pending(after, _QUEUED):
            for contact in batch:
                await queue.put(contact)
            after = batch[-1].id
        for _ in range(self._concurrency):
            await queue.put(None)

    async def _work(self, queue: asyncio.Queue[PendingContact | None]) -> None:
        while (contact := await queue.get()) is not None:
            try:
                status, uuid = await self._patiently(contact)
            except PiggyError as error:
                if not _is_row_error(error):
                    raise _Stopped(error) from error
                self._store.set_status(contact.id, "failed", reason=_reason(error))
                self._failed += 1
            else:
                self._store.set_status(contact.id, status, uuid=uuid)
            self._done += 1
            self._report()

    async def _patiently(self, contact: PendingContact) -> tuple[Status, str]:
        """Import the contact, waiting through an outage for as long as the patience lasts."""
        attempt = 0
        while True:
            try:
                outcome = await self._import(contact)
            except PiggyError as error:
                if _is_row_error(error) or not is_outage(error):
                    raise
                await self._patience.wait(error, attempt)
                attempt += 1
            else:
                self._patience.recovered()
                return outcome

    async def _import(self, contact: PendingContact) -> tuple[Status, str]:
        """Find or create the contact and set its attributes; a step whose outcome was lost
        is resolved by starting over, which sees what that step did."""
        attempts = RECONCILE_ATTEMPTS
        while True:
            try:
                return await self._ensure(contact)
            except PiggyError as error:
                attempts -= 1
                if not attempts or not _lost(error):
                    raise

    async def _ensure(self, contact: PendingContact) -> tuple[Status, str]:
        found = await self._contacts.find_or_create(email=contact.email)
        changes = differences(contact.attributes, found.current_values or {})
        if changes:
            await self._contacts.update(found.uuid, attributes=changes)
        return ("updated" if changes else "unchanged"), found.uuid

    def _waiting(self, outage: Outage | None) -> None:
        self._outage = outage
        self._report()

    def _report(self) -> None:
        if self._on_progress is not None:
            progress = ImportProgress(self._total, self._done, self._failed, self._outage)
            self._on_progress(progress)


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
