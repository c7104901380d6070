"""`piggy_async.bulk`: the jobs users run most, done once and right.

- `import_contacts`: contact rows (a CSV via `read_contacts_csv`, or any iterable) into
  Piggy, one contact per unique e-mail, resumable from its SQLite checkpoint
  (`_checkpoint.py` describes the file); `shard` splits the rows across workers.
- `import_contacts`'s input: `csv_format` detects a file's encoding and delimiter
  (`_csv_format.py`), `map_columns` matches its headers to the account's contact
  attributes (`_columns.py`).
- `export_loyalty_transactions` and `export_contacts`: every item exactly once, oldest
  first, into JSON Lines or SQLite, incremental through a state file (`_state.py`);
  `stream_loyalty_transactions` and `stream_contacts` hand the same stream to any sink,
  in batches committed by the caller (`_stream.py`; how it stays exact: `_reader.py`).

The `piggy` command line (`piggy_async.cli`) is a thin layer over these.
"""

from __future__ import annotations

from ._columns import (
    DOCUMENTED_ATTRIBUTES,
    SYSTEM_ATTRIBUTES,
    ColumnMap,
    ContactAttributes,
    UnknownColumnsError,
    contact_attributes,
    map_columns,
)
from ._csv import read_contacts_csv, write_failures
from ._csv_format import CsvDecodeError, CsvFormat, csv_format
from ._export import (
    export_contacts,
    export_loyalty_transactions,
    stream_contacts,
    stream_loyalty_transactions,
    write_stream,
)
from ._import import check_contacts, import_contacts, import_result
from ._lock import FileInUseError
from ._patience import Outage
from ._rows import ContactRow
from ._shard import parse_shard, shard
from ._stream import ExportBatch, ExportStream
from ._types import (
    ExportResult,
    ImportProgress,
    ImportResult,
    ImportStopped,
    RowFailure,
)

__all__ = [
    "DOCUMENTED_ATTRIBUTES",
    "SYSTEM_ATTRIBUTES",
    "ColumnMap",
    "ContactAttributes",
    "ContactRow",
    "CsvDecodeError",
    "CsvFormat",
    "ExportBatch",
    "ExportResult",
    "ExportStream",
    "FileInUseError",
    "ImportProgress",
    "ImportResult",
    "ImportStopped",
    "Outage",
    "RowFailure",
    "UnknownColumnsError",
    "check_contacts",
    "contact_attributes",
    "csv_format",
    "export_contacts",
    "export_loyalty_transactions",
    "import_contacts",
    "import_result",
    "map_columns",
    "parse_shard",
    "read_contacts_csv",
    "shard",
    "stream_contacts",
    "stream_loyalty_transactions",
    "write_stream",
    "write_failures",
]
