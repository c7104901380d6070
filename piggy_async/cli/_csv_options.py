"""`piggy import-contacts`'s options that say how to read the file: parsed when the
command line is, so they import nothing of the SDK."""

from __future__ import annotations

import click

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
