"""Month-end: client credit and refunds, the workbook read back, closing and reopening."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.models import AuditEntry, Client, Diagnosis
from desktop.domain.kinds import AdjustmentReason
from desktop.reports.month_end_workbook import AR_LINES, CREDIT_LINES, FULL_NAMES_NOTE, OK
from desktop.reports.xlsx_tables import MONEY_FORMAT
from desktop.services.books import (
    payments,
    period_reports,
    periods,
    refunds,
    sessions,
    voids,
    write_offs,
)
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import InvalidInput, PeriodClosed
from desktop.services.month_end import close as month_end_close
from desktop.services.month_end import credit as month_end_credit
from desktop.services.month_end import workbook as month_end
from desktop.services.month_end.workbook import ExportCancelled
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id
from tests.conftest import PASSPHRASE

MARCH = month_end.month("2026-03")
TODAY = date(2026, 11, 23)
HOSTILE = ("=cmd|' /C calc'!A0", "+1", "@SUM(1)")
SHEETS = [
    "Cover",
    "Aging",
    "Roll-forward",
    "Income",
    "By service",
    "Write-offs",
    "Client credit",
    "Refunds",
]


def visit(ws: Workspace, unit: int, day: date) -> None:
    ws.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))


def private_details(session: Session, ref: str) -> None:
    """What must never reach a bookkeeper's workbook: an address and a diagnosis."""
    client = session.execute(select(Client).where(Client.client_ref == ref)).scalar_one()
    client.address, client.city, client.state, client.zip = "12 Elm Street", "Troy", "NY", "12180"
    session.add(
        Diagnosis(
            client_id=client.id,
            code="F43.23",
            description="Adjustment disorder",
            rank=1,
            effective_from=date(2025, 12, 1),
        )
    )
    session.flush()


def build_march(ws: Workspace) -> None:
    """A small practice worked by hand for March 2026 (every client born 1985-01-01).

    A1 Ana Lopez   Feb 20 and Mar 5 at 150; 200 cash Mar 6 (Feb 20 paid, 50 on Mar 5)
    B2 =cmd|...    Mar 10 at 150; 400 by card Mar 10 (fee 11.90): 250 credit; 100 refunded Mar 20
    C3 +1          Jan 10 at 150; 40 written off (bad debt) Mar 15
    D4 @SUM(1)     Mar 12 at 150; 50 cash Mar 12, voided Mar 25 (cheque bounced)
    A1 again       Apr 2 at 150: after the month, so in no March figure

    March: opening A/R 300 + charges 450 - applied 400 - write-offs 40 + voids 50 = 360;
    client credit 0 + received 650 - applied 400 - refunded 100 = 150.
    """
    a1 = ws.run(add_unit, "A1", "Ana Lopez")
    b2 = ws.run(add_unit, "B2", HOSTILE[0])
    c3 = ws.run(add_unit, "C3", HOSTILE[1])
    d4 = ws.run(add_unit, "D4", HOSTILE[2])
    ws.run(private_details, "A1")
    cash, card = ws.run(method_id, "Cash"), ws.run(method_id, "Card")
    visit(ws, c3, date(2026, 1, 10))
    visit(ws, a1, date(2026, 2, 20))
    visit(ws, a1, date(2026, 3, 5))
    ws.run(payments.record_payment, PaymentInput(a1, date(2026, 3, 6), D("200"), cash))
    visit(ws, b2, date(2026, 3, 10))
    ws.run(payments.record_payment, PaymentInput(b2, date(2026, 3, 10), D("400"), card))
    ws.run(refunds.record_refund, b2, D("100.00"), date(2026, 3, 20), method_id=card)
    charge = ws.read(payments.open_charges, c3)[0].id
    ws.run(
        write_offs.write_off, charge, D("40.00"), AdjustmentReason.BAD_DEBT, on=date(2026, 3, 15)
    )
    visit(ws, d4, date(2026, 3, 12))
    paid = ws.run(payments.record_payment, PaymentInput(d4, date(2026, 3, 12), D("50"), cash))
    ws.run(voids.void_entry, "payment", paid.id, "Check bounced", date(2026, 3, 25))
    visit(ws, a1, date(2026, 4, 2))


