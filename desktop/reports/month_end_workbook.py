"""The month-end workbook: a cover sheet that ties out, then one sheet per report.

Pure: tables in, workbook out. Each report sheet is written by ``xlsx_tables``
(header row frozen, filter buttons, currency formats, totals as ROUND(SUM())
formulas). The cover sheet holds no figures of its own: every amount is a
formula pointing at a report sheet, and the tie-out lines recompute closing
A/R and closing client credit from their movements, so a spreadsheet proves
the app's arithmetic rather than repeating it. Each check cell reads OK only
when its differences round to zero cents.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from desktop.domain.dates import us_date, us_period
from desktop.reports.safe_cells import neutralise
from desktop.reports.tabular import Table
from desktop.reports.xlsx_tables import (
    FIRST_ROW,
    MONEY_FORMAT,
    WrittenTable,
    add_table_sheet,
    new_workbook,
    save_workbook,
)

OK, NOT_OK = "OK", "DOES NOT TIE"
COVER = "Cover"
Progress = Callable[[int, int], bool | None]  # (done, total); False cancels

# The roll-forward table's lines, by the label each has on its sheet.
AR_LINES = ("Opening A/R", "Charges", "Payments applied", "Write-offs and discounts", "Voids")
AR_CLOSING = "Closing A/R"
CREDIT_LINES = (
    "Opening client credit",
    "Payments received",
    "Credit applied to charges",
    "Credit refunded",
    "Voids of payments and refunds",
)
CREDIT_CLOSING = "Closing client credit"

MINIMUM_NOTE = (
    "Clients are identified by reference and initials only: no names, dates of birth, "
    "diagnoses or addresses (the minimum a bookkeeper needs)."
)
FULL_NAMES_NOTE = (
    "This workbook names clients in full. A name beside amounts and dates of therapy "
    "shows who is in treatment, so a lost or forwarded copy discloses health information; "
    "store and send it as carefully as the practice file."
)

NOTE_WIDTH = 84  # characters; columns A to C hold about this many
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin")
_GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
_RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")


class WorkbookCancelled(Exception):
    """The progress callback asked to stop; nothing was written."""


@dataclass(frozen=True)
class MonthEndBook:
    """Everything the workbook shows, already computed and already de-identified."""

    practice: str
    title: str  # "March 2026", or "2026" for a year
    start: date
    end: date
    written_on: date
    full_names: bool
    closed_through: date | None
    aging: Table
    rollforward: Table
    income: Table
    by_service: Table
    write_offs: Table
    credit: Table
    refunds: Table
    # The audit chain's last entry when the workbook was read: (number, hash), or None.
    chain_head: tuple[int, str] | None = None

    def tables(self) -> tuple[Table, ...]:
        return (
            self.aging,
            self.rollforward,
            self.income,
            self.by_service,
            self.write_offs,
            self.credit,
            self.refunds,
        )


@dataclass(frozen=True)
class WrittenBook:
    """Where things landed, for tests and for messages that point into the file."""

    sheets: tuple[WrittenTable, ...]
    cover: dict[str, str]  # cover line name -> cell, e.g. "check" -> "B7"


# Progress steps of one write: a sheet per report, the cover, the save.
STEPS = 7 + 2


def write_month_end_workbook(
    book: MonthEndBook, path: Path | str, progress: Progress | None = None
) -> WrittenBook:
    """Write the workbook to ``path`` (atomically, 0600); ``progress`` may cancel."""
    total = STEPS

    def step(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise WorkbookCancelled

    workbook = new_workbook()
    cover = workbook.create_sheet(COVER)
    written: list[WrittenTable] = []
    for table in book.tables():
        written.append(add_table_sheet(workbook, table))
        step(len(written))
    cells = _write_cover(cover, book, written)
    step(total - 1)
    save_workbook(workbook, path)
    step(total)
    return WrittenBook(tuple(written), cells)


# --- the cover sheet ------------------------------------------------------------------


def _text(ws: Worksheet, coordinate: str, value: str, font: Font | None = None) -> None:
    cell = ws[coordinate]
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    cell.data_type = "s"  # text, whatever it starts with
    if font is not None:
        cell.font = font


def _line_ref(table: Table, where: WrittenTable, label: str) -> str:
    """An absolute reference to the amount on the roll-forward line called ``label``."""
    labels = [row[0] for row in table.rows]
    if label not in labels:
        raise ValueError(f"the roll-forward table has no line {label!r}")
    row = FIRST_ROW + labels.index(label)
    return f"{quote_sheetname(where.sheet)}!$B${row}"


def _tie(differences: list[str]) -> str:
    parts = ",".join(f"ROUND({d},2)=0" for d in differences)
    return f'=IF(AND({parts}),"{OK}","{NOT_OK}")'


class _Cover:
    """Writes the cover top to bottom, one labeled amount per row."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0
        self.cells: dict[str, str] = {}

    def skip(self) -> None:
        self.row += 1

    def note(self, text: str, font: Font | None = None) -> None:
        # A line per row, each short enough to stay on the page across columns A to C.
        for line in textwrap.wrap(text, NOTE_WIDTH):
            self.row += 1
            _text(self.ws, f"A{self.row}", line, font)

    def heading(self, text: str) -> None:
        self.row += 1
        for column, value in (("A", text), ("B", "Amount"), ("C", "From sheet")):
            _text(self.ws, f"{column}{self.row}", value, _BOLD)
            self.ws[f"{column}{self.row}"].border = Border(bottom=_THIN)

    def amount(self, name: str, label: str, formula: str, source: str = "") -> str:
        self.row += 1
        _text(self.ws, f"A{self.row}", label)
        cell = self.ws[f"B{self.row}"]
        cell.value = formula
        cell.number_format = MONEY_FORMAT
        if source:
            _text(self.ws, f"C{self.row}", source)
        self.cells[name] = f"B{self.row}"
        return f"B{self.row}"

    def check(self, name: str, label: str, formula: str) -> str:
        self.row += 1
        _text(self.ws, f"A{self.row}", label, _BOLD)
        cell = self.ws[f"B{self.row}"]
        cell.value = formula
        cell.font = _BOLD
        self.cells[name] = f"B{self.row}"
        return f"B{self.row}"


