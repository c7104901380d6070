"""The export state file: where an incremental export stopped, as a small JSON document.

    {"job": "loyalty_transactions", "version": 1, "filters": {"type": null, ...},
     "cursor": "2024-03-01T12:00:07Z", "seen": ["<uuid>", ...],
     "output": {"path": "/abs/tx.jsonl", "committed": 81234}}

`cursor` is the creation second of the newest item exported, `seen` the uuids exported
with that very second (creation times have one-second resolution, so the next run asks for
`created_at >= cursor` and skips exactly these). `output` is the file written and its
length after the last complete page: a run killed mid-page left a partial tail there, which
the next run cuts off before appending. The file is replaced atomically (write, fsync,
rename), so it is always the old state or the new one.
"""

from __future__ import annotations

import json
import os
import tempfile
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

    def advance(self, created_at: datetime, uuid: str) -> bool:
        """Record an item; False if it was exported already (at or before the cursor)."""
        if self.cursor is not None and (
            created_at < self.cursor or (created_at == self.cursor and uuid in self.seen)
        ):
            return False
        if self.cursor is None or created_at > self.cursor:
            self.cursor = created_at
            self.seen = set()
        self.seen.add(uuid)
        return True

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
        ValueError: The file is not a state of this job, or was made with other filters.
    """
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except FileNotFoundError:
        return ExportState(job, filters)
    except ValueError:
        raise ValueError(f"the export state {path!r} is not valid JSON") from None
    if not isinstance(data, dict) or data.get("job") != job or data.get("version") != VERSION:
        raise ValueError(f"{path!r} is not the state of a {job} export")
    if data.get("filters") != filters:
        raise ValueError(
            f"the export state {path!r} was made with other filters ({data.get('filters')});"
            " use another state file for these"
        )
    output = data.get("output") or {}
    cursor = data.get("cursor")
    return ExportState(
        job,
        filters,
        cursor=None if cursor is None else datetime.fromisoformat(cursor),
        seen=set(data.get("seen") or ()),
        output_path=output.get("path"),
        committed=int(output.get("committed") or 0),
    )


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
