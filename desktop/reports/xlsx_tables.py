"""Tables as XLSX sheets, and workbooks made of them (openpyxl).

Every sheet has the same layout, so freeze panes and filters are always right
and a workbook that combines sheets (a month-end pack with a cover sheet) can
point at any total::

    row 1  title            row 2  period or as-of date      row 3  blank
    row 4  column headings in words (bold, frozen, with filter buttons)
    row 5… the rows, then the total row, then a blank row and the notes

Money cells hold ``Decimal`` values; openpyxl writes them as decimal text with
16 significant digits (``"%.16g"``, i.e. through a double), which is exact for
any amount of up to 15 significant digits (below ten trillion dollars), and a
spreadsheet holds numbers as doubles anyway: whole cents are exact in a double
up to 2**53 cents. Nothing here computes with floats.

A total is ``=ROUND(SUM(range),2)`` rather than a bare SUM: spreadsheets add
doubles, and ten cells of 0.10 add up to 0.9999999999999999; rounding to the
cent makes the cell hold exactly the app's total (checked against LibreOffice
in the tests). The filter range stops above the total row, so sorting or
filtering never moves the total in among the rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from desktop.domain.dates import us_date
from desktop.domain.money import format_money
from desktop.reports.atomic import atomic_output
from desktop.reports.safe_cells import neutralise
from desktop.reports.tabular import Cell, Kind, Table

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1

# Escaped parentheses keep openpyxl from mapping this onto built-in format 7,
# which Excel would show in the local currency rather than dollars.
MONEY_FORMAT = '"$"#,##0.00_);\\("$"#,##0.00\\)'
DATE_FORMAT = "mm/dd/yyyy"  # US paper; machine files (CSV) keep ISO
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
FORMATS = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.INTEGER: INTEGER_FORMAT,
    Kind.PERCENT: PERCENT_FORMAT,
}

MIN_WIDTH, MAX_WIDTH = 8, 60
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class WrittenTable:
    """Where a table landed on its sheet, for formulas that refer to it."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int  # the last data row; the header row when there are no rows
    total_row: int | None
    totals: dict[str, str]  # column name -> coordinate of its total cell, e.g. "G12"

    def reference(self, column: str) -> str:
        """An absolute reference to a column's total, usable from another sheet."""
        coordinate = self.totals[column]
        letters = coordinate.rstrip("0123456789")
        return f"{quote_sheetname(self.sheet)}!${letters}${coordinate[len(letters) :]}"


def _clean(text: str) -> str:
    """Safe text without the control characters XML cannot hold.

    A bare carriage return would come back as a line feed anyway (XML parsers
    normalize line ends), so it is written as one.
    """
    safe = neutralise(text).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", safe)