def _write_cover(ws: Worksheet, book: MonthEndBook, written: list[WrittenTable]) -> dict[str, str]:
    aging, rollforward, income, _services, _offs, credit, refunds = written
    rf = book.rollforward
    cover = _Cover(ws)
    cover.note(f"Month-end: {book.practice}", _TITLE)
    cover.note(f"{book.title}: {us_period(book.start, book.end)}")
    closed = us_date(book.closed_through) if book.closed_through else "no date (all open)"
    cover.note(f"Written {us_date(book.written_on)}; books closed through {closed}.")
    cover.note(FULL_NAMES_NOTE if book.full_names else MINIMUM_NOTE)
    cover.skip()
    overall_row = cover.row + 1
    cover.row += 1  # the overall check goes here once the section checks exist

    cover.skip()
    cover.heading("A/R roll-forward")
    signs = ("", "", "-", "-", "")  # the roll-forward sheet holds outflows as negatives
    labels = (
        "Opening A/R",
        "plus charges",
        "less payments applied",
        "less write-offs and discounts",
        "plus or minus voids",
    )
    ar = [
        cover.amount(f"ar_{i}", label, f"={sign}{_line_ref(rf, rollforward, line)}", "Roll-forward")
        for i, (label, sign, line) in enumerate(zip(labels, signs, AR_LINES, strict=True))
    ]
    computed = cover.amount(
        "ar_computed",
        "Closing A/R, computed",
        f"=ROUND({ar[0]}+{ar[1]}-{ar[2]}-{ar[3]}+{ar[4]},2)",
    )
    books_closing = cover.amount(
        "ar_closing",
        "Closing A/R in the books",
        f"={_line_ref(rf, rollforward, AR_CLOSING)}",
        "Roll-forward",
    )
    credit_in_books = cover.amount(
        "ar_credit",
        "less unapplied client credit",
        f"={_line_ref(rf, rollforward, CREDIT_CLOSING)}",
        "Roll-forward",
    )
    aged = cover.amount(
        "ar_aging", "Net A/R aged (owed less credit)", f"={aging.reference('total')}", "Aging"
    )
    ar_check = cover.check(
        "ar_check",
        "A/R ties",
        _tie([f"{computed}-{books_closing}", f"{books_closing}-{credit_in_books}-{aged}"]),
    )

    cover.skip()
    cover.heading("Client credit")
    labels = (
        "Opening client credit",
        "plus payments received",
        "less credit applied to charges",
        "less credit refunded",
        "plus or minus voids of payments and refunds",
    )
    cc = [
        cover.amount(
            f"credit_{i}", label, f"={sign}{_line_ref(rf, rollforward, line)}", "Roll-forward"
        )
        for i, (label, sign, line) in enumerate(zip(labels, signs, CREDIT_LINES, strict=True))
    ]
    credit_computed = cover.amount(
        "credit_computed",
        "Closing client credit, computed",
        f"=ROUND({cc[0]}+{cc[1]}-{cc[2]}-{cc[3]}+{cc[4]},2)",
    )
    credit_closing = cover.amount(
        "credit_closing",
        "Closing client credit in the books",
        f"={_line_ref(rf, rollforward, CREDIT_CLOSING)}",
        "Roll-forward",
    )
    held = cover.amount(
        "credit_held", "Credit held by clients", f"={credit.reference('credit')}", "Client credit"
    )
    refunded = cover.amount("refunds", "Refunds paid", f"={refunds.reference('amount')}", "Refunds")
    credit_check = cover.check(
        "credit_check",
        "Client credit ties",
        _tie(
            [
                f"{credit_computed}-{credit_closing}",
                f"{credit_closing}-{held}",
                f"{refunded}-{cc[3]}",
            ]
        ),
    )

    cover.skip()
    cover.heading("Income (for matching deposits)")
    for name, label in (("gross", "Gross received"), ("fee", "Processor fees"), ("net", "Net")):
        cover.amount(f"income_{name}", label, f"={income.reference(name)}", "Income")
    cover.amount("income_refunds", "Refunds paid out", f"={income.reference('refunds')}", "Income")

    _text(ws, f"A{overall_row}", "Check: everything ties", _TITLE)
    check = ws[f"B{overall_row}"]
    check.value = f'=IF(AND({ar_check}="{OK}",{credit_check}="{OK}"),"{OK}","{NOT_OK}")'
    check.font = _TITLE
    cover.cells["check"] = f"B{overall_row}"
    _color_checks(ws, [f"B{overall_row}", ar_check, credit_check])

    cover.skip()
    cover.note(
        "Every amount above is a formula over the report sheets; a check reads OK only "
        "when its lines agree to the cent."
    )
    if book.chain_head is not None:
        cover.skip()
        cover.note(CHAIN_HEAD_NOTE)
        cover.row += 1
        _text(ws, f"A{cover.row}", CHAIN_HEAD_LABEL, _BOLD)
        _text(ws, f"B{cover.row}", f"{CHAIN_HEAD_PREFIX}{book.chain_head[0]}")
        cover.row += 1
        _text(ws, f"A{cover.row}", book.chain_head[1])
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 20
    ws.sheet_view.showGridLines = False
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return cover.cells


