"""A payment's preview is what posting writes: random books with credit already on account,
several open charges and split payments, against a real practice file; plus worked
examples of the even split and of a split that does not add up."""

from __future__ import annotations

import contextlib
import os
from datetime import date, timedelta
from decimal import Decimal
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Allocation, LedgerTxn, Payment
from desktop.domain.money import even_split
from desktop.services.books import open_amounts, payments, periods, sessions
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput, PaymentPlan, SplitPaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import InvalidInput, ServiceError
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, client_id, method_id
from tests.services.books import (
    test_books_properties as books_machine,  # not its names: pytest collects those
)

START = books_machine.START
EXAMPLES = int(os.environ.get("QL_PROPERTY_EXAMPLES", "200")) // 4
STEPS = int(os.environ.get("QL_PROPERTY_STEPS", "50")) * 3 // 5

days = st.integers(min_value=0, max_value=200).map(lambda n: START + timedelta(days=n))
money = st.integers(min_value=1, max_value=30000).map(lambda c: Decimal(c) / 100)


def _new_allocations(session: Session, after: int) -> list[tuple[int, int, Decimal, date]]:
    """(payment, charge, amount, date) of each allocation written after id ``after``."""
    rows = session.execute(
        select(Allocation.payment_id, Allocation.charge_id, Allocation.amount, LedgerTxn.txn_date)
        .join(LedgerTxn, LedgerTxn.id == Allocation.txn_id)
        .where(Allocation.id > after)
        .order_by(Allocation.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _payment_count(session: Session) -> int:
    return session.execute(select(func.count(Payment.id))).scalar_one()


def _last_allocation(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(Allocation.id), 0))).scalar_one()


