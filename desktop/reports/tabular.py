"""Tabular reports: one model, written as CSV or as XLSX sheets.

A ``Table`` is plain rows of typed cells, checked when it is built (a money
cell is a ``Decimal``, never a float; a summed column's total is the sum of
its rows), so every writer can trust it. Writers are pure: table in, file out.

CSV conventions, chosen for a bookkeeper's spreadsheet and for scripts alike:
a header row of machine names (``client_ref``; a workbook shows ``Client ref.``),
then the rows, then the total row if any; money as plain numbers with two decimals
(``1234.50``, no sign or separators), dates ISO (``2026-03-31``), percentages as
fractions (``0.25``); text that a spreadsheet would run is neutralized (see
``safe_cells``). Lines end in CRLF as RFC 4180 says: with that terminator
Python's csv module quotes any field holding a CR or LF, so a memo with a line
break cannot split a row. A file
starts with a UTF-8 byte order mark so Excel reads accented names correctly;
a stream (standard output) gets none, so pipes see plain UTF-8. Title, period
and notes are left out of CSV, which stays one rectangle of data.

XLSX writing lives in ``xlsx_tables`` and imports openpyxl, so it is loaded
only when a workbook is actually written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from desktop.domain.money import format_plain
from desktop.reports.atomic import atomic_output
from desktop.reports.safe_cells import neutralise

if TYPE_CHECKING:
    from desktop.reports.xlsx_tables import WrittenTable

Cell = str | Decimal | int | date | None
TOTAL_LABEL = "TOTAL"


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    INTEGER = "integer"
    DATE = "date"
    PERCENT = "percent"  # a fraction: Decimal("0.25") is 25%


# Field-name words a person reads differently: "client_ref" is "Client ref.", "eob" is "EOB".
_WORDS = {"ref": "ref.", "id": "ID", "eob": "EOB", "no": "no.", "npi": "NPI", "gfe": "GFE"}


def heading(name: str) -> str:
    """A column name as a header in words: ``client_ref`` -> ``Client ref.``,
    ``charge_id`` -> ``Charge ID``, ``1-30`` stays ``1-30``."""
    words = [_WORDS.get(word, word) for word in name.replace("_", " ").split(" ") if word]
    if not words:
        return name
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Column:
    """``name`` is the machine name (CSV header, lookups); ``heading`` the words shown."""

    name: str
    kind: Kind = Kind.TEXT
    summed: bool = False  # the total row holds this column's sum (a SUM formula in XLSX)
    label: str = ""  # the header in words when ``heading(name)`` would not say it right

    @property
    def heading(self) -> str:
        return self.label or heading(self.name)

    def __post_init__(self) -> None:
        if self.summed and self.kind not in (Kind.MONEY, Kind.INTEGER):
            raise ValueError(f"column {self.name!r}: only money and integers can be summed")


def _fits(kind: Kind, value: Cell) -> bool:
    if value is None:
        return True
    if kind is Kind.TEXT:
        return isinstance(value, str)
    if kind in (Kind.MONEY, Kind.PERCENT):
        return isinstance(value, Decimal)
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, date) and not isinstance(value, datetime)


@dataclass(frozen=True)
class Table:
    """A titled grid of typed cells with an optional total row and notes."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None
    subtitle: str = ""  # the period or as-of date, shown under the title
    notes: tuple[str, ...] = ()
    sheet_name: str = ""  # tab name in a workbook; the title when empty

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"{self.title}: row {number} has {len(row)} cells, not {width}")
            for column, value in zip(self.columns, row, strict=True):
                if not _fits(column.kind, value):
                    raise TypeError(
                        f"{self.title}: row {number}, column {column.name!r} holds "
                        f"{type(value).__name__}, not {column.kind.value}"
                    )
        if self.total is not None:
            self._check_total()

    def _check_total(self) -> None:
        assert self.total is not None
        if len(self.total) != len(self.columns):
            raise ValueError(f"{self.title}: the total row has the wrong number of cells")
        for index, (column, value) in enumerate(zip(self.columns, self.total, strict=True)):
            # A label such as TOTAL may sit in any column that is not summed.
            if not (_fits(column.kind, value) or (isinstance(value, str) and not column.summed)):
                raise TypeError(f"{self.title}: total of {column.name!r} is not {column.kind}")
            if column.summed:
                start: Decimal | int = Decimal(0) if column.kind is Kind.MONEY else 0
                expected = sum((row[index] or 0 for row in self.rows), start)  # type: ignore[misc]
                if value != expected:
                    # The XLSX total is a SUM formula: it must agree with the app's figure.
                    raise ValueError(
                        f"{self.title}: total of {column.name!r} is {value}, "
                        f"but its rows add up to {expected}"
                    )

    def column_index(self, name: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.name == name)

    def column_values(self, name: str) -> list[Cell]:
        index = self.column_index(name)
        return [row[index] for row in self.rows]


# --- CSV ------------------------------------------------------------------------------


def csv_text(kind: Kind, value: Cell) -> str:
    """One cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if kind is Kind.MONEY:
        assert isinstance(value, Decimal)
        return format_plain(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_records(table: Table) -> Iterable[list[str]]:
    kinds = [column.kind for column in table.columns]
    yield [neutralise(column.name) for column in table.columns]
    for row in table.rows:
        yield [csv_text(kind, value) for kind, value in zip(kinds, row, strict=True)]
    if table.total is not None:
        yield [csv_text(kind, value) for kind, value in zip(kinds, table.total, strict=True)]


def _write_records(table: Table, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerows(csv_records(table))


def write_csv(table: Table, target: Path | str | TextIO) -> None:
    """Write ``table`` as CSV to a path (atomically, 0600) or to an open text stream."""
    if isinstance(target, (str, Path)):
        with atomic_output(target) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            _write_records(table, text)
            text.flush()
            text.detach()  # atomic_output closes the file itself, after fsync
        return
    _write_records(table, target)
    target.flush()


# --- XLSX -----------------------------------------------------------------------------


def write_xlsx(tables: Sequence[Table], path: Path | str) -> list[WrittenTable]:
    """Write one sheet per table to a new workbook at ``path`` (atomically, 0600)."""
    from desktop.reports.xlsx_tables import write_workbook  # openpyxl only when needed

    return write_workbook(tables, path)