CHAIN_HEAD_LABEL = "Audit chain head"
CHAIN_HEAD_PREFIX = "entry "
CHAIN_HEAD_NOTE = (
    "The audit log's last entry when this workbook was written. Keep the workbook: "
    "'quietledger check --against' this file proves the practice's log still passes "
    "through it unchanged."
)


def read_chain_head(path: Path) -> tuple[int, str] | None:
    """The audit chain head a workbook written here records on its cover, or None."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        if COVER not in book.sheetnames:
            return None
        rows = [
            (row[0], row[1] if len(row) > 1 else None)
            for row in book[COVER].iter_rows(min_col=1, max_col=2, values_only=True)
        ]
    finally:
        book.close()
    for index, (label, value) in enumerate(rows[:-1]):
        if label == CHAIN_HEAD_LABEL and isinstance(value, str):
            number = value.removeprefix(CHAIN_HEAD_PREFIX)
            digest = rows[index + 1][0]
            if number.isdigit() and isinstance(digest, str) and len(digest) == 64:
                return int(number), digest
    return None


def _color_checks(ws: Worksheet, cells: list[str]) -> None:
    for coordinate in cells:
        ws.conditional_formatting.add(
            coordinate, CellIsRule(operator="equal", formula=[f'"{OK}"'], fill=_GREEN)
        )
        ws.conditional_formatting.add(
            coordinate, CellIsRule(operator="notEqual", formula=[f'"{OK}"'], fill=_RED)
        )