class PreviewedBooks(RuleBasedStateMachine):
    """Sessions, payments applied by hand (which leave credit beside open charges),
    re-applied payments, closed months; every payment recorded oldest first is previewed
    first and must post exactly its preview."""

    @initialize()
    def open_copy(self) -> None:
        # A fresh copy of the practice file the books' own property test starts from.
        books_machine.Books.open_copy(self)  # type: ignore[arg-type]
        individual, _, _, couple = self.units
        self.units = [individual, couple]
        self.members = [self.ws.read(client_id, ref) for ref in ("CPL", "CPL-1")]

    def teardown(self) -> None:
        books_machine.Books.teardown(self)  # type: ignore[arg-type]

    # --- building up the books ----------------------------------------------------------

    @rule(
        unit=st.integers(0, 1),
        day=days,
        fee=st.sampled_from(["75.00", "150.00", "175.50"]),
        weeks=st.integers(1, 4),
    )
    def record_sessions(self, unit: int, day: date, fee: str, weeks: int) -> None:
        """A session a week for a few weeks: several open charges."""
        for week in range(weeks):
            with contextlib.suppress(ServiceError):  # a closed month, say
                self.ws.run(
                    sessions.record_session,
                    SessionInput(
                        unit_id=self.units[unit],
                        service_date=day + timedelta(weeks=week),
                        service_code="90847" if unit else "90837",
                        fee=Decimal(fee),
                        minutes=55,
                    ),
                )

    @rule(unit=st.integers(0, 1), day=days, amount=money, share=st.integers(0, 100))
    def pay_part_by_hand(self, unit: int, day: date, amount: Decimal, share: int) -> None:
        """Money applied by hand to one charge, the rest left on account beside open charges."""
        open_charges = self.ws.read(payments.open_charges, self.units[unit])
        if not open_charges:
            return
        charge = open_charges[-1]  # the newest: oldest first would not have chosen it
        part = min(charge.owed, amount, (amount * share / 100).quantize(Decimal("0.01")))
        allocations = ((charge.id, part),) if part > 0 else ()
        try:
            row = self.ws.run(
                payments.record_payment,
                PaymentInput(
                    self.units[unit], day, amount, self.methods[1], allocations=allocations
                ),
            )
        except ServiceError:
            return
        self.payment_ids.append(row.id)

    @rule(data=st.data())
    def unapply_a_payment(self, data: st.DataObject) -> None:
        """Take a payment's allocations back: its money is credit on account again."""
        if not self.payment_ids:
            return
        payment_id = data.draw(st.sampled_from(self.payment_ids))
        with contextlib.suppress(ServiceError):  # voided, or a closed month
            self.ws.run(payments.reallocate_payment, payment_id, ())

    @rule(day=days)
    def close_period(self, day: date) -> None:
        if self.closed is None or day > self.closed:
            self.ws.run(periods.close_period, day)
            self.closed = day

    @rule()
    def reopen(self) -> None:
        if self.closed is None:
            return
        self.ws.run(periods.reopen_period, None, "property test")
        self.closed = None

    # --- the property -------------------------------------------------------------------

    def _posts_its_preview(
        self, unit_id: int, day: date, amounts: tuple[Decimal, ...], action, data
    ) -> None:  # type: ignore[no-untyped-def]
        before = self.ws.read(books.balance, unit_id)
        plan: PaymentPlan = self.ws.read(payments.preview_payment, unit_id, day, amounts)
        if plan.credit_spent:
            event("credit already on account is spent first")
        if len({a.charge_id for a in plan.allocations}) > 1:
            event("several charges are paid")
        last = self.ws.read(_last_allocation)
        try:
            rows = self.ws.run(action, data)
        except ServiceError:  # a closed month: refused, nothing written
            assert self.ws.read(_last_allocation) == last
            return
        rows = rows if isinstance(rows, list) else [rows]
        new_ids = [row.id for row in rows]
        self.payment_ids.extend(new_ids)
        previewed = [
            (
                a.payment_id if a.payment_id is not None else new_ids[a.part],  # type: ignore[index]
                a.charge_id,
                a.applied,
                a.applied_on,
            )
            for a in plan.allocations
        ]
        assert self.ws.read(_new_allocations, last) == previewed
        # Oldest first, read another way: money in the order received (credit already on
        # account before money received the same day), charges in order of service.
        received = {
            pid: self.ws.read(payments.payment_row, pid).received_date
            for pid in {a.payment_id for a in plan.allocations if a.payment_id is not None}
        }
        money_order = [
            (received[a.payment_id], 0, a.payment_id)
            if a.payment_id is not None
            else (day, 1, a.part)
            for a in plan.allocations
        ]
        charge_order = [(a.service_date, a.charge_id) for a in plan.allocations]
        assert money_order == sorted(money_order)
        assert charge_order == sorted(charge_order)
        assert [self.ws.read(open_amounts.payment_unapplied, pid) for pid in new_ids] == list(
            plan.left
        )
        assert rows == [self.ws.read(payments.payment_row, pid) for pid in new_ids]
        # Read another way: the balances before, and oldest first leaves nothing both owed
        # and on account.
        assert (plan.owed, plan.credit) == (before.owed, before.credit)
        applied = sum((a.applied for a in plan.allocations), D("0"))
        assert applied == min(before.owed, before.credit + sum(amounts, D("0")))
        after = self.ws.read(books.balance, unit_id)
        assert after.owed == 0 or after.credit == 0

    @rule(unit=st.integers(0, 1), day=days, data=st.data(), method=st.integers(0, 1))
    def pay_oldest_first(self, unit: int, day: date, data: st.DataObject, method: int) -> None:
        # Any amount, or one near what is owed (so that it pays several charges).
        owed = int(self.ws.read(books.balance, self.units[unit]).owed * 100)
        near = st.integers(max(1, owed - 5000), owed + 5000).map(lambda c: Decimal(c) / 100)
        amount = data.draw(st.one_of(money, near))
        paid = PaymentInput(self.units[unit], day, amount, self.methods[method])
        self._posts_its_preview(self.units[unit], day, (amount,), payments.record_payment, paid)

    @rule(day=days, first=money, second=money)
    def pay_split_between_members(self, day: date, first: Decimal, second: Decimal) -> None:
        parts = ((self.members[0], first), (self.members[1], second))
        data = SplitPaymentInput(self.units[1], day, first + second, self.methods[0], parts)
        self._posts_its_preview(
            self.units[1], day, (first, second), payments.record_split_payment, data
        )


PreviewedBooks.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestPreviewIsWhatIsPosted = PreviewedBooks.TestCase


# --- worked examples ----------------------------------------------------------------------