@pytest.fixture(scope="module")
def march_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The March practice, built once; tests that change it work on a copy."""
    path = tmp_path_factory.mktemp("march") / "books.qlb"
    with Workspace.create(path, PASSPHRASE) as ws:
        ws.run(create_practice, Profile(practice_name="Harbor Light Therapy"), user_name="Dana")
        build_march(ws)
    return path


@pytest.fixture
def march(march_file: Path, tmp_path: Path) -> Iterator[Workspace]:
    folder = tmp_path / "copy"
    folder.mkdir()
    for source in march_file.parent.glob(f"{march_file.name}*"):
        if not source.name.endswith(".lock"):
            shutil.copy(source, folder / source.name)
    with Workspace.open(folder / march_file.name, passphrase=PASSPHRASE) as ws:
        yield ws


@pytest.fixture(scope="module")
def written(march_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The March workbook, minimum-necessary and with full names."""
    out = tmp_path_factory.mktemp("workbooks")
    paths = {"minimum": out / "march.xlsx", "full": out / "march-names.xlsx"}
    with Workspace.open(march_file, passphrase=PASSPHRASE) as ws:
        month_end.export_month_end(ws, MARCH, paths["minimum"], today=TODAY)
        month_end.export_month_end(ws, MARCH, paths["full"], full_names=True, today=TODAY)
    return paths


# --- the reports books.py lacks -------------------------------------------------------


def test_rollforward_of_the_hand_worked_month(march: Workspace) -> None:
    rf = march.read(period_reports.rollforward, MARCH.start, MARCH.end)
    assert (rf.opening, rf.charges, rf.payments_applied, rf.write_offs, rf.voids) == (
        D("300.00"),
        D("450.00"),
        D("400.00"),
        D("40.00"),
        D("50.00"),
    )
    assert (rf.closing, rf.credit_closing, rf.credit_refunded) == (
        D("360.00"),
        D("150.00"),
        D("100.00"),
    )
    assert rf.ties
    line = month_end.tie_out_line(rf)
    assert line.startswith("Opening A/R $300.00 + charges $450.00")
    assert line.endswith("= closing A/R $360.00: ties.")


def test_client_credit_as_of_a_date_with_days_open(march: Workspace) -> None:
    report = march.read(month_end_credit.client_credit, date(2026, 3, 31))
    assert [(r.credit, r.oldest_payment, r.days_open, r.payments) for r in report.rows] == [
        (D("150.00"), date(2026, 3, 10), 21, 1)
    ]
    assert report.total == D("150.00")
    # Before the refund the whole 250 was held; before the payment, nothing.
    assert march.read(month_end_credit.client_credit, date(2026, 3, 19)).total == D("250.00")
    assert march.read(month_end_credit.client_credit, date(2026, 3, 9)).rows == ()
    # The records (payments less applications and refunds) agree with the credit account.
    for day in (date(2026, 3, 9), date(2026, 3, 12), date(2026, 3, 31), date(2026, 4, 30)):
        held = march.read(month_end_credit.client_credit, day).total
        assert march.read(month_end_credit.unapplied_from_records, day) == held, day


def test_refunds_in_a_period(march: Workspace) -> None:
    found = march.read(month_end_credit.refunds, MARCH.start, MARCH.end)
    assert [(r.on, r.method, r.amount, r.voided_on) for r in found] == [
        (date(2026, 3, 20), "Card", D("100.00"), None)
    ]
    assert march.read(month_end_credit.refunds, date(2026, 4, 1), date(2026, 4, 30)) == []
    with pytest.raises(InvalidInput, match="ends before it starts"):
        march.read(month_end_credit.refunds, MARCH.end, MARCH.start)


def test_tie_out_line_says_which_part_does_not_tie(march: Workspace) -> None:
    rf = march.read(period_reports.rollforward, MARCH.start, MARCH.end)
    off_ar = dataclasses.replace(rf, closing=rf.closing + D("0.01"))
    assert month_end.tie_out_line(off_ar).endswith(
        "= closing A/R $360.01: DOES NOT TIE (the movements add up to $360.00)."
    )
    off_credit = dataclasses.replace(rf, credit_closing=rf.credit_closing + D("0.01"))
    assert month_end.tie_out_line(off_credit).endswith("A/R ties, but CLIENT CREDIT DOES NOT.")


