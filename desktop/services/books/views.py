"""What the books' pages show, each in one read: the Payments month, the Sessions week,
the Dashboard and the Reports page's charts.

Each view is everything its page shows, read in a fixed number of statements
however large the books grow (tests/test_read_scaling.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from desktop.domain.money import ZERO
from desktop.domain.months import month_bounds, shift_month, week_of
from desktop.services.books import period_reports, periods
from desktop.services.books import queries as books
from desktop.services.books.payment_list import ListedPayment, list_payments
from desktop.services.books.sessions import SessionRow, list_sessions

CHART_MONTHS = 12  # the Dashboard's chart: this month and the eleven before it


T = TypeVar("T")


@dataclass(frozen=True)
class PaymentsPageView:
    start: date
    end: date
    payments: tuple[ListedPayment, ...]  # voided ones too, shown muted

    @property
    def live(self) -> tuple[ListedPayment, ...]:
        return tuple(p for p in self.payments if not p.voided)

    @property
    def received(self) -> Decimal:
        return sum((p.amount for p in self.live), ZERO)


def payments_page_view(session: Session, month: date) -> PaymentsPageView:
    """The payments received in ``month``'s month."""
    start, end = month_bounds(month)
    return PaymentsPageView(start, end, tuple(list_payments(session, start=start, end=end)))


@dataclass(frozen=True)
class SessionsPageView:
    monday: date
    sessions: tuple[SessionRow, ...]  # voided ones too, shown muted

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def live(self) -> tuple[SessionRow, ...]:
        return tuple(s for s in self.sessions if not s.voided)

    @property
    def charged(self) -> Decimal:
        return sum((s.charged for s in self.live), ZERO)


def sessions_page_view(session: Session, day: date) -> SessionsPageView:
    """The sessions of ``day``'s week, Monday to Sunday."""
    monday = week_of(day)
    rows = list_sessions(session, start=monday, end=monday + timedelta(days=6))
    return SessionsPageView(monday, tuple(rows))


@dataclass(frozen=True)
class DashboardView:
    today: date
    month: period_reports.RollForward  # this month to today
    months: tuple[tuple[date, Decimal], ...]  # (first day, received less refunds), oldest first


def dashboard_view(session: Session, today: date) -> DashboardView:
    """This month's figures, what is owed and held, and money received per month for a year."""
    start, end = month_bounds(today)
    first = shift_month(start, 1 - CHART_MONTHS)
    totals: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for row in period_reports.income(session, first, end):
        totals[row.on.replace(day=1)] += row.gross - row.refunds
    starts = [shift_month(first, i) for i in range(CHART_MONTHS)]
    return DashboardView(
        today,
        period_reports.rollforward(session, start, today),
        tuple((month, totals[month]) for month in starts),
    )


@dataclass(frozen=True)
class ReportChartsView:
    income: tuple[period_reports.IncomeRow, ...]
    aging: books.AgingReport
    closed_through: date | None  # shown in the month-end bar under the charts


def report_charts_view(session: Session, first: date, today: date) -> ReportChartsView:
    """Money received since ``first``, and what is owed today by age."""
    return ReportChartsView(
        tuple(period_reports.income(session, first, today)),
        books.aging(session, today),
        periods.closed_through(session),
    )


@dataclass(frozen=True)
class ReportTableView(Generic[T]):
    table: T
    closed_through: date | None  # shown in the month-end bar under the table


def report_table_view(
    session: Session, read: Callable[[Session, date, date], T], start: date, end: date
) -> ReportTableView[T]:
    """One report table (``read`` is one of ``report_tables``' functions) and the month-end
    bar's closed-through date, in the one read a refresh of the Reports page makes."""
    return ReportTableView(read(session, start, end), periods.closed_through(session))
