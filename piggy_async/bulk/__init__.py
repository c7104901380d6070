"""`piggy_async.bulk`: the jobs users run most, done once and right.

- `import_contacts`: contact rows (a CSV via `read_contacts_csv`, or any iterable) into
  Piggy, one contact per unique e-mail, resumable from its SQLite checkpoint
  (`_checkpoint.py` describes the file); `shard` splits the rows across workers.
  `csv_format` detects a file's encoding and delimiter (`_csv_format.py`), `map_columns`
  matches its headers to the account's contact attributes (`_columns.py`).
- `export_loyalty_transactions` and `export_contacts`: JSON Lines, incremental through a
  state file (`_state.py` describes it).

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
from ._export import export_contacts, export_loyalty_transactions
from ._import import check_contacts, import_contacts
from ._patience import Outage
from ._rows import ContactRow
from ._shard import parse_shard, shard
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
    "ExportResult",
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
    "map_columns",
    "parse_shard",
    "read_contacts_csv",
    "shard",
    "write_failures",
]