@pytest.mark.parametrize("bad", ["2026-13", "2026-3", "March", "0000-01", ""])
def test_a_month_is_yyyy_mm(bad: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        month_end.month(bad)


def test_month_period() -> None:
    feb = month_end.month("2028-02")
    assert (feb.start, feb.end, feb.title) == (date(2028, 2, 1), date(2028, 2, 29), "February 2028")


# --- the workbook ---------------------------------------------------------------------


def every_cell(path: Path) -> list[object]:
    workbook = load_workbook(path)
    return [cell.value for ws in workbook for row in ws.iter_rows() for cell in row]


def workbook_cover_text(path: Path) -> str:
    """The cover's notes as one text (long notes are wrapped over several rows)."""
    cover = load_workbook(path)["Cover"]
    return " ".join(str(c.value) for c in cover["A"] if isinstance(c.value, str))


def test_workbook_sheets_layout_and_formats(written: dict[str, Path]) -> None:
    path = written["minimum"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["march-names.xlsx", "march.xlsx"]
    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS
    for name in SHEETS[1:]:
        ws = workbook[name]
        assert ws.freeze_panes == "A5", name
        assert str(ws.auto_filter.ref).startswith("A4:"), name
        assert all(cell.font.b for cell in ws[4] if cell.value), name
    aging = workbook["Aging"]
    # Headings in words, never field names; dates as US paper shows them.
    assert [c.value for c in aging[4]] == [
        "Client ref.",
        "Initials",
        "Current",
        "1-30",
        "31-60",
        "61-90",
        "91+",
        "Total",
    ]
    labels = [aging.cell(row=r, column=1).value for r in range(5, 10)]
    assert labels == ["A1", "C3", "D4", "UNAPPLIED CREDIT", "TOTAL"]
    # The credit line is negative with its buckets empty; the buckets sum the clients and
    # the total takes in the credit, so it is net A/R.
    assert [aging.cell(row=8, column=c).value for c in range(3, 9)] == [None] * 5 + [-150]
    assert aging["C9"].value == "=ROUND(SUM(C5:C8),2)"
    assert aging["H9"].value == "=ROUND(SUM(H5:H8),2)"
    assert aging["H9"].number_format == MONEY_FORMAT
    assert aging["H5"].number_format == MONEY_FORMAT
    credit = workbook["Client credit"]
    assert [c.value for c in credit[5]] == ["B2", "'=/", 150, datetime(2026, 3, 10), 21, 1]
    assert credit["C6"].value == "=ROUND(SUM(C5:C5),2)"
    refunds = workbook["Refunds"]
    assert refunds["A5"].is_date
    assert refunds["A5"].number_format == "mm/dd/yyyy"
    assert credit["D5"].number_format == "mm/dd/yyyy"
    assert [c.value for c in refunds[4]][:3] == ["Date", "Client ref.", "Initials"]
    assert refunds["F5"].value == 100
    assert refunds["F6"].value == "=ROUND(SUM(F5:F5),2)"
    assert workbook["Aging"].column_dimensions["B"].width >= 8


def test_cover_ties_out_with_formulas(written: dict[str, Path]) -> None:
    cover = load_workbook(written["minimum"])["Cover"]
    cells = {cover.cell(row=r, column=1).value: cover.cell(row=r, column=2) for r in range(1, 60)}
    assert cells["Opening A/R"].value == "='Roll-forward'!$B$5"
    assert cells["less payments applied"].value == "=-'Roll-forward'!$B$7"
    computed = cells["Closing A/R, computed"]
    assert computed.value.startswith("=ROUND(")
    assert computed.number_format == MONEY_FORMAT
    assert cells["Net A/R aged (owed less credit)"].value == "='Aging'!$H$9"
    assert cells["less unapplied client credit"].value == "='Roll-forward'!$B$16"
    assert cells["A/R ties"].value.startswith("=IF(AND(ROUND(")
    assert cells["Credit held by clients"].value == "='Client credit'!$C$6"
    assert cells["Check: everything ties"].value.endswith(f',"{OK}","DOES NOT TIE")')
    # The roll-forward lines the cover points at are the ones it names.
    rollforward = load_workbook(written["minimum"])["Roll-forward"]
    labels = [rollforward.cell(row=r, column=1).value for r in range(5, 17)]
    assert labels[:5] == list(AR_LINES)
    assert labels[6:11] == list(CREDIT_LINES)
    assert "the minimum a bookkeeper needs" in workbook_cover_text(written["minimum"])


def test_minimum_necessary_by_default(written: dict[str, Path]) -> None:
    values = every_cell(written["minimum"])
    texts = " ".join(str(v) for v in values if v is not None)
    assert datetime(1985, 1, 1) not in values
    for secret in ("1985", "F43", "Adjustment", "Elm", "Troy", "12180", "Lopez", "Ana", "cmd"):
        assert secret not in texts, secret
    assert "AL" in values  # Ana Lopez, by initials


def test_full_names_say_why_they_are_riskier_and_stay_inert(written: dict[str, Path]) -> None:
    path = written["full"]
    values = every_cell(path)
    assert "Ana Lopez" in values
    cover = workbook_cover_text(path)
    assert " ".join(FULL_NAMES_NOTE.split()) in cover
    assert "minimum a bookkeeper needs" not in cover
    assert datetime(1985, 1, 1) not in values
    assert not any(isinstance(v, str) and ("F43" in v or "Elm" in v) for v in values)
    workbook = load_workbook(path)
    aging = workbook["Aging"]
    assert aging["B4"].value == "Client"
    names = {aging.cell(row=r, column=2).value: aging.cell(row=r, column=2) for r in (5, 6, 7)}
    # A one-word name is both first and last name: "+1 +1".
    assert set(names) == {"Ana Lopez", f"'{HOSTILE[1]} {HOSTILE[1]}", f"'{HOSTILE[2]} {HOSTILE[2]}"}
    assert all(cell.data_type == "s" for cell in names.values())
    assert workbook["Client credit"]["B5"].value == "'" + HOSTILE[0]
    assert workbook["Client credit"]["B5"].data_type == "s"
    with zipfile.ZipFile(path) as archive:
        formulas = [
            formula
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for formula in re.findall(r"<f>(.*?)</f>", archive.read(name).decode())
        ]
    assert formulas  # the totals and the cover are formulas...
    assert not [f for f in formulas if "cmd" in f or "SUM(1)" in f]  # ...the names never


def test_progress_reaches_the_end_and_cancel_leaves_no_file(
    march: Workspace, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "out"
    out.mkdir()
    month_end.export_month_end(
        march, MARCH, out / "done.xlsx", progress=lambda d, t: seen.append((d, t)) or True
    )
    total = seen[-1][1]
    assert [d for d, _ in seen] == list(range(1, total + 1))
    assert {t for _, t in seen} == {total}

    def cancel_at_ten(done: int, total: int) -> bool:
        return done < 10

    with pytest.raises(ExportCancelled, match="no file was written"):
        month_end.export_month_end(march, MARCH, out / "cancelled.xlsx", progress=cancel_at_ten)
    assert os.listdir(out) == ["done.xlsx"]


# --- computed by a real spreadsheet ---------------------------------------------------


def computed_sheets(tmp_path: Path, *workbooks: Path) -> dict[tuple[str, str], list[list[str]]]:
    """Each sheet of each workbook as LibreOffice computes it: (file stem, sheet) -> grid."""
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path / "out"),
            *map(str, workbooks),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    grids = {}
    for book in workbooks:
        for sheet in SHEETS:
            with (tmp_path / "out" / f"{book.stem}-{sheet}.csv").open(encoding="utf-8") as f:
                grids[(book.stem, sheet)] = list(csv.reader(f))
    return grids


def cover_value(grid: list[list[str]], label: str) -> str:
    return next(row[1] for row in grid if row and row[0] == label)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; apt-get install libreoffice-calc to run",
)
def test_libreoffice_computes_the_apps_totals_and_the_check(
    march: Workspace, tmp_path: Path
) -> None:
    good = tmp_path / "good.xlsx"
    month_end.export_month_end(march, MARCH, good)
    # A copy whose closing A/R was typed over: the check must notice.
    tampered = tmp_path / "tampered.xlsx"
    workbook = load_workbook(good)
    rollforward = workbook["Roll-forward"]
    closing_row = next(r for r in range(5, 20) if rollforward[f"A{r}"].value == "Closing A/R")
    rollforward[f"B{closing_row}"].value = 360.01
    workbook.save(tampered)
    grids = computed_sheets(tmp_path, good, tampered)

    cover = grids[("good", "Cover")]
    rf = march.read(period_reports.rollforward, MARCH.start, MARCH.end)
    assert cover_value(cover, "Check: everything ties") == OK
    assert cover_value(cover, "A/R ties") == OK
    assert cover_value(cover, "Client credit ties") == OK
    assert D(cover_value(cover, "Closing A/R, computed")) == rf.closing
    assert D(cover_value(cover, "Closing client credit, computed")) == rf.credit_closing
    assert D(cover_value(cover, "Refunds paid")) == rf.credit_refunded
    tables = {
        "Aging": ("Total", march.read(books.aging, MARCH.end).net),
        "Income": (
            "Net",
            sum((r.net for r in march.read(period_reports.income, *MARCH_SPAN)), D(0)),
        ),
        "Client credit": ("Credit", rf.credit_closing),
        "Refunds": ("Amount", rf.credit_refunded),
        "Write-offs": ("Amount", rf.write_offs),
    }
    for sheet, (column, expected) in tables.items():
        grid = grids[("good", sheet)]
        header = grid[3]
        total = next(row for row in grid if row and row[0] == "TOTAL")
        assert D(total[header.index(column)]) == expected, sheet

    spoiled = grids[("tampered", "Cover")]
    assert cover_value(spoiled, "A/R ties") == "DOES NOT TIE"
    assert cover_value(spoiled, "Check: everything ties") == "DOES NOT TIE"
    assert cover_value(spoiled, "Client credit ties") == OK


MARCH_SPAN = (MARCH.start, MARCH.end)


# --- closing the month ----------------------------------------------------------------


def test_close_month_when_every_check_passes(march: Workspace) -> None:
    result = month_end_close.close_month(march, MARCH, today=TODAY)
    assert [c.name for c in result.checks] == [
        "month is over and open",
        "roll-forward ties",
        "practice file check",
        "unapplied payments are credit",
    ]
    assert all(c.passed for c in result.checks), result.checks
    assert result.closed
    assert result.passed
    assert result.closed_through == date(2026, 3, 31)
    assert march.read(periods.closed_through) == date(2026, 3, 31)
    unit = march.read(lambda s: s.execute(text("SELECT id FROM billing_units")).scalar())
    with pytest.raises(PeriodClosed):
        visit(march, unit, date(2026, 3, 30))
    # Closing it again is refused by the first check, and nothing moves.
    again = month_end_close.close_month(march, MARCH, today=TODAY)
    assert not again.closed
    assert not again.checks[0].passed
    assert "already closed through 03/31/2026" in again.checks[0].sentence
    # Reopening needs a reason and leaves an audit entry that carries it.
    with pytest.raises(InvalidInput, match="Say why"):
        month_end_close.reopen(march, date(2026, 2, 28), "  ")
    assert month_end_close.reopen(march, date(2026, 2, 28), "Late cheque found") == date(
        2026, 2, 28
    )
    reasons = march.read(
        lambda s: (
            s.execute(select(AuditEntry.after_json).where(AuditEntry.action == "reopen"))
            .scalars()
            .all()
        )
    )
    assert len(reasons) == 1
    assert "Late cheque found" in reasons[0]
    visit(march, unit, date(2026, 3, 30))


def test_a_month_not_yet_over_is_not_closed(march: Workspace) -> None:
    result = month_end_close.close_month(march, month_end.month("2026-11"), today=TODAY)
    assert not result.closed
    assert result.closed_through is None
    assert "not over yet" in result.checks[0].sentence
    assert march.read(periods.closed_through) is None


def test_close_month_refuses_damaged_books(march: Workspace) -> None:
    # Five dollars of credit that no payment record explains, slipped into the first
    # payment's transaction (rows are append-only, so damage can only be added).
    march.run(
        lambda s: s.execute(
            text(
                "INSERT INTO ledger_splits (txn_id, account, amount_cents, unit_id, payment_id) "
                "SELECT txn_id, 'client_credit', -500, unit_id, id FROM payments "
                "WHERE id = (SELECT MIN(id) FROM payments)"
            )
        )
    )
    result = month_end_close.close_month(march, MARCH, today=TODAY)
    failed = {c.name: c.sentence for c in result.checks if not c.passed}
    assert set(failed) == {"practice file check", "unapplied payments are credit"}
    assert "does not balance" in failed["practice file check"]
    assert (
        "Client credit is $155.00, but payments not applied or refunded come to $150.00"
        in (failed["unapplied payments are credit"])
    )
    assert not result.closed
    assert march.read(periods.closed_through) is None


def test_report_sheets_read_as_words_with_us_dates_and_fitting_columns(
    written: dict[str, Path],
) -> None:
    workbook = load_workbook(written["minimum"])
    dates = 0
    for name in SHEETS[1:]:
        ws = workbook[name]
        assert ws.freeze_panes == "A5", name
        headings = [c.value for c in ws[4] if c.value is not None]
        assert headings, name
        for cell in ws[4]:
            if cell.value is None:
                continue
            assert "_" not in cell.value, cell.value
            assert cell.value[:1] == cell.value[:1].upper(), cell.value
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= len(cell.value) + 2, (name, cell.value, width)
        for row in ws.iter_rows(min_row=5):
            if all(cell.value is None for cell in row):
                break  # the notes below the table run across columns
            for cell in row:
                if isinstance(cell.value, datetime):
                    dates += 1
                    assert cell.number_format == "mm/dd/yyyy", (name, cell.coordinate)
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    width = ws.column_dimensions[cell.column_letter].width
                    assert width >= min(len(cell.value), 58), (name, cell.coordinate)
    assert dates > 0
    assert "03/01/2026 to 03/31/2026" in workbook_cover_text(written["minimum"])
