"""Showing a report ``Table`` on screen, and the list of reports the Reports page offers.

A ``Table`` is what the CSV and XLSX writers take, so what is on screen is
exactly what an export holds: same rows, same total row, same notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from desktop.domain.dates import us_date
from desktop.domain.money import ZERO
from desktop.reports.tabular import TOTAL_LABEL, Cell, Kind, Table
from desktop.services.books import report_tables
from desktop.services.month_end import tables as month_end_tables
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.rows import Column, RowsModel

Row = tuple[Cell, ...]


def cell_text(kind: Kind, value: Cell) -> str:
    if value is None:
        return ""
    if kind is Kind.MONEY and isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, date):
        return format_date(value)
    if kind is Kind.PERCENT and isinstance(value, Decimal):
        return f"{value * 100:.1f}%"
    return str(value)


def on_screen(text: str, dates: tuple[date, ...]) -> str:
    """A table's subtitle or note with its dates in the locale's short format: the table
    is written for paper (MM/DD/YYYY), the screen speaks the user's locale."""
    for day in dates:
        text = text.replace(us_date(day), format_date(day))
    return text


def table_columns(table: Table) -> list[Column[Row]]:
    columns: list[Column[Row]] = []
    for i, column in enumerate(table.columns):
        numeric = column.kind is not Kind.TEXT
        columns.append(
            Column(
                column.heading,
                lambda row, i=i, k=column.kind: cell_text(k, row[i]),
                lambda row, i=i: row[i],
                numeric=numeric,
            )
        )
    return columns


class TableModel(RowsModel[Row]):
    """A report's rows, then its total row in bold."""

    def __init__(self, table: Table) -> None:
        super().__init__(table_columns(table), batch=10_000)
        self.table = table

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and self.table.total is not None
            and index.row() == self.total() - 1
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


def stretch_column(table: Table) -> int | None:
    """The last text column takes the spare width, so the numbers line up at the right."""
    text = [i for i, column in enumerate(table.columns) if column.kind is Kind.TEXT]
    return text[-1] if text else None


def table_model(table: Table) -> TableModel:
    """The table's rows, then its total row (set apart by being last, bold and named TOTAL)."""
    model = TableModel(table)
    rows = list(table.rows)
    if table.total is not None:
        rows.append(table.total)
    model.set_rows(rows)
    return model


# --- the reports offered --------------------------------------------------------------

Reader = Callable[[Any, date, date], Table]  # (session, start, end) -> Table


def _income_by_method(session: Any, start: date, end: date) -> Table:
    """The income report summed per payment method: what each processor should have paid."""
    by_day = report_tables.income_table(session, start, end)
    sums: dict[str, list[Any]] = {}
    for _on, method, count, gross, fee, net, refunds in by_day.rows:
        assert isinstance(method, str)
        totals = sums.setdefault(method, [0, ZERO, ZERO, ZERO, ZERO])
        for i, value in enumerate((count, gross, fee, net, refunds)):
            totals[i] += value
    columns = by_day.columns[1:]
    return Table(
        title="Income by payment method",
        subtitle=by_day.subtitle,
        columns=columns,
        rows=tuple((method, *sums[method]) for method in sorted(sums)),
        total=(TOTAL_LABEL, *by_day.total[2:]) if by_day.total is not None else None,
        notes=by_day.notes,
        sheet_name="Income by method",
    )


def _credit(session: Any, _start: date, end: date) -> Table:
    # On screen the client's name helps; the month-end workbook uses initials by default.
    who = month_end_tables.client_labels(session, full_names=True)
    return month_end_tables.credit_table(session, end, who)


def _refunds(session: Any, start: date, end: date) -> Table:
    who = month_end_tables.client_labels(session, full_names=True)
    return month_end_tables.refunds_table(session, start, end, who)


@dataclass(frozen=True)
class ReportSpec:
    key: str
    name: str
    as_of: bool  # a date (as of) rather than a period (from, to)
    read: Reader
    opens_client: bool = False  # double-clicking a row opens its client


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "aging",
        "A/R aging",
        True,
        lambda s, _start, end: report_tables.aging_table(s, end),
        opens_client=True,
    ),
    ReportSpec("rollforward", "A/R roll-forward", False, report_tables.rollforward_table),
    ReportSpec("income_by_method", "Income by payment method", False, _income_by_method),
    ReportSpec("income", "Income by day and payment method", False, report_tables.income_table),
    ReportSpec(
        "by_service", "Charges by service code", False, report_tables.charges_by_service_table
    ),
    ReportSpec("write_offs", "Write-offs by reason", False, report_tables.write_offs_table),
    ReportSpec("credit", "Client credit", True, _credit, opens_client=True),
    ReportSpec("refunds", "Refunds", False, _refunds, opens_client=True),
    ReportSpec(
        "balances",
        "Client balances",
        True,
        lambda s, _start, end: report_tables.balances_table(s, end),
        opens_client=True,
    ),
)


def report(key: str) -> ReportSpec:
    return next(spec for spec in REPORTS if spec.key == key)


def client_ref_of(table: Table, row: Row) -> str | None:
    """The row's client reference, when the table has one and the row is not the total."""
    names = [column.name for column in table.columns]
    if "client_ref" not in names or row is table.total:
        return None
    value = row[names.index("client_ref")]
    return value if isinstance(value, str) and value else None


def file_stem(table: Table, dates: tuple[date, ...] = ()) -> str:
    """``ar-aging-2026-03-31``: a file name that says what and when (ISO dates sort)."""
    words = "".join(c if c.isalnum() else "-" for c in table.title.lower())
    when = "-".join(day.isoformat() for day in dict.fromkeys(dates))
    stem = "-".join(part for part in (words + "-" + when).split("-") if part)
    return stem[:80]
