"""The export state file: where an incremental export stopped, as a small JSON document.

    {"job": "loyalty_transactions", "version": 1, "filters": {"type": null, ...},
     "cursor": "2024-03-01T12:00:07Z", "seen": ["<uuid>", ...],
     "output": {"path": "/abs/tx.jsonl", "committed": 81234}}

`cursor` is the creation second of the newest item exported, `seen` the uuids exported
with that very second (creation times have one-second resolution, so the next run asks for
`created_at >= cursor` and skips exactly these): every item created before `cursor` was
exported. `output` (JSON Lines only) is the file written and its length after the last
committed batch: a run killed after writing more left a tail there, which the next run
cuts off before appending. Every field is checked on loading, so a damaged file is an
error naming the field, never a reason to rewrite the output. The file is replaced
atomically (write, fsync, rename), so it is always the old state or the new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

import attrs

from .._encoding import utc_iso

VERSION: Final = 1


@attrs.define
class ExportState:
    job: str
    filters: dict[str, Any]
    cursor: datetime | None = None
    seen: set[str] = attrs.field(factory=set)
    output_path: str | None = None
    committed: int = 0

    def advance(self, newest: datetime, uuids: Iterable[str]) -> None:
        """Record items exported up to the second `newest`: `uuids` are those created in it."""
        if self.cursor != newest:
            self.cursor, self.seen = newest, set()
        self.seen.update(uuids)

    def to_json(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "version": VERSION,
            "filters": self.filters,
            "cursor": None if self.cursor is None else utc_iso(self.cursor),
            "seen": sorted(self.seen),
            "output": {"path": self.output_path, "committed": self.committed},
        }


def load_state(path: str, job: str, filters: dict[str, Any]) -> ExportState:
    """The state saved at `path`, or a fresh one if there is no such file.

    Raises:
        ValueError: The file is not a valid state of this job, or was made with other
            filters; the message names the file and the field.
    """
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except FileNotFoundError:
        return ExportState(job, filters)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"the export state {path!r} is not valid JSON") from None
    if not isinstance(data, dict) or data.get("job") != job or data.get("version") != VERSION:
        raise ValueError(f"{path!r} is not the state of a {job} export")
    if data.get("filters") != filters:
        raise ValueError(
            f"the export state {path!r} was made with other filters ({data.get('filters')});"
            " use another state file for these"
        )
    return _checked(path, data, job, filters)


def _checked(path: str, data: dict[str, Any], job: str, filters: dict[str, Any]) -> ExportState:
    def invalid(field: str, expected: str) -> ValueError:
        got = json.dumps(_field(data, field))[:80]
        return ValueError(f"the export state {path!r} is invalid: `{field}` must be {expected},"
                          f" not {got}")  # fmt: skip

    cursor = data.get("cursor")
    if cursor is not None:
        try:
            cursor = datetime.fromisoformat(cursor) if isinstance(cursor, str) else None
        except ValueError:
            cursor = None
        if cursor is None or cursor.tzinfo is None or cursor.microsecond:
            raise invalid(
                "cursor", "null or a whole second with its zone, e.g. 2024-01-01T12:00:00Z"
            )
    seen = data.get("seen", [])
    if not isinstance(seen, list) or not all(isinstance(uuid, str) and uuid for uuid in seen):
        raise invalid("seen", "a list of uuids")
    if seen and cursor is None:
        raise invalid("seen", "empty while there is no cursor")
    output = data.get("output")
    if output is None:
        output = {}
    if not isinstance(output, dict):
        raise invalid("output", "null or an object with path and committed")
    output_path, committed = output.get("path"), output.get("committed", 0)
    if output_path is not None and not (isinstance(output_path, str) and output_path):
        raise invalid("output.path", "null or a file's path")
    if isinstance(committed, bool) or not isinstance(committed, int) or committed < 0:
        raise invalid("output.committed", "a whole number of bytes, 0 or more")
    return ExportState(job, filters, cursor, set(seen), output_path, committed)


def _field(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for name in dotted.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def save_state(path: str, state: ExportState) -> None:
    """Replace the state file atomically."""
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".piggy-state-", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(state.to_json(), file, indent=1)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