def _display(kind: Kind, value: Cell) -> str:
    """Roughly what the cell shows, to size the column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind is Kind.MONEY and isinstance(value, Decimal):
        return format_money(value) + "  "  # room for the parenthesis of negatives
    if kind is Kind.PERCENT and isinstance(value, Decimal):
        return f"{value * 100:.2f}%"
    if isinstance(value, date):
        return us_date(value)
    return f"{value:,}"


def _put(ws: Worksheet, row: int, column: int, kind: Kind, value: Cell) -> None:
    if value is None:
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"  # never a formula or an error code, whatever the text says
        return
    cell.value = value
    cell.number_format = FORMATS[kind]


def _put_text(ws: Worksheet, row: int, text: str, font: Font | None = None) -> None:
    if not text:
        return
    cell = ws.cell(row=row, column=1)
    cell.value = _clean(text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font


def _total_formula(kind: Kind, letter: str, first: int, last: int) -> str:
    span = f"SUM({letter}{first}:{letter}{last})"
    return f"=ROUND({span},2)" if kind is Kind.MONEY else f"={span}"


def write_table(ws: Worksheet, table: Table) -> WrittenTable:
    """Write ``table`` into an empty worksheet in the fixed layout; returns where it went."""
    _put_text(ws, TITLE_ROW, table.title, _TITLE)
    _put_text(ws, SUBTITLE_ROW, table.subtitle)
    kinds = [column.kind for column in table.columns]
    for index, column in enumerate(table.columns, start=1):
        _put(ws, HEADER_ROW, index, Kind.TEXT, column.heading)
        header = ws.cell(row=HEADER_ROW, column=index)
        header.font = _BOLD
        header.border = Border(bottom=_THIN)
    for offset, values in enumerate(table.rows):
        for index, (kind, value) in enumerate(zip(kinds, values, strict=True), start=1):
            _put(ws, FIRST_ROW + offset, index, kind, value)
    last_row = FIRST_ROW + len(table.rows) - 1 if table.rows else HEADER_ROW
    total_row, totals = _write_total(ws, table, last_row)
    end_row = total_row or last_row
    for offset, note in enumerate(table.notes):
        _put_text(ws, end_row + 2 + offset, note)
    _finish_sheet(ws, table, last_row)
    return WrittenTable(ws.title, HEADER_ROW, FIRST_ROW, last_row, total_row, totals)


def _write_total(ws: Worksheet, table: Table, last_row: int) -> tuple[int | None, dict[str, str]]:
    if table.total is None:
        return None, {}
    row = last_row + 1
    totals: dict[str, str] = {}
    for index, (column, value) in enumerate(zip(table.columns, table.total, strict=True), 1):
        letter = get_column_letter(index)
        if column.summed and table.rows:
            cell = ws.cell(row=row, column=index)
            cell.value = _total_formula(column.kind, letter, FIRST_ROW, last_row)
            cell.number_format = FORMATS[column.kind]
        else:
            # No rows: a SUM over an empty range would reach up into the header.
            kind = Kind.TEXT if isinstance(value, str) else column.kind
            _put(ws, row, index, kind, value)
        cell = ws.cell(row=row, column=index)
        cell.font = _BOLD
        cell.border = Border(top=_THIN)
        if column.summed or (value is not None and not isinstance(value, str)):
            totals[column.name] = f"{letter}{row}"
    return row, totals


def _finish_sheet(ws: Worksheet, table: Table, last_row: int) -> None:
    last_letter = get_column_letter(len(table.columns))
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    everything = [*table.rows, *([table.total] if table.total else [])]
    for index, column in enumerate(table.columns):
        values = [row[index] for row in everything]
        if column.kind is Kind.MONEY:
            values = _widest_amounts(values)
        # The heading needs room for its filter button too.
        shown = (len(_display(column.kind, v)) for v in values)
        widest = max([len(column.heading) + 3, *shown])
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(index + 1)].width = width


def _widest_amounts(values: list[Cell]) -> list[Cell]:
    """The values of a money column that can show widest: a formatted amount grows with
    its size for a given sign, so the largest and the most negative stand for all the
    amounts (formatting every amount of a year's sheet only to measure it is slow)."""
    amounts = [v for v in values if isinstance(v, Decimal)]
    others = [v for v in values if not isinstance(v, Decimal)]
    positive = [v for v in amounts if v >= 0]
    negative = [v for v in amounts if v < 0]
    return others + ([max(positive)] if positive else []) + ([min(negative)] if negative else [])


# --- workbooks ------------------------------------------------------------------------


def sheet_name(title: str, taken: Sequence[str] = ()) -> str:
    """A legal, unique sheet name: no []:*?/\\, no edge apostrophes, at most 31 characters."""
    base = " ".join(_SHEET_NAME_BAD.sub(" ", title).split()).strip("'").strip() or "Sheet"
    base = base[:SHEET_NAME_MAX].rstrip()
    lowered = {name.lower() for name in taken}  # Excel compares sheet names without case
    name, number = base, 2
    while name.lower() in lowered:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    return name


def new_workbook() -> Workbook:
    """An empty workbook (no sheets yet), labeled as made by this app."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    # Only the app's name: the default would be "openpyxl", and a title could name a client.
    workbook.properties.creator = "Quiet Ledger"
    return workbook


def add_table_sheet(workbook: Workbook, table: Table) -> WrittenTable:
    """Append a sheet holding ``table``; its name comes from ``table.sheet_name`` or title."""
    name = sheet_name(table.sheet_name or table.title, workbook.sheetnames)
    return write_table(workbook.create_sheet(name), table)


def save_workbook(workbook: Workbook, path: Path | str) -> None:
    """Save atomically, 0600 (see ``atomic_output``)."""
    if not workbook.sheetnames:
        raise ValueError("a workbook needs at least one sheet")
    with atomic_output(path) as handle:
        workbook.save(handle)


def write_workbook(tables: Sequence[Table], path: Path | str) -> list[WrittenTable]:
    """One sheet per table, saved to ``path``."""
    workbook = new_workbook()
    written = [add_table_sheet(workbook, table) for table in tables]
    save_workbook(workbook, path)
    return written
