"""Property tests of the books: random sequences of everything a practice does, against a
real encrypted file, with the invariants checked after every step."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from db.keys import key_file_for
from desktop.domain.kinds import AdjustmentReason, SessionStatus
from desktop.services.books import (
    payments,
    period_reports,
    periods,
    refunds,
    report_tables,
    sessions,
    voids,
    write_offs,
)
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import ServiceError
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id

START = date(2025, 1, 1)
EXAMPLES = int(os.environ.get("QL_PROPERTY_EXAMPLES", "200"))
STEPS = int(os.environ.get("QL_PROPERTY_STEPS", "50"))

days = st.integers(min_value=0, max_value=364).map(lambda n: START + timedelta(days=n))
money = st.integers(min_value=1, max_value=40000).map(lambda c: Decimal(c) / 100)
fees = st.sampled_from(["0.00", "75.00", "120.00", "150.00", "175.50"]).map(Decimal)
statuses = st.sampled_from(list(SessionStatus))
reasons = st.sampled_from(list(AdjustmentReason))

_TEMPLATE: dict[str, object] = {}


def _template() -> tuple[Path, str]:
    """One practice file made once; each example works on a fresh copy of it."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="ql-template-"))
        path = folder / "template.qlb"
        ws = Workspace.create(path, "correct horse battery staple")
        ws.run(create_practice, Profile(practice_name="Property Practice"))
        units = [ws.run(add_unit, f"U{i}", f"Client U{i}") for i in range(3)]
        units.append(ws.run(add_unit, "CPL", "Alex Rivera", "Sam Rivera"))
        _TEMPLATE.update(
            path=path,
            key=ws.recovery_key(),
            units=units,
            methods=[ws.run(method_id, n) for n in ("Card", "Cash", "Zelle")],
        )
        ws.close()
    return _TEMPLATE["path"], _TEMPLATE["key"]  # type: ignore[return-value]


