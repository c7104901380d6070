"""The input of `piggy import-contacts`: the CSV file as detected, its columns mapped to the
account's contact attributes and printed, and the rows read with that mapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import click

from .. import bulk
from ..bulk import ColumnMap, ContactAttributes, ContactRow, CsvFormat


@attrs.frozen
class ImportInput:
    """The file to import and how to read it."""

    file: Path
    format: CsvFormat
    columns: dict[str, str | None]
    skip_unknown: bool
    shard: tuple[int, int] | None

    def mapping(self, attributes: ContactAttributes) -> ColumnMap:
        """The columns matched to `attributes`, printed one per line."""
        mapping = bulk.map_columns(
            self.format.header, attributes, columns=self.columns, skip_unknown=self.skip_unknown
        )
        click.echo("columns:")
        for line in mapping.lines():
            click.echo(f"  {line}")
        return mapping

    def rows(self, mapping: ColumnMap) -> Iterator[ContactRow]:
        """The rows, read with `mapping` (unmatched columns left out)."""
        targets = {
            column: None if column in mapping.unmatched else target
            for column, target in mapping.targets.items()
        }
        rows = bulk.read_contacts_csv(
            self.file,
            columns=targets,
            encoding=self.format.encoding,
            delimiter=self.format.delimiter,
        )
        return rows if self.shard is None else bulk.shard(rows, *self.shard)
