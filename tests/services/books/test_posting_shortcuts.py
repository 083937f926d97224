"""Posting takes shortcuts for speed; each must give exactly what the long way gives.

Recording a session or a payment builds its row from what is at hand instead of reading
it back, and applying credit reuses the amounts and dates it has already read instead of
asking for them again per allocation. These tests read everything back in a fresh unit
of work and compare.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from sqlalchemy import select

from db.models import Allocation, LedgerTxn
from desktop.domain.kinds import SessionStatus
from desktop.services.audit import log as audit
from desktop.services.books import payments, periods, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id


def visit(unit: int, day: date, fee: str = "150.00", **more: object) -> SessionInput:
    return SessionInput(
        unit_id=unit, service_date=day, service_code="90834", fee=D(fee), minutes=50, **more
    )  # type: ignore[arg-type]


def allocation_dates(ws: Workspace) -> list[tuple[int, int, D, date]]:
    def read(session):  # type: ignore[no-untyped-def]
        rows = session.execute(
            select(
                Allocation.payment_id, Allocation.charge_id, Allocation.amount, LedgerTxn.txn_date
            )
            .join(LedgerTxn, LedgerTxn.id == Allocation.txn_id)
            .order_by(Allocation.id)
        )
        return [tuple(row) for row in rows]

    return ws.read(read)


def test_a_recorded_session_row_is_the_row_read_back(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "S1", "Sam Ito")
    made = [
        workspace.run(sessions.record_session, visit(unit, date(2026, 3, 2))),
        workspace.run(
            sessions.record_session,
            visit(unit, date(2026, 3, 9), "75", status=SessionStatus.LATE_CANCEL),
        ),
        workspace.run(
            sessions.record_session,
            visit(unit, date(2026, 3, 16), "0", status=SessionStatus.CANCELLED),
        ),
        workspace.run(
            sessions.record_session,
            visit(unit, date(2026, 3, 23), addon_code="90785", addon_fee=D("20.00")),
        ),
    ]
    for row in made:
        assert workspace.read(sessions.session_row, row.id) == row
    assert [row.charged for row in made] == [D("150.00"), D("75.00"), D("0.00"), D("170.00")]


def test_a_recorded_payment_row_is_the_row_read_back(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "P1", "Pat Moss")
    cash = workspace.run(method_id, "Cash")
    for day in (date(2026, 4, 13), date(2026, 4, 6), date(2026, 4, 20)):  # out of order
        workspace.run(sessions.record_session, visit(unit, day))
    # Oldest first over three charges, with money left over as credit.
    paid = workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 4, 21), D("400.00"), cash)
    )
    assert paid == workspace.read(payments.payment_row, paid.id)
    assert [a.service_date for a in paid.allocations] == [
        date(2026, 4, 6),
        date(2026, 4, 13),
        date(2026, 4, 20),
    ]
    assert (paid.applied, paid.unapplied) == (D("400.00"), D("0.00"))
    # Applied by hand, in an order that is not the charges' order.
    open_ids = [c.id for c in workspace.read(payments.open_charges, unit)]
    assert len(open_ids) == 1
    workspace.run(sessions.record_session, visit(unit, date(2026, 4, 27)))
    later = [c.id for c in workspace.read(payments.open_charges, unit)]
    by_hand = workspace.run(
        payments.record_payment,
        PaymentInput(
            unit,
            date(2026, 4, 28),
            D("120.00"),
            cash,
            allocations=((later[1], D("70.00")), (later[0], D("30.00"))),
        ),
    )
    assert by_hand == workspace.read(payments.payment_row, by_hand.id)
    assert by_hand.unapplied == D("20.00")


def test_credit_is_applied_when_both_exist_never_back_dated_never_in_a_closed_month(
    workspace: Workspace,
) -> None:
    unit = workspace.run(add_unit, "C1", "Cy Park")
    card = workspace.run(method_id, "Card")
    # Paid ahead on Jan 20 for two sessions; the credit is applied on each session's date.
    ahead = workspace.run(
        payments.record_payment,
        PaymentInput(unit, date(2026, 1, 20), D("300.00"), card, fee=D("0.00")),
    )
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 9)))
    assert allocation_dates(workspace) == [
        (ahead.id, 1, D("150.00"), date(2026, 2, 2)),
        (ahead.id, 2, D("150.00"), date(2026, 2, 9)),
    ]
    # A session recorded late, dated in January: the credit moved on Feb 9, so it is
    # applied no earlier than that, and not before the action that prompts it.
    second = workspace.run(
        payments.record_payment,
        PaymentInput(unit, date(2026, 2, 10), D("100.00"), card, fee=D("0.00")),
    )
    workspace.run(sessions.record_session, visit(unit, date(2026, 1, 26)))
    assert allocation_dates(workspace)[-1] == (second.id, 3, D("100.00"), date(2026, 2, 10))
    # With February closed, credit from a March payment reaches an old charge in March.
    workspace.run(periods.close_period, date(2026, 2, 28), today=date(2026, 3, 5))
    third = workspace.run(
        payments.record_payment,
        PaymentInput(unit, date(2026, 3, 5), D("80.00"), card, fee=D("0.00")),
    )
    assert allocation_dates(workspace)[-1] == (third.id, 3, D("50.00"), date(2026, 3, 5))
    assert workspace.read(lambda s: audit.verify_chain(s).intact)
