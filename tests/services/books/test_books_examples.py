"""Worked examples with hand-computed answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest

from desktop.domain.kinds import AdjustmentReason, AgingBasis, SessionStatus
from desktop.services.books import (
    payments,
    period_reports,
    periods,
    refunds,
    report_tables,
    sessions,
    write_offs,
)
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput, SplitPaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import NotAllowed, PeriodClosed
from desktop.services.practice.settings import get_settings, update_settings
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, client_id, method_id


def session_on(
    unit: int,
    day: date,
    *,
    fee: str | None = None,
    code: str = "90834",
    status: SessionStatus = SessionStatus.ATTENDED,
) -> SessionInput:
    return SessionInput(
        unit_id=unit,
        service_date=day,
        service_code=code,
        status=status,
        fee=D(fee) if fee is not None else None,
        minutes=50,
    )


def test_partial_payments_age_by_date_of_service(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "A1", "Ana Lopez")
    workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 5)))
    workspace.run(sessions.record_session, session_on(unit, date(2026, 2, 20)))
    cash = workspace.run(method_id, "Cash")
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 3, 1), D("100.00"), cash))
    # Oldest first: 100 goes to the Jan 5 charge, leaving 50 on it and 150 on Feb 20.
    report = workspace.read(books.aging, date(2026, 3, 10))
    row = report.rows[0]
    # As of Mar 10 the Feb 20 charge is 18 days past due, the Jan 5 one 64 days.
    assert row.buckets == (D("0.00"), D("150.00"), D("0.00"), D("50.00"), D("0.00"))
    assert row.total == D("200.00")
    # As of Feb 28 the payment had not arrived.
    assert workspace.read(books.balance, unit, date(2026, 2, 28)).owed == D("300.00")


def test_aging_current_follows_payment_terms_and_credit_nets_to_net_ar(
    workspace: Workspace,
) -> None:
    ana = workspace.run(add_unit, "A1", "Ana Lopez")
    ben = workspace.run(add_unit, "B1", "Ben Okafor")
    workspace.run(sessions.record_session, session_on(ana, date(2026, 3, 10)))
    workspace.run(sessions.record_session, session_on(ana, date(2026, 3, 1)))
    cash = workspace.run(method_id, "Cash")
    workspace.run(payments.record_payment, PaymentInput(ben, date(2026, 3, 5), D("40.00"), cash))
    # Terms of 0 days: due on the day of service, so that day itself is Current.
    report = workspace.read(books.aging, date(2026, 3, 10))
    assert report.bucket_names == ("Current", "1-30", "31-60", "61-90", "91+")
    assert report.rows[0].buckets == (D("150.00"), D("150.00"), D("0"), D("0"), D("0"))
    assert (report.owed, report.credit, report.net) == (D("300.00"), D("40.00"), D("260.00"))
    # Terms of 15 days: the Mar 1 charge is due Mar 16, so not yet past due on Mar 10.
    set_terms(workspace, 15)
    report = workspace.read(books.aging, date(2026, 3, 10))
    assert report.rows[0].buckets == (D("300.00"), D("0"), D("0"), D("0"), D("0"))
    # On Apr 1 it is 16 days past due; aged from service, 31 days old, so 31-60.
    report = workspace.read(books.aging, date(2026, 4, 1))
    assert report.rows[0].buckets == (D("0"), D("150.00"), D("150.00"), D("0"), D("0"))
    set_terms(workspace, 15, AgingBasis.DUE_DATE)
    report = workspace.read(books.aging, date(2026, 4, 1))
    assert report.rows[0].buckets == (D("0"), D("300.00"), D("0"), D("0"), D("0"))
    table = workspace.read(report_tables.aging_table, date(2026, 4, 1))
    assert [c.name for c in table.columns] == [
        "client_ref",
        "client",
        "current",
        "1-30",
        "31-60",
        "61-90",
        "91+",
        "total",
    ]
    assert table.rows[-1] == ("UNAPPLIED CREDIT", "", None, None, None, None, None, D("-40.00"))
    assert table.total == ("TOTAL", "", D("0"), D("300.00"), D("0"), D("0"), D("0"), D("260.00"))


def set_terms(workspace: Workspace, days: int, basis: AgingBasis = AgingBasis.SERVICE_DATE) -> None:
    current = workspace.read(get_settings)
    workspace.run(update_settings, replace(current, due_days=days, aging_basis=basis))


def test_overpayment_becomes_credit_used_by_the_next_session(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "B1", "Ben Okafor")
    card = workspace.run(method_id, "Card")
    workspace.run(sessions.record_session, session_on(unit, date(2026, 4, 1)))
    paid = workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 4, 1), D("400.00"), card)
    )
    assert paid.fee == D("11.90")  # 2.9% of 400 + 0.30
    assert paid.unapplied == D("250.00")
    bal = workspace.read(books.balance, unit)
    assert (bal.owed, bal.credit) == (D("0.00"), D("250.00"))
    workspace.run(sessions.record_session, session_on(unit, date(2026, 4, 8)))
    bal = workspace.read(books.balance, unit)
    assert (bal.owed, bal.credit) == (D("0.00"), D("100.00"))
    income = workspace.read(period_reports.income, date(2026, 4, 1), date(2026, 4, 30))
    assert [(r.method, r.gross, r.fee, r.net) for r in income] == [
        ("Card", D("400.00"), D("11.90"), D("388.10"))
    ]


def test_late_cancel_fee_charges_and_cancellation_does_not(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "C1", "Cy Park")
    workspace.run(
        sessions.record_session,
        session_on(
            unit, date(2026, 5, 4), code="LATE", fee="75.00", status=SessionStatus.LATE_CANCEL
        ),
    )
    workspace.run(
        sessions.record_session, session_on(unit, date(2026, 5, 11), status=SessionStatus.CANCELLED)
    )
    workspace.run(
        sessions.record_session,
        session_on(
            unit, date(2026, 5, 18), code="NOSHOW", fee="0.00", status=SessionStatus.NO_SHOW
        ),
    )
    assert workspace.read(books.balance, unit).owed == D("75.00")
    by_service = workspace.read(
        period_reports.charges_by_service, date(2026, 5, 1), date(2026, 5, 31)
    )
    assert [(r.key, r.amount) for r in by_service] == [("LATE", D("75.00"))]


def test_void_after_allocation_returns_money_to_credit(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "D1", "Dee Marsh")
    cash = workspace.run(method_id, "Cash")
    s1 = workspace.run(sessions.record_session, session_on(unit, date(2026, 6, 1)))
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 6, 1), D("150"), cash))
    assert workspace.read(books.balance, unit).net == D("0.00")
    workspace.run(sessions.void_session, s1.id, "Entered for the wrong client")
    bal = workspace.read(books.balance, unit)
    assert (bal.owed, bal.credit) == (D("0.00"), D("150.00"))
    # The history is kept: as of the session day, the charge was paid.
    assert workspace.read(books.balance, unit, date(2026, 6, 1)).net == D("0.00")
    assert workspace.read(books.ledger_problems) == []


def test_fee_change_after_payment_voids_and_reposts(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "E1", "Eve Tran")
    cash = workspace.run(method_id, "Cash")
    s1 = workspace.run(sessions.record_session, session_on(unit, date(2026, 6, 2)))
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 6, 2), D("150"), cash))
    changed = workspace.run(
        sessions.update_session,
        s1.id,
        session_on(unit, date(2026, 6, 2), fee="120.00"),
        "Sliding scale agreed",
    )
    assert changed.charged == D("120.00")
    bal = workspace.read(books.balance, unit)
    assert (bal.owed, bal.credit) == (D("0.00"), D("30.00"))
    assert workspace.read(books.ledger_problems) == []


def test_couple_pays_from_two_members(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "CPL1", "Alex Rivera", "Sam Rivera")
    workspace.run(
        sessions.record_session, session_on(unit, date(2026, 7, 1), code="90847", fee="200.00")
    )
    zelle = workspace.run(method_id, "Zelle")
    alex, sam = workspace.run(client_id, "CPL1"), workspace.run(client_id, "CPL1-1")
    rows = workspace.run(
        payments.record_split_payment,
        SplitPaymentInput(
            unit, date(2026, 7, 1), D("200.00"), zelle, ((alex, D("120.00")), (sam, D("80.00")))
        ),
    )
    assert [r.payer_client_id for r in rows] == [alex, sam]
    assert workspace.read(books.balance, unit).net == D("0.00")


def test_write_off_and_refund(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "F1", "Fay Ruiz")
    s1 = workspace.run(sessions.record_session, session_on(unit, date(2026, 8, 3)))
    charge_id = workspace.read(payments.open_charges, unit)[0].id
    workspace.run(
        write_offs.write_off,
        charge_id,
        D("50.00"),
        AdjustmentReason.SLIDING_SCALE,
        on=date(2026, 8, 3),
    )
    cash = workspace.run(method_id, "Cash")
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 8, 4), D("130"), cash))
    assert workspace.read(books.balance, unit).credit == D("30.00")
    workspace.run(refunds.record_refund, unit, D("30.00"), date(2026, 8, 5))
    assert workspace.read(books.balance, unit) == books.Balance(D("0.00"), D("0.00"))
    with pytest.raises(NotAllowed):
        workspace.run(refunds.record_refund, unit, D("0.01"), date(2026, 8, 5))
    offs = workspace.read(period_reports.write_offs_by_reason, date(2026, 8, 1), date(2026, 8, 31))
    assert [(r.key, r.amount) for r in offs] == [("sliding_scale", D("50.00"))]
    assert s1.fee == D("150.00")


def test_closed_period_refuses_postings_and_rollforward_ties(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "G1", "Gil Hart")
    cash = workspace.run(method_id, "Cash")
    workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 10)))
    workspace.run(sessions.record_session, session_on(unit, date(2026, 2, 10)))
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 2, 11), D("200"), cash))
    workspace.run(periods.close_period, date(2026, 1, 31))
    with pytest.raises(PeriodClosed, match="closed through 01/31/2026"):
        workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 20)))
    rf = workspace.read(period_reports.rollforward, date(2026, 2, 1), date(2026, 2, 28))
    assert (rf.opening, rf.charges, rf.payments_applied, rf.closing) == (
        D("150.00"),
        D("150.00"),
        D("200.00"),
        D("100.00"),
    )
    assert rf.ties
    workspace.run(periods.reopen_period, None, "Late invoice found")
    workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 20)))
