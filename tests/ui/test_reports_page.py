"""The Reports page: tables that export as shown, the workbook, closing and reopening a month."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the figures
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.books import payments, periods, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.month_end.workbook import month_of
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.close_month import CloseMonthDialog, ReopenDialog
from desktop.ui.formatting import format_date
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.reports import ReportsPage
from tests.books_helpers import add_unit, method_id
from tests.ui.conftest import RecordingInteraction

MARCH_END = date(2026, 3, 31)


@pytest.fixture
def books(ui_workspace: Workspace) -> dict[str, int]:
    """Ana owes 150 from March 5 (her March 2 visit is paid); Ben paid ahead: 50 of credit."""
    ana = ui_workspace.run(add_unit, "A1", "Ana Lopez")
    ben = ui_workspace.run(add_unit, "B2", "Ben Ortiz")
    cash = ui_workspace.run(method_id, "Cash")
    for unit, day in ((ana, date(2026, 3, 2)), (ana, date(2026, 3, 5)), (ben, date(2026, 3, 9))):
        ui_workspace.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))
    ui_workspace.run(payments.record_payment, PaymentInput(ana, date(2026, 3, 3), D("150"), cash))
    ui_workspace.run(payments.record_payment, PaymentInput(ben, date(2026, 3, 9), D("200"), cash))
    return {"ana": ana, "ben": ben}


def reports_page(window: MainWindow) -> ReportsPage:
    window.show_page("reports")
    page = window.page("reports")
    assert isinstance(page, ReportsPage)
    return page


def shown(page: ReportsPage) -> list[list[str]]:
    model = page.view.model()
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_aging_as_of_a_date_exports_what_it_shows_and_opens_the_client(
    qtbot: QtBot, window: MainWindow, books: dict[str, int], tmp_path: Path
) -> None:
    page = reports_page(window)
    page.choose_report("aging")
    page.as_of.set_value(MARCH_END)
    page.show_report()
    rows = shown(page)
    assert rows[0][:2] == ["A1", "Ana Lopez"]
    assert rows[0][-1] == "$150.00"
    # Ben's 50 of credit is its own negative line, so the total is net A/R.
    assert rows[-2][0] == "UNAPPLIED CREDIT"
    assert rows[-2][-1] == "-$50.00"
    assert rows[-1][0] == "TOTAL"
    assert rows[-1][-1] == "$100.00"
    # The table speaks paper (MM/DD/YYYY); the page shows the locale's short date.
    assert f"As of {format_date(MARCH_END)}" in page.heading.text()
    assert f"on or before {format_date(MARCH_END)} counts" in page.notes.text()
    assert "2026-03-31" not in page.heading.text() + page.notes.text()
    assert [page.model.headerData(i, Qt.Orientation.Horizontal) for i in (0, 1)] == [
        "Client ref.",
        "Client",
    ]

    target = tmp_path / "aging.csv"
    page.choose_save_path = lambda *_args: target  # type: ignore[method-assign]
    page.export("csv")
    qtbot.waitUntil(target.exists, timeout=5000)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.reader(stream))
    assert records[1][0] == "A1"
    assert records[1][-1] == "150.00"
    assert records[-1][0] == "TOTAL"

    page._activated(page.view.model().index(0, 0))
    clients = window.page("clients")
    assert isinstance(clients, ClientsPage)
    assert window.current_page() is clients
    assert clients.detail.unit is not None
    assert clients.detail.unit.unit_id == books["ana"]


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot,
    window: MainWindow,
    books: dict[str, int],
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    page = reports_page(window)
    page.choose_report("aging")
    page.show_report()
    page.choose_save_path = lambda *_args: tmp_path / "gone" / "aging.xlsx"  # type: ignore[method-assign]
    page.export("xlsx")
    qtbot.waitUntil(lambda: bool(interaction.errors), timeout=10000)
    assert "Could not write" in interaction.errors[-1]


def test_period_reports_and_client_credit(window: MainWindow, books: dict[str, int]) -> None:
    page = reports_page(window)
    page.choose_report("rollforward")
    page.start.set_value(date(2026, 3, 1))
    page.end.set_value(MARCH_END)
    page.show_report()
    lines = {row[0]: row[1] for row in shown(page)}
    assert lines["Charges"] == "$450.00"
    assert lines["Closing A/R"] == "$150.00"
    assert lines["Closing client credit"] == "$50.00"
    assert "It ties" in page.notes.text()
    page.choose_report("income_by_method")
    page.show_report()
    assert shown(page) == [
        ["Cash", "2", "$350.00", "$0.00", "$350.00", "$0.00"],
        ["TOTAL", "2", "$350.00", "$0.00", "$350.00", "$0.00"],
    ]
    page.choose_report("credit")
    page.as_of.set_value(MARCH_END)
    page.show_report()
    assert shown(page)[0][:3] == ["B2", "Ben Ortiz", "$50.00"]


def test_month_end_workbook_is_written_in_the_background(
    qtbot: QtBot, window: MainWindow, books: dict[str, int], tmp_path: Path
) -> None:
    page = reports_page(window)
    bar = page.month_end
    bar.month.setCurrentIndex(bar.month.findText("March 2026"))
    target = tmp_path / "march.xlsx"
    page.month_end._choose_path = lambda *_args: target
    bar.export_workbook()
    qtbot.waitUntil(lambda: bar.last_export is not None, timeout=15000)
    assert target.exists()
    assert bar.last_export is not None
    assert bar.last_export.ties
    assert not bar.full_names.isChecked()
    assert "riskier" in bar.full_names.text()


def test_cancelling_the_workbook_leaves_no_file(
    qtbot: QtBot,
    window: MainWindow,
    books: dict[str, int],
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    bar = reports_page(window).month_end
    bar.month.setCurrentIndex(bar.month.findText("March 2026"))
    out = tmp_path / "out"
    out.mkdir()
    target = out / "march.xlsx"
    bar._choose_path = lambda *_args: target
    bar.export_workbook()
    assert bar.task is not None
    bar.task.cancel()
    qtbot.waitUntil(lambda: bar.cancelled, timeout=15000)
    assert bar.last_export is None
    assert not target.exists()
    assert list(out.iterdir()) == []  # no temporary file left behind either
    assert interaction.errors == []


def test_close_the_month_then_a_posting_into_it_is_refused_until_reopened(
    qtbot: QtBot,
    window: MainWindow,
    books: dict[str, int],
    interaction: RecordingInteraction,
) -> None:
    page = reports_page(window)
    bar = page.month_end
    bar.month.setCurrentIndex(bar.month.findText("March 2026"))
    seen: dict[str, object] = {}

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CloseMonthDialog)
        seen["checks"] = [(c.name, c.passed) for c in dialog.results]
        seen["enabled"] = dialog.close_button.isEnabled()
        dialog.close_button.click()

    QTimer.singleShot(0, close_it)
    bar.close_button.click()
    assert seen["enabled"] is True
    assert len(seen["checks"]) == 4  # type: ignore[arg-type]
    assert all(passed for _name, passed in seen["checks"])  # type: ignore[attr-defined]
    assert window.runner.read(periods.closed_through) == MARCH_END
    assert bar.closed_label.text().startswith("Closed through")

    refused = window.runner.run(
        sessions.record_session, SessionInput(books["ana"], date(2026, 3, 30), "90834", minutes=50)
    )
    assert refused is None
    assert interaction.errors
    assert "closed" in interaction.errors[-1].lower()

    def reopen_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReopenDialog)
        assert not dialog.reopen_button.isEnabled()  # a reason first
        qtbot.keyClicks(dialog.reason, "A March cheque was found")
        dialog.reopen_button.click()

    QTimer.singleShot(0, reopen_it)
    bar.reopen_button.click()
    assert window.runner.read(periods.closed_through) == date(2026, 2, 28)
    posted = window.runner.run(
        sessions.record_session, SessionInput(books["ana"], date(2026, 3, 30), "90834", minutes=50)
    )
    assert posted is not None


def test_a_month_whose_checks_fail_cannot_be_closed(
    window: MainWindow, books: dict[str, int]
) -> None:
    page = reports_page(window)
    this_month = date.today().replace(day=1)
    dialog = CloseMonthDialog(page, window.runner, month_of(this_month))
    assert not dialog.results[0].passed
    assert not dialog.close_button.isEnabled()
    assert "cannot be closed" in dialog.verdict.text()
    dialog.close_now()  # even if pressed, the service refuses
    assert window.runner.read(periods.closed_through) is None


def test_charts_show_the_books_and_save_as_png(
    window: MainWindow, books: dict[str, int], tmp_path: Path
) -> None:
    page = reports_page(window)
    page.tabs.setCurrentIndex(1)
    page.months.setCurrentIndex(page.months.findData(24))
    assert len(page.income_chart.bars) == 24
    assert [bar.label for bar in page.aging_chart.bars][:2] == ["Current", "1-30"]
    assert [bar.amount for bar in page.aging_chart.bars] == [D(0), D(0), D(0), D(0), D("150.00")]
    march = next(bar for bar in page.income_chart.bars if bar.label == "March 2026")
    assert march.amount == D("350.00")
    target = tmp_path / "aging.png"
    page.choose_save_path = lambda *_args: target  # type: ignore[method-assign]
    page.save_chart(page.aging_chart, "ar-aging")
    assert target.read_bytes().startswith(b"\x89PNG")
