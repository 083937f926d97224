"""Month-end for the bookkeeper: the workbook whose cover ties out.

``export_month_end(ws, period, path)`` reads every report for a period in one
database session and writes the workbook; its progress callback can cancel, so
the window can run it in a worker thread. ``read_month_end`` and
``write_month_end`` are its two halves, for a preview or a benchmark. Closing
the month lives in ``month_end_close``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import Practice
from desktop.domain.money import format_money
from desktop.services.audit import log as audit_log
from desktop.services.books import period_reports, periods, report_tables
from desktop.services.errors import ExportCancelled, InvalidInput
from desktop.services.jobs import Job
from desktop.services.month_end.tables import (
    aging_table,
    client_labels,
    credit_table,
    refunds_table,
)
from desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from desktop.reports.month_end_workbook import MonthEndBook
    from desktop.reports.tabular import Table

Progress = Callable[[int, int], bool | None]  # (done, total); returning False cancels


# --- periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    title: str  # "March 2026", "2026"


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def month(text: str) -> Period:
    """``2026-03`` as the period 2026-03-01 to 2026-03-31."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise InvalidInput(f"{text!r} is not a month; write it as YYYY-MM, such as 2026-03.")
    return month_of(date(int(found.group(1)), int(found.group(2)), 1))


def month_of(day: date) -> Period:
    """The calendar month that holds ``day``."""
    last = calendar.monthrange(day.year, day.month)[1]
    start = day.replace(day=1)
    return Period(start, day.replace(day=last), start.strftime("%B %Y"))


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), str(number))


# --- the workbook ---------------------------------------------------------------------


@dataclass(frozen=True)
class MonthEndExport:
    """What was written, and the tie-out in one line for a terminal or a status bar."""

    path: Path
    period: Period
    ties: bool
    tie_out: str
    sheets: tuple[str, ...]


def tie_out_line(rf: period_reports.RollForward) -> str:
    """``Opening A/R $x + charges $y - payments applied ... = closing A/R $z: ties``."""
    moves = rf.opening + rf.charges - rf.payments_applied - rf.write_offs + rf.voids
    if moves != rf.closing:
        verdict = f"DOES NOT TIE (the movements add up to {format_money(moves)})"
    elif not rf.ties:
        verdict = "A/R ties, but CLIENT CREDIT DOES NOT"
    else:
        verdict = "ties"
    return (
        f"Opening A/R {format_money(rf.opening)} + charges {format_money(rf.charges)} "
        f"- payments applied {format_money(rf.payments_applied)} "
        f"- write-offs {format_money(rf.write_offs)} + voids {format_money(rf.voids)} "
        f"= closing A/R {format_money(rf.closing)}: {verdict}."
    )


def _practice_name(session: Session) -> str:
    practice = session.get(Practice, 1)
    return practice.practice_name if practice is not None else ""


def _head(session: Session) -> tuple[int, str] | None:
    """The audit chain head the workbook anchors (read with its reports, so they agree)."""
    head = audit_log.chain_head(session)
    return None if head is None else (head.entry_id, head.entry_hash)


READ_STEPS = 8  # progress steps of reading: one per report, one for the cover's facts


@dataclass(frozen=True)
class MonthEndPack:
    """Every report of the workbook, read in one database session so they agree."""

    book: MonthEndBook
    rollforward: period_reports.RollForward


