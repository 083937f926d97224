"""Reading CSV and XLSX files: text rows, numbered as a spreadsheet shows them, or a
problem that names the row; never a crash, never an expanded XML entity."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl.xml
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from desktop.services.transfer.format import LAYOUTS, ImportKind
from desktop.services.transfer.importing.layouts import match_header
from desktop.services.transfer.importing.readers import read_csv_bytes, read_table, read_xlsx_bytes

BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_rows_keep_their_spreadsheet_numbers() -> None:
    data = '\ufeffclient_ref,date\r\nA,2026-01-01\r\n,\r\n"B\nC",2026-01-02\r\nD\r\n'.encode()
    read = read_csv_bytes(data, "s.csv")
    assert read.problems == ()
    assert read.table is not None
    assert read.table.header == ("client_ref", "date")
    # Row 3 is blank and skipped; the quoted line break does not start a new row.
    assert read.table.rows == (
        (2, ("A", "2026-01-01")),
        (4, ("B\nC", "2026-01-02")),
        (5, ("D", "")),
    )


def test_csv_that_is_not_utf8_names_the_row() -> None:
    read = read_csv_bytes(b"client_ref\r\nA\r\nCaf\xe9\r\n", "s.csv")
    assert read.table is None
    assert [(p.row, p.column) for p in read.problems] == [(3, "(file)")]
    assert "UTF-8" in read.problems[0].message


def test_csv_row_longer_than_the_header() -> None:
    read = read_csv_bytes(b"a,b\r\n1,2,3\r\n1,2,\r\n", "s.csv")
    assert [(p.row, p.message) for p in read.problems] == [
        (2, "This row has more cells than the header has names.")
    ]
    assert read.table is not None
    assert read.table.rows == ((3, ("1", "2")),)


def test_a_cell_far_too_long_is_named_even_past_the_header() -> None:
    long = "x" * 20_000
    read = read_csv_bytes(f"a,b\r\n1,{long}\r\n1,2,{' ' * 20_000}\r\n".encode(), "s.csv")
    assert [(p.row, p.column) for p in read.problems] == [(2, "b")]
    assert read.table is not None
    assert read.table.rows == ((3, ("1", "2")),)


def test_header_matching_ignores_case_spaces_and_maps_names() -> None:
    data = b" CLIENT_REF ,Date,Amount,Paid with,Note\r\nA,2026-01-01,5,Cash,x\r\n"
    table = read_csv_bytes(data, "p.csv").table
    assert table is not None
    layout = LAYOUTS[ImportKind.PAYMENTS]
    matched, problems = match_header(table, layout)
    assert [(p.row, p.column) for p in problems] == [(1, "method")]
    matched, problems = match_header(table, layout, {"paid with": "method"})
    assert problems == []
    assert matched.ignored == ("Note",)
    assert matched.get(table.rows[0][1], "method") == "Cash"


def test_duplicate_column_is_a_problem_on_row_one() -> None:
    table = read_csv_bytes(b"client_ref,Client_Ref,date,amount,method\r\nA,A,x,y,z\r\n", "p.csv")
    assert table.table is not None
    _, problems = match_header(table.table, LAYOUTS[ImportKind.PAYMENTS])
    assert [(p.row, p.column) for p in problems] == [(1, "client_ref")]


def test_xlsx_cells_read_as_csv_text(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    path.write_bytes(
        _xlsx([["client_ref", "default_fee", "date_of_birth"], ["A", 150, date(1990, 5, 1)]])
    )
    read = read_table(path)
    assert read.problems == ()
    assert read.table is not None
    assert read.table.rows == ((2, ("A", "150", "1990-05-01")),)


def test_xlsx_is_parsed_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    original = _xlsx([["client_ref"], ["&lol2;"]])
    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(buffer, "w") as out:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == part:
                    text = content.decode()
                    body = text.split("?>", 1)[1] if "?>" in text else text
                    content = (BOMB + body).encode()
                out.writestr(item, content)
        read = read_xlsx_bytes(buffer.getvalue(), "bomb.xlsx")
        assert read.table is None, part
        assert [(p.row, p.column) for p in read.problems] == [(0, "(file)")]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_read_or_explained(data: bytes) -> None:
    for read in (read_csv_bytes(data, "f.csv"), read_xlsx_bytes(data, "f.xlsx")):
        assert read.table is not None or read.problems
        for problem in read.problems:
            assert problem.row >= 0
            assert problem.message.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=8))
def test_any_rows_read_back(rows: list[list[str]]) -> None:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    read = read_csv_bytes(buffer.getvalue().encode("utf-8"), "f.csv")
    for problem in read.problems:
        assert problem.row >= 0
        assert problem.message.strip()
    if read.table is not None:
        numbers = [n for n, _ in read.table.rows]
        assert numbers == sorted(numbers)
        assert all(len(cells) == len(read.table.header) for _, cells in read.table.rows)


def test_header_only_stops_at_the_first_row_with_text(tmp_path: Path) -> None:
    # For matching columns: the rows after the header, even a broken one, are not read.
    text = b'\r\n,,\r\nclient_ref,date\r\nA-1,2025-01-06\r\n"unclosed,quote\r\n'
    full = read_csv_bytes(text, "visits.csv")
    assert full.problems  # the whole file has a broken row
    header = read_csv_bytes(text, "visits.csv", header_only=True)
    assert header.problems == ()
    assert header.table is not None
    assert header.table.header == ("client_ref", "date")
    assert header.table.rows == ()

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([None, None])
    sheet.append(["client_ref", "amount"])
    for n in range(500):
        sheet.append([f"C-{n}", n])
    path = tmp_path / "payments.xlsx"
    book.save(path)
    read = read_table(path, header_only=True)
    assert read.table is not None
    assert read.table.header == ("client_ref", "amount")
    assert read.table.rows == ()
    assert len(read_table(path).table.rows) == 500  # type: ignore[union-attr]
