"""What the bulk jobs report: progress, results, failed rows, and the error that stops a run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from .._errors import PiggyError
from ._patience import Outage


@attrs.frozen
class RowFailure:
    """An input row that was not imported, and why (`reason` never holds a credential)."""

    row: int
    email: str
    reason: str


@attrs.frozen
class ImportProgress:
    """Where an import stands, in unique contacts (duplicate rows are merged first).

    Attributes:
        total: Unique valid e-mail addresses in the input.
        done: Of those, how many are finished (in this run or an earlier one).
        failed: Of those, how many the API refused.
        waiting: The outage the import waits through, or None while it runs.
    """

    total: int
    done: int
    failed: int
    waiting: Outage | None = None


@attrs.frozen
class ImportResult:
    """The outcome of an import, over every run that shared its checkpoint.

    Each contact is found or created in one request, whose answer does not say which
    happened; `imported` counts both, split by whether attributes then had to be set.

    Attributes:
        rows: Input rows read.
        updated: Contacts found or created, then given the row's attributes they lacked.
        unchanged: Contacts found or created that had the row's attributes already (a new
            contact from a row with an address alone is one of these).
        duplicates: Rows merged into an earlier row with the same e-mail address.
        failed: Rows not imported (invalid, or refused by the API): see `failures`.
        pending: Contacts not processed yet (a dry run processes none).
        failures: Every failed row, in input order.
    """

    rows: int
    updated: int
    unchanged: int
    duplicates: int
    failed: int
    pending: int
    failures: tuple[RowFailure, ...]

    @property
    def imported(self) -> int:
        """Contacts found or created, with the rows' attributes (`updated + unchanged`)."""
        return self.updated + self.unchanged


class ImportStopped(PiggyError):
    """An import stopped before its end by an error no row can be blamed for (credentials,
    network, rate limit, maintenance). What was done is in the checkpoint: running the
    same import again with it resumes.

    Attributes:
        result: The counts when it stopped.
        error: The error that stopped it (also the `__cause__`).
    """

    def __init__(self, result: ImportResult, error: PiggyError) -> None:
        super().__init__(f"the import stopped: {error}")
        self.result = result
        self.error = error


@attrs.frozen
class ExportResult:
    """The outcome of one export run.

    Attributes:
        written: Items written to the output by this run.
        requests: Pages fetched.
        cursor: The creation second of the newest item exported so far (None if none yet).
        odd: Of the items written, those the SDK's models cannot take (a `null` where a
            number belongs, a kind the SDK does not know yet): written as received.
        unplaced: Items left out for want of a readable `created_at` or `uuid`.
        problems: Kind of problem (as logged) → items with it, for `odd` and `unplaced`.
    """

    written: int
    requests: int
    cursor: datetime | None
    odd: int = 0
    unplaced: int = 0
    problems: Mapping[str, int] = attrs.field(factory=dict)