def _read_pack(
    session: Session,
    period: Period,
    full_names: bool,
    today: date,
    step: Callable[[int], None],
) -> MonthEndPack:
    from desktop.reports.month_end_workbook import MonthEndBook  # openpyxl only when needed

    start, end = period.start, period.end
    who = client_labels(session, full_names=full_names)
    rf = period_reports.rollforward(session, start, end)  # for the cover and its own sheet
    readers = (
        lambda: aging_table(session, end, who),
        lambda: report_tables.rollforward_table(session, start, end, rf),
        lambda: report_tables.income_table(session, start, end),
        lambda: report_tables.charges_by_service_table(session, start, end),
        lambda: report_tables.write_offs_table(session, start, end),
        lambda: credit_table(session, end, who),
        lambda: refunds_table(session, start, end, who),
    )
    tables: list[Table] = []
    for reader in readers:
        tables.append(reader())
        step(len(tables))
    aging, rollforward, income, by_service, write_offs, credit, refunds = tables
    book = MonthEndBook(
        practice=_practice_name(session),
        title=period.title,
        start=start,
        end=end,
        written_on=today,
        full_names=full_names,
        closed_through=periods.closed_through(session),
        aging=aging,
        rollforward=rollforward,
        income=income,
        by_service=by_service,
        write_offs=write_offs,
        credit=credit,
        refunds=refunds,
        chain_head=_head(session),
    )
    step(READ_STEPS)
    return MonthEndPack(book, rf)


def _stepper(progress: Progress | None, total: int, offset: int = 0) -> Callable[[int], None]:
    def step(done: int) -> None:
        if progress is not None and progress(offset + done, total) is False:
            raise ExportCancelled("The export was canceled; no file was written.")

    return step


def read_month_end(
    ws: Workspace,
    period: Period,
    *,
    full_names: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> MonthEndPack:
    """Read every report of the month-end workbook (the slow half of an export)."""
    step = _stepper(progress, READ_STEPS)
    return ws.read(_read_pack, period, full_names, today or date.today(), step)


def write_month_end(
    pack: MonthEndPack, path: Path | str, *, progress: Progress | None = None
) -> MonthEndExport:
    """Write a pack read by ``read_month_end`` to ``path`` (atomically, 0600)."""
    from desktop.reports.month_end_workbook import STEPS

    return _write(pack, path, _stepper(progress, STEPS))


def _write(pack: MonthEndPack, path: Path | str, step: Callable[[int], None]) -> MonthEndExport:
    from desktop.reports.month_end_workbook import write_month_end_workbook

    # ``step`` raises ExportCancelled itself, before the writer saves anything.
    written = write_month_end_workbook(pack.book, path, lambda done, _total: step(done))
    book = pack.book
    return MonthEndExport(
        Path(path),
        Period(book.start, book.end, book.title),
        pack.rollforward.ties,
        tie_out_line(pack.rollforward),
        ("Cover", *(w.sheet for w in written.sheets)),
    )


def export_month_end(
    ws: Workspace,
    period: Period,
    path: Path | str,
    *,
    full_names: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> MonthEndExport:
    """Write the month-end workbook for ``period`` to ``path`` (atomically, 0600).

    ``progress(done, total)`` is called after each report is read and each sheet
    written; when it returns False the export stops with ``ExportCancelled`` and
    no file is written.
    """
    from desktop.reports.month_end_workbook import STEPS

    total = READ_STEPS + STEPS
    pack = ws.read(_read_pack, period, full_names, today or date.today(), _stepper(progress, total))
    return _write(pack, path, _stepper(progress, total, READ_STEPS))


def export_month_end_job(
    period: Period, path: Path, *, full_names: bool = False
) -> Job[MonthEndExport]:
    """``export_month_end`` as a job for the window: Cancel leaves no file behind."""

    def work(workspace: Workspace, progress: Progress) -> MonthEndExport:
        return export_month_end(workspace, period, path, full_names=full_names, progress=progress)

    return Job(f"Writing the workbook for {period.title}…", work)


def recorded_chain_head(path: Path) -> tuple[int, str] | None:
    """The audit chain head a month-end workbook records on its cover, or None.

    A file that is not a workbook at all is None too: the caller says what it is not.
    """
    from zipfile import BadZipFile

    from desktop.reports.month_end_workbook import read_chain_head

    try:
        return read_chain_head(Path(path))
    except (BadZipFile, KeyError, OSError, ValueError):
        return None
