"""How a CSV file is written: its encoding, its delimiter and its header line.

Spreadsheets write what their locale asks for: Excel in most of Europe separates with
semicolons, "Unicode text" is UTF-16, and older exports are Windows-1252. `csv_format`
detects each of them from the file itself, or takes what the caller states:

    encoding   a byte-order mark (UTF-8, UTF-16) decides; otherwise the whole file is
               checked as UTF-8 (a fast pass over the bytes), and if it is not UTF-8 it
               is read as `CSV_FALLBACK_ENCODING` (cp1252, a superset of Latin-1's letters)
    delimiter  the candidate (`,` `;` tab `|`) found most often in the header line, quoted
               parts left out; a header with none of them is one column

A byte the encoding cannot decode is reported by its row (as a spreadsheet numbers it,
the header being row 1) and its column, not by an offset into a read buffer.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
from collections.abc import Iterator
from typing import Final

import attrs

from .._defaults import CSV_FALLBACK_ENCODING, CSV_FIELD_LIMIT

DELIMITERS: Final = (",", ";", "\t", "|")
"""The delimiters `csv_format` recognises, in the order a tie is settled."""

_CHUNK: Final = 1 << 20
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class CsvDecodeError(ValueError):
    """A byte of the file that its encoding cannot decode, by row and column."""


@attrs.frozen
class CsvFormat:
    """A CSV file's encoding, delimiter and header, detected or as stated.

    Attributes:
        encoding: The codec the file is read with (`utf-8-sig`, `utf-16`, `cp1252`, ...).
        delimiter: The field separator.
        header: The header line's cells, stripped of surrounding spaces.
        encoding_detected: False when the caller stated the encoding.
        fallback: True when the file was not UTF-8 and is read as the fallback encoding.
    """

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    encoding_detected: bool = True
    fallback: bool = False

    def describe(self) -> str:
        """One line for a person: `cp1252 (not UTF-8), delimiter ';'`."""
        how = " (not UTF-8: read as the fallback)" if self.fallback else ""
        how = how or ("" if self.encoding_detected else " (as stated)")
        return f"encoding {self.encoding}{how}, delimiter {self.delimiter!r}"


def csv_format(
    path: str | os.PathLike[str], *, encoding: str | None = None, delimiter: str | None = None
) -> CsvFormat:
    """The format of the CSV file at `path`; `encoding` and `delimiter` override detection.

    Raises:
        ValueError: The file is empty, an encoding or delimiter is not usable, or a byte
            does not decode (`CsvDecodeError`, naming its row and column).
    """
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError(f"a delimiter is one character, got {delimiter!r}")
    stated = encoding is not None
    if encoding is None:
        encoding = _detect_encoding(path)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
    with open(path, newline="", encoding=encoding, errors="replace") as file:
        first = file.readline()
    if not first.strip():
        raise ValueError(f"{os.fspath(path)!r} is empty: expected a header line")
    chosen = delimiter or _detect_delimiter(first)
    return CsvFormat(
        encoding,
        chosen,
        _header(path, encoding, chosen),
        encoding_detected=not stated,
        fallback=not stated and encoding == CSV_FALLBACK_ENCODING,
    )


def _detect_encoding(path: str | os.PathLike[str]) -> str:
    """The BOM's encoding; else UTF-8 if every byte decodes as UTF-8; else the fallback."""
    with open(path, "rb") as file:
        start = file.read(4)
        for bom, name in _BOMS:
            if start.startswith(bom):
                return name
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return CSV_FALLBACK_ENCODING
    return "utf-8"


def _detect_delimiter(line: str) -> str:
    outside = line.split('"')[::2]  # the parts outside quotes
    counts = {candidate: sum(part.count(candidate) for part in outside) for candidate in DELIMITERS}
    best = max(counts.values())
    if not best:
        return ","
    ties = [candidate for candidate in DELIMITERS if counts[candidate] == best]
    return ties[-1] if len(ties) > 1 else ties[0]  # a comma inside a header name loses


def _header(path: str | os.PathLike[str], encoding: str, delimiter: str) -> tuple[str, ...]:
    with open_csv(path, encoding, delimiter) as reader:
        return tuple(cell.strip() for cell in next(reader, []))


@contextlib.contextmanager
def open_csv(
    path: str | os.PathLike[str], encoding: str, delimiter: str
) -> Iterator[Iterator[list[str]]]:
    """`csv.reader` over the file, for a `with` block: a byte that does not decode is
    reported by row and column (`CsvDecodeError`), a malformed row (a cell past the field
    limit) by its line."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)  # process-wide; only ever raised
    with open(path, newline="", encoding=encoding) as file:
        reader = csv.reader(file, delimiter=delimiter)
        try:
            yield reader
        except UnicodeDecodeError as error:
            raise _decode_error(path, encoding, delimiter, error) from None
        except csv.Error as error:
            raise ValueError(f"{os.fspath(path)!r}, line {reader.line_num}: {error}") from None


def _decode_error(
    path: str | os.PathLike[str], encoding: str, delimiter: str, error: UnicodeDecodeError
) -> CsvDecodeError:
    """Where the first undecodable byte is: the file up to it is decoded again, replacing
    bad bytes, and parsed to see which record and field it falls in."""
    offset = _first_bad_byte(path, encoding)
    header: list[str] = []
    row, last = 0, [""]
    for cells in csv.reader(_lines(path, encoding, offset), delimiter=delimiter):
        row, last = row + 1, cells
        header = header or cells
    with open(path, "rb") as file:
        file.seek(offset)
        bad = file.read(1)
    row, column = max(row, 1), max(len(last), 1)
    name = f" ({header[column - 1].strip()!r})" if row > 1 and column <= len(header) else ""
    return CsvDecodeError(
        f"{os.fspath(path)!r}, row {row}, column {column}{name}: byte 0x{bad.hex()} is not"
        f" {encoding} ({error.reason}); state the file's encoding, e.g. --encoding cp1252"
    )


def _first_bad_byte(path: str | os.PathLike[str], encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)()
    done = 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return max(done - pending + error.start, 0)
            done += len(chunk)
    return done


def _lines(path: str | os.PathLike[str], encoding: str, end: int) -> Iterator[str]:
    """The file's text before byte `end`, line by line, bad bytes replaced."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    rest = ""
    with open(path, "rb") as file:
        while end > 0 and (chunk := file.read(min(_CHUNK, end))):
            end -= len(chunk)
            lines = (rest + decoder.decode(chunk)).splitlines(keepends=True)
            rest = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
            yield from lines
    yield rest + "\ufffd"  # the bad byte itself: its record and field are the last ones