def test_credit_on_account_is_previewed_and_spent_first(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "K1", "Kim Ode")
    cash = workspace.run(method_id, "Cash")
    for day in (date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 18)):
        workspace.run(
            sessions.record_session,
            SessionInput(unit, day, "90837", fee=D("150.00"), minutes=55),
        )
    [first, middle, newest] = workspace.read(payments.open_charges, unit)
    # 200 paid on May 19, 120 of it applied by hand to the newest charge: 80 on account.
    by_hand = workspace.run(
        payments.record_payment,
        PaymentInput(
            unit, date(2026, 5, 19), D("200.00"), cash, allocations=((newest.id, D("120.00")),)
        ),
    )
    plan = workspace.read(payments.preview_payment, unit, date(2026, 5, 20), (D("250.00"),))
    assert (plan.owed, plan.credit) == (D("330.00"), D("80.00"))
    assert [(a.charge_id, a.owed, a.applied, a.payment_id, a.part) for a in plan.allocations] == [
        (first.id, D("150.00"), D("80.00"), by_hand.id, None),  # the credit, first
        (first.id, D("70.00"), D("70.00"), None, 0),
        (middle.id, D("150.00"), D("150.00"), None, 0),
        (newest.id, D("30.00"), D("30.00"), None, 0),
    ]
    assert (plan.credit_spent, plan.new_credit) == (D("80.00"), D("0.00"))
    paid = workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 5, 20), D("250.00"), cash)
    )
    # The row handed back is the new payment's own: the credit spent is the older one's.
    assert paid == workspace.read(payments.payment_row, paid.id)
    assert (paid.applied, paid.unapplied) == (D("250.00"), D("0.00"))
    assert workspace.read(books.balance, unit) == books.Balance(D("0.00"), D("0.00"))


def test_even_split_is_cent_exact_and_the_first_parts_take_the_odd_cents() -> None:
    assert even_split(D("175.00"), 2) == (D("87.50"), D("87.50"))
    assert even_split(D("100.00"), 3) == (D("33.34"), D("33.33"), D("33.33"))
    assert even_split(D("0.05"), 3) == (D("0.02"), D("0.02"), D("0.01"))
    assert even_split(D("0.01"), 2) == (D("0.01"), D("0.00"))
    assert even_split(D("99.99"), 1) == (D("99.99"),)
    for cents in range(1, 400, 7):
        for ways in (2, 3, 4, 7):
            parts = even_split(Decimal(cents) / 100, ways)
            assert sum(parts) == Decimal(cents) / 100
            assert max(parts) - min(parts) <= D("0.01")
            assert list(parts) == sorted(parts, reverse=True)
    with pytest.raises(ValueError, match="at least one way"):
        even_split(D("10.00"), 0)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("120.00", "75.00"), "The parts add up to $195.00; the payment is $200.00."),
        (("200.00", "0.00"), "Each member's part is more than zero"),
        (("210.00", "-10.00"), "Each member's part is more than zero"),
        ((), "Enter how much each member paid."),
    ],
)
def test_a_split_that_does_not_add_up_is_refused(
    workspace: Workspace, parts: tuple[str, ...], message: str
) -> None:
    unit = workspace.run(add_unit, "CPL2", "Alex Rivera", "Sam Rivera")
    members = [workspace.run(client_id, "CPL2"), workspace.run(client_id, "CPL2-1")]
    zelle = workspace.run(method_id, "Zelle")
    data = SplitPaymentInput(
        unit,
        date(2026, 7, 1),
        D("200.00"),
        zelle,
        tuple((member, D(part)) for member, part in zip(members, parts, strict=False)),
    )
    with pytest.raises(InvalidInput, match=message.replace("$", r"\$")) as refused:
        workspace.run(payments.record_split_payment, data)
    assert refused.value.field == "parts"
    assert workspace.read(_payment_count) == 0


def test_a_member_named_twice_in_a_split_is_refused(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "CPL3", "Alex Rivera", "Sam Rivera")
    alex = workspace.run(client_id, "CPL3")
    zelle = workspace.run(method_id, "Zelle")
    data = SplitPaymentInput(
        unit, date(2026, 7, 1), D("200.00"), zelle, ((alex, D("100.00")), (alex, D("100.00")))
    )
    with pytest.raises(InvalidInput, match="Name each member once"):
        workspace.run(payments.record_split_payment, data)
