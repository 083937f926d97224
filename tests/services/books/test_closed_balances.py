"""Reports that start from the balances kept at the last close equal the whole history's.

Random books (every rule of the books' own property test: sessions, payments by hand
and oldest first, refunds, write-offs, fee changes, voids dated today) closed and
reopened at random month ends; after every step, aging, client credit, the
roll-forward and the account totals read from the kept balances are compared, to the
cent, with the same reports read from every transaction, on days before, at and
after the close; and the aging read on a raw connection, with no ORM, is compared
with the session's.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.queries.account_totals import totals_through
from db.queries.closed_balances import whole_history, window_to
from desktop.services.books import payments, period_reports, periods, sessions
from desktop.services.books import queries as books
from desktop.services.books.aging import aging_table
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.month_end import credit as month_end_credit
from desktop.services.month_end import workbook as month_end
from desktop.services.plain_books import read_on
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id
from tests.services.books.test_books_properties import EXAMPLES, START, STEPS, Books

month_ends = st.integers(0, 11).map(
    lambda m: date(START.year, m + 1, calendar.monthrange(START.year, m + 1)[1])
)


def reports(session: Session, day: date) -> tuple[object, ...]:
    """Everything that may start from the kept balances, as of ``day``."""
    period = month_end.month_of(day)
    return (
        books.aging(session, day),
        books.unit_aging(session, 1, day),
        month_end_credit.client_credit(session, day),
        period_reports.rollforward(session, period.start, period.end),
        totals_through(session, day),
    )


def both_ways(session: Session, day: date) -> tuple[tuple[object, ...], tuple[object, ...]]:
    fast = reports(session, day)
    with whole_history(session):
        slow = reports(session, day)
    return fast, slow


class ClosedBooks(Books):
    """The books' property test, closing at month ends and reopening part of the way."""

    @rule(day=month_ends)
    def close_a_month(self, day: date) -> None:
        if self.closed is not None and day <= self.closed:
            return
        self.ws.run(periods.close_period, day)
        self.closed = day

    @precondition(lambda self: self.closed is not None and self.closed.month > 1)
    @rule(data=st.data())
    def reopen_part_of_the_way(self, data: st.DataObject) -> None:
        assert self.closed is not None
        back = data.draw(st.integers(1, self.closed.month - 1))
        to = date(START.year, back, calendar.monthrange(START.year, back)[1])
        self.ws.run(periods.reopen_period, to, "property test")
        self.closed = to

    def days_to_ask(self) -> list[date]:
        days = [START + timedelta(days=45), START + timedelta(days=300), date.today()]
        if self.closed is not None:
            days += [self.closed - timedelta(days=20), self.closed, self.closed + timedelta(1)]
        return days

    @invariant()
    def kept_balances_answer_as_the_whole_history_does(self) -> None:
        if not hasattr(self, "ws"):
            return
        for day in self.days_to_ask():
            fast, slow = self.ws.read(both_ways, day)
            assert fast == slow, f"as of {day}, closed through {self.closed}"

    @invariant()
    def a_raw_connection_reads_the_aging_the_session_reads(self) -> None:
        """``quietledger report aging`` reads without the ORM, on the same statements."""
        if not hasattr(self, "ws"):
            return
        conn = self.ws.practice_file.raw_connection()
        try:
            for day in self.days_to_ask():
                assert read_on(conn, aging_table, day) == self.ws.read(aging_table, day)
                assert read_on(conn, books.unit_aging, 1, day) == self.ws.read(
                    books.unit_aging, 1, day
                )
        finally:
            conn.close()

    @invariant()
    def a_close_is_used_after_it(self) -> None:
        """Guard: once closed, a later day really is answered from the kept balances."""
        if not hasattr(self, "ws") or self.closed is None:
            return
        window = self.ws.read(window_to, date.today())
        assert window is not None
        assert window.through == self.closed


ClosedBooks.TestCase.settings = settings(
    max_examples=max(EXAMPLES // 4, 10),
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestClosedBooks = ClosedBooks.TestCase


def test_kept_balances_that_no_longer_match_the_ledger_fail_the_check(
    workspace: Workspace,
) -> None:
    """Guard: ``check`` compares the kept balances with the splits."""
    unit = workspace.run(add_unit, "A1", "Ana Lopez")
    card = workspace.run(method_id, "Card")
    visit = SessionInput(unit, date(2026, 3, 2), "90834", minutes=50)
    workspace.run(sessions.record_session, visit)
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 3, 3), D("200.00"), card))
    workspace.run(periods.close_period, date(2026, 3, 31), today=date(2026, 4, 1))
    kept = workspace.read(lambda s: s.execute(text("SELECT COUNT(*) FROM closed_balances")).one())
    assert kept == (1,)  # the charge is paid: only the payment's credit is kept
    assert workspace.read(books.ledger_problems) == []
    workspace.run(
        lambda s: s.execute(text("UPDATE closed_balances SET amount_cents = amount_cents - 1"))
    )
    problems = workspace.read(books.ledger_problems)
    assert problems
    assert "balances kept at the last close for client account" in problems[0]