class Books(RuleBasedStateMachine):
    @initialize()
    def open_copy(self) -> None:
        template, key = _template()
        self.folder = Path(tempfile.mkdtemp(prefix="ql-books-"))
        path = self.folder / "books.qlb"
        shutil.copy(template, path)
        shutil.copy(key_file_for(template), key_file_for(path))
        self.ws = Workspace.open(path, recovery_key=key)
        self.units: list[int] = _TEMPLATE["units"]  # type: ignore[assignment]
        self.methods: list[int] = _TEMPLATE["methods"]  # type: ignore[assignment]
        self.session_ids: list[int] = []
        self.payment_ids: list[int] = []
        self.refund_ids: list[int] = []
        self.adjustment_ids: list[int] = []
        self.closed: date | None = None

    def teardown(self) -> None:
        if hasattr(self, "ws"):
            self.ws.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------

    def _posting(self, earliest: date, action, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run an action; prove that nothing dated before ``earliest`` moved, and that a
        refused action wrote nothing."""
        before_day = earliest - timedelta(days=1)
        snapshot = self.ws.read(books.balances, before_day)
        aging_before = self.ws.read(books.aging, before_day)
        count = self._txn_count()
        try:
            result = self.ws.run(action, *args, **kwargs)
        except ServiceError:  # refused with a reason: it must have written nothing
            assert self._txn_count() == count, "a refused action wrote to the ledger"
            return None
        assert self.ws.read(books.balances, before_day) == snapshot
        assert self.ws.read(books.aging, before_day) == aging_before
        return result

    def _txn_count(self) -> int:
        from sqlalchemy import func, select

        from db.models import LedgerTxn

        return self.ws.read(lambda s: s.execute(select(func.count(LedgerTxn.id))).scalar_one())

    # --- rules -------------------------------------------------------------------------

    @rule(
        unit=st.integers(0, 3),
        day=days,
        fee=fees,
        status=statuses,
        code=st.sampled_from(["90834", "90837", "90847", "LATE"]),
    )
    def record_session(
        self, unit: int, day: date, fee: Decimal, status: SessionStatus, code: str
    ) -> None:
        row = self._posting(
            day,
            sessions.record_session,
            SessionInput(
                unit_id=self.units[unit],
                service_date=day,
                service_code=code,
                status=status,
                fee=fee,
                minutes=50,
            ),
        )
        if row is not None:
            self.session_ids.append(row.id)

    @rule(unit=st.integers(0, 3), day=days, amount=money, method=st.integers(0, 2))
    def pay_oldest_first(self, unit: int, day: date, amount: Decimal, method: int) -> None:
        row = self._posting(
            day,
            payments.record_payment,
            PaymentInput(self.units[unit], day, amount, self.methods[method]),
        )
        if row is not None:
            self.payment_ids.append(row.id)

    @rule(unit=st.integers(0, 3), day=days, amount=money, share=st.integers(0, 100))
    def pay_by_hand(self, unit: int, day: date, amount: Decimal, share: int) -> None:
        open_charges = self.ws.read(payments.open_charges, self.units[unit])
        if not open_charges:
            return
        first = open_charges[0]
        part = min(first.owed, (amount * share / 100).quantize(Decimal("0.01")))
        allocations = ((first.id, part),) if part > 0 else ()
        row = self._posting(
            min(day, first.service_date),
            payments.record_payment,
            PaymentInput(self.units[unit], day, amount, self.methods[1], allocations=allocations),
        )
        if row is not None:
            self.payment_ids.append(row.id)

    @precondition(lambda self: self.payment_ids)
    @rule(data=st.data())
    def refund_some_credit(self, data: st.DataObject) -> None:
        unit = data.draw(st.sampled_from(self.units))
        credit = self.ws.read(books.balance, unit).credit
        if credit <= 0:
            return
        cents = data.draw(st.integers(1, int(credit * 100)))
        on = data.draw(days)
        ids = self._posting(on, refunds.record_refund, unit, Decimal(cents) / 100, on)
        if ids:
            self.refund_ids.extend(ids)

    @rule(unit=st.integers(0, 3), data=st.data(), reason=reasons)
    def write_off(self, unit: int, data: st.DataObject, reason: AdjustmentReason) -> None:
        open_charges = self.ws.read(payments.open_charges, self.units[unit])
        if not open_charges:
            return
        charge = data.draw(st.sampled_from(open_charges))
        cents = data.draw(st.integers(1, int(charge.owed * 100)))
        on = charge.service_date + timedelta(days=data.draw(st.integers(0, 60)))
        adj = self._posting(
            on,
            write_offs.write_off,
            charge.id,
            Decimal(cents) / 100,
            reason,
            on=on,
            note="property test",
        )
        if adj is not None:
            self.adjustment_ids.append(adj)

    @precondition(lambda self: self.session_ids)
    @rule(data=st.data(), fee=fees)
    def change_session_fee(self, data: st.DataObject, fee: Decimal) -> None:
        row = self.ws.read(sessions.session_row, data.draw(st.sampled_from(self.session_ids)))
        if row.voided:
            return
        self._posting(
            row.service_date,
            sessions.update_session,
            row.id,
            SessionInput(
                unit_id=row.unit_id,
                service_date=row.service_date,
                service_code=row.service_code,
                status=row.status,
                fee=fee,
                minutes=row.minutes,
            ),
            "fee agreed",
        )

    @precondition(
        lambda self: self.session_ids or self.payment_ids or self.refund_ids or self.adjustment_ids
    )
    @rule(data=st.data())
    def void_something(self, data: st.DataObject) -> None:
        kinds = [
            k
            for k, ids in (
                ("session", self.session_ids),
                ("payment", self.payment_ids),
                ("refund", self.refund_ids),
                ("adjustment", self.adjustment_ids),
            )
            if ids
        ]
        kind = data.draw(st.sampled_from(kinds))
        ids = {
            "session": self.session_ids,
            "payment": self.payment_ids,
            "refund": self.refund_ids,
            "adjustment": self.adjustment_ids,
        }[kind]
        record_id = ids.pop(data.draw(st.integers(0, len(ids) - 1)))
        today = date.today()
        if kind == "session":
            self._posting(today, sessions.void_session, record_id, "property test")
        else:
            self._posting(today, voids.void_entry, kind, record_id, "property test")

    @rule(day=days)
    def close_period(self, day: date) -> None:
        if self.closed is not None and day <= self.closed:
            return
        self.ws.run(periods.close_period, day)
        self.closed = day

    @precondition(lambda self: self.closed is not None)
    @rule()
    def reopen(self) -> None:
        self.ws.run(periods.reopen_period, None, "property test")
        self.closed = None

    # --- invariants --------------------------------------------------------------------

    @invariant()
    def every_transaction_balances_and_nothing_is_overspent(self) -> None:
        if hasattr(self, "ws"):
            assert self.ws.read(books.ledger_problems) == []

    @invariant()
    def aging_buckets_sum_to_receivables(self) -> None:
        if not hasattr(self, "ws"):
            return
        for as_of in (START + timedelta(days=100), START + timedelta(days=400)):
            report = self.ws.read(books.aging, as_of)
            held = self.ws.read(books.balances, as_of).values()
            owed = sum((b.owed for b in held), Decimal("0"))
            credit = sum((b.credit for b in held), Decimal("0"))
            # Current is one of the buckets, and the credit nets against them: net A/R.
            assert len(report.totals) == len(report.bucket_names) == 5
            assert sum(report.totals, Decimal("0")) == report.owed == owed
            assert report.credit == credit
            assert report.net == owed - credit
            for row in report.rows:
                assert sum(row.buckets, Decimal("0")) == row.total
            table = self.ws.read(report_tables.aging_table, as_of)
            assert table.total is not None
            assert table.total[-1] == report.net

    @invariant()
    def rollforward_ties(self) -> None:
        if not hasattr(self, "ws"):
            return
        for start, end in (
            (START, START + timedelta(days=90)),
            (START + timedelta(days=91), date.today()),
        ):
            assert self.ws.read(period_reports.rollforward, start, end).ties


Books.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestBooks = Books.TestCase
