"""Reading what spreadsheets write: each encoding and delimiter Excel and its kin produce,
detected from the file; decoding errors by row and column; quoted newlines, CRLF, blank
lines and cells past the `csv` module's own limit."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from piggy_async.bulk import ContactRow, CsvDecodeError, csv_format, read_contacts_csv

HEADER = ("E-mail", "FIRSTNAME", "Last Name", "City")
ROWS = (
    ("sandy@bikinibottom.sea", "Sandy", "Cheeks", "Bikini Bottom"),
    ("bob@bikinibottom.sea", "Bøb", "Squarepants", "Zürich"),
    ("pearl@bikinibottom.sea", "Pearl", "Krabs", "€-ville"),
)
COLUMNS = {"E-mail": "email", "FIRSTNAME": "firstname", "Last Name": "lastname", "City": "city"}


def write(path: Path, encoding: str, delimiter: str, *, bom: bytes = b"") -> Path:
    text = "\r\n".join(delimiter.join(line) for line in (HEADER, *ROWS)) + "\r\n"
    path.write_bytes(bom + text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom", "detected"),
    [
        ("utf-8", ";", b"", "utf-8"),
        ("utf-8", "\t", b"", "utf-8"),
        ("utf-8", ",", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-8", "|", b"", "utf-8"),
        ("cp1252", ";", b"", "cp1252"),
        ("utf-16", "\t", b"", "utf-16"),  # Excel's "Unicode text"; the codec writes the BOM
        ("utf-16-be", ",", codecs.BOM_UTF16_BE, "utf-16"),
    ],
)
def test_each_spreadsheet_format_is_detected_and_read(
    tmp_path: Path, encoding: str, delimiter: str, bom: bytes, detected: str
) -> None:
    path = write(tmp_path / "contacts.csv", encoding, delimiter, bom=bom)

    found = csv_format(path)
    rows = list(read_contacts_csv(path, columns=COLUMNS))

    assert (found.encoding, found.delimiter, found.header) == (detected, delimiter, HEADER)
    assert found.fallback == (detected == "cp1252")
    assert rows == [
        ContactRow(number, email, {"firstname": first, "lastname": last, "city": city})
        for number, (email, first, last, city) in enumerate(ROWS, start=2)
    ]


def test_stated_encoding_and_delimiter_win(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes("email,city;region\r\nsandy@bikinibottom.sea,Zürich\r\n".encode())

    assert csv_format(path).delimiter == ";"  # a tie: a comma inside a header name loses
    rows = list(read_contacts_csv(path, delimiter=",", encoding="latin-1"))

    assert rows == [ContactRow(2, "sandy@bikinibottom.sea", {"city;region": "ZÃ¼rich"})]


def test_a_byte_the_stated_encoding_cannot_decode_names_its_row_and_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.csv"
    lines = ["email;firstname;city", *(f"c{n}@bikinibottom.sea;N{n};Bikini" for n in range(500))]
    lines[301] = "gary@bikinibottom.sea;Gary;Zürich"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    with pytest.raises(CsvDecodeError) as raised:
        list(read_contacts_csv(path, encoding="utf-8"))

    message = str(raised.value)
    assert "row 302, column 3 ('city')" in message
    assert "0xfc" in message
    assert "--encoding" in message
    assert list(read_contacts_csv(path))[300].attributes["city"] == "Zürich"  # detected


def test_quoted_newlines_crlf_blank_lines_and_a_cell_of_a_megabyte(tmp_path: Path) -> None:
    big = "x" * (1 << 20)
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        (
            "email,notes,city\r\n"
            '"sandy@bikinibottom.sea","line one\r\nline two",Bikini Bottom\r\n'
            "\r\n"
            ",,\r\n"
            f'bob@bikinibottom.sea,"{big}",\r\n'
            "pearl@bikinibottom.sea,,Rock Bottom"  # no line end at the end of the file
        ).encode()
    )

    rows = list(read_contacts_csv(path))

    assert [(row.number, row.email) for row in rows] == [
        (2, "sandy@bikinibottom.sea"),
        (5, "bob@bikinibottom.sea"),
        (6, "pearl@bikinibottom.sea"),
    ]
    assert rows[0].attributes == {"notes": "line one\r\nline two", "city": "Bikini Bottom"}
    assert rows[1].attributes == {"notes": big}
    assert rows[2].attributes == {"city": "Rock Bottom"}


@pytest.mark.parametrize(
    ("content", "arguments", "message"),
    [
        (b"", {}, "expected a header line"),
        (b"name;city\r\nSandy;Bikini\r\n", {}, "no 'email' column"),
        (b"email\r\na@b.sea\r\n", {"encoding": "no-such-codec"}, "unknown encoding"),
        (b"email\r\na@b.sea\r\n", {"delimiter": ";;"}, "one character"),
    ],
)
def test_unusable_files_and_options_are_refused(
    tmp_path: Path, content: bytes, arguments: dict[str, str], message: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)

    with pytest.raises(ValueError, match=message):
        read_contacts_csv(path, **arguments)
