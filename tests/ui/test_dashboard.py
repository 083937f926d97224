"""The dashboard follows the books: a session and a payment change its figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCharts import QCategoryAxis
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.books.payments import PaymentInput, record_payment
from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.practice.catalog import list_payment_methods
from desktop.ui.charts import axis_money_text, axis_ticks
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.dashboard import DashboardPage
from desktop.ui.runner import ActionRunner
from tests.ui.test_sessions_page import make_client


def test_figures_and_chart_follow_the_books(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    window.show_page("dashboard")
    page = window.page("dashboard")
    assert isinstance(page, DashboardPage)
    assert page.owed.value.text() == "$0.00"
    unit_id = make_client(runner)
    runner.run(record_session, SessionInput(unit_id, date.today(), "90837", fee=Decimal("175")))
    method = (runner.read(list_payment_methods) or [])[0]
    runner.run(record_payment, PaymentInput(unit_id, date.today(), Decimal("100"), method.id))
    assert page.charges.value.text() == "$175.00"
    assert page.payments.value.text() == "$100.00"
    assert page.owed.value.text() == "$75.00"
    assert page.credit.value.text() == "$0.00"
    assert len(page.months) == 12
    assert page.months[-1] == (date.today().replace(day=1), Decimal("100.00"))
    assert len(page.chart.series()) == 1


def test_the_money_axis_reads_like_the_tiles(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    window.show_page("dashboard")
    page = window.page("dashboard")
    assert isinstance(page, DashboardPage)
    unit_id = make_client(runner)
    method = (runner.read(list_payment_methods) or [])[0]
    runner.run(record_payment, PaymentInput(unit_id, date.today(), Decimal("15000"), method.id))
    axis = page.chart.axes(Qt.Orientation.Vertical)[0]
    assert isinstance(axis, QCategoryAxis)
    labels = axis.categoriesLabels()
    assert labels == ["$0", "$5,000", "$10,000", "$15,000", "$20,000"]


def test_axis_ticks_reach_below_zero_only_when_an_amount_does() -> None:
    assert axis_ticks(Decimal(0), Decimal(100)) == [0, 25, 50, 75, 100]
    assert axis_ticks(Decimal(-30), Decimal(100))[:2] == [-50, -25]
    assert axis_money_text(Decimal("62.5")) == "$62.50"
    assert axis_money_text(Decimal("-1250")) == "-$1,250"
