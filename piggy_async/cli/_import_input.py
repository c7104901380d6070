"""The input of `piggy import-contacts`: the CSV file as detected, its columns mapped to the
account's contact attributes and printed, and the rows read with that mapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import click

from .. import bulk
from ..bulk import ColumnMap, ContactAttributes, ContactRow, CsvFormat

_NAMED_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def delimiter_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--delimiter`: one character, or `tab` (also `comma`, `semicolon`, `pipe`)."""
    if value is None:
        return None
    delimiter = _NAMED_DELIMITERS.get(value.lower(), value)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise click.BadParameter(f"expected one character or 'tab', got {value!r}")
    return delimiter


def columns_option(pairs: tuple[str, ...]) -> dict[str, str | None]:
    """`--column NAME=ATTRIBUTE` pairs (an empty ATTRIBUTE leaves the column out)."""
    columns: dict[str, str | None] = {}
    for pair in pairs:
        header, equals, attribute = pair.partition("=")
        if not equals or not header.strip():
            raise click.BadParameter(
                f"expected NAME=ATTRIBUTE, got {pair!r}", param_hint="--column"
            )
        columns[header.strip()] = attribute.strip() or None
    return columns


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
