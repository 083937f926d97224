"""Recording the demo's courses of therapy: sessions, and how each client paid.

Most pay at each session; some monthly, some for packages of five, some slowly,
and some stop paying (written off as bad debt months later). A check now and
then comes back from the bank; clients who leave with credit get it refunded.
What happens is decided here; how it is written (one record at a time through the
services, or in batches) is the ``CourseWriter``'s business (``writers``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import LedgerTxn
from desktop.demo.caseload import Plan
from desktop.demo.writers import CourseWriter, ServiceWriter
from desktop.domain.kinds import AdjustmentReason, SessionStatus
from desktop.services.books import (
    open_amounts,
    payment_list,
    payments,
    refunds,
    sessions,
    voids,
    write_offs,
)
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput


def _first_slot(plan: Plan) -> date:
    offset = (plan.weekday - plan.start.weekday()) % 7
    return plan.start + timedelta(days=offset)


def record_course(
    books: CourseWriter, rng: random.Random, plan: Plan, methods: dict[str, int], end: date
) -> tuple[int, int]:
    """Sessions of one unit, and how it paid for them."""
    made_sessions = made_payments = 0
    defaults = books.ask(sessions.defaults_for, plan.unit_id)  # once, not for every session
    day = _first_slot(plan)
    first = True
    owed_since_payment: list[Decimal] = []
    month = (day.year, day.month)
    if plan.pays == "package":
        _pay(books, plan, methods, day, plan.fee * 5, reference="Package of 5")
        made_payments += 1
    every_weeks = plan.every_weeks
    while day <= plan.stop and day <= end:
        roll = rng.random()
        status = SessionStatus.ATTENDED
        code, fee, minutes = plan.code, plan.fee, 53 if plan.code == "90837" else 45
        if first:
            code, fee, minutes = ("90791", plan.fee + Decimal("25.00"), 60)
        elif roll < 0.05:
            status = SessionStatus.LATE_CANCEL
            code, fee, minutes = "LATE", Decimal("75.00") if rng.random() < 0.7 else Decimal(0), 0
        elif roll < 0.08:
            status = SessionStatus.NO_SHOW
            code, fee, minutes = "NOSHOW", Decimal("75.00"), 0
        elif roll < 0.15:
            status = SessionStatus.CANCELLED
        if plan.kind != "individual" and not first and status is SessionStatus.ATTENDED:
            minutes = 50
        start_time = plan.start_time
        charged = books.record_session(
            SessionInput(
                unit_id=plan.unit_id,
                service_date=day,
                service_code=code,
                status=status,
                fee=fee,
                minutes=minutes if status is SessionStatus.ATTENDED else None,
                start_time=start_time,
                place_of_service=defaults.place_of_service,
                modifiers=defaults.modifiers,
            ),
        )
        made_sessions += 1
        first = False
        if charged > 0:
            owed_since_payment.append(charged)
        stopped = plan.pays == "stopped_paying" and day > plan.stop - timedelta(weeks=6)
        pays_now = plan.pays in ("at_session", "stopped_paying") and not stopped
        if pays_now and charged > 0 and day < end - timedelta(days=2):
            made_payments += _pay_members(books, plan, methods, day, charged, rng)
            owed_since_payment.clear()
            if plan.method == "Check" and rng.random() < 0.02:
                made_payments += _bounce_last_check(books, plan, methods, day, end)
        elif (
            plan.pays == "slow"
            and owed_since_payment
            and day + timedelta(days=9) <= end  # nothing is dated after the demo's today
            and rng.random() < 0.3
        ):
            amount = sum(owed_since_payment, Decimal(0))
            if rng.random() < 0.3:
                amount = (amount / 2).quantize(Decimal("0.01"))
            made_payments += _pay_members(
                books, plan, methods, day + timedelta(days=9), amount, rng
            )
            owed_since_payment.clear()
        # Long courses thin out: weekly becomes every other week after some months, every
        # other week becomes monthly after a couple of years.
        weeks_in = (day - plan.start).days // 7
        if every_weeks == 1 and weeks_in >= 26 and rng.random() < 0.05:
            every_weeks = 2
        elif every_weeks == 2 and weeks_in >= 104 and rng.random() < 0.05:
            every_weeks = 4
        next_day = day + timedelta(weeks=every_weeks)
        if (next_day.year, next_day.month) != month:
            if plan.pays == "monthly" and owed_since_payment:
                paid_on = date(next_day.year, next_day.month, 1) + timedelta(days=rng.randint(2, 9))
                if paid_on <= end - timedelta(days=3):
                    made_payments += _pay_members(
                        books, plan, methods, paid_on, sum(owed_since_payment, Decimal(0)), rng
                    )
                    owed_since_payment.clear()
            if plan.pays == "package":
                credit = books.unit_credit(plan.unit_id)
                if credit < plan.fee and day < end - timedelta(days=30):
                    _pay(books, plan, methods, next_day, plan.fee * 5, reference="Package of 5")
                    made_payments += 1
            month = (next_day.year, next_day.month)
        day = next_day
    if plan.pays == "stopped_paying" and rng.random() < 0.5:
        books.through_services(plan.unit_id, _write_off_oldest, plan, end)
    if plan.pays == "at_session" and plan.stop < end - timedelta(days=30) and rng.random() < 0.3:
        # Paid ahead at the last visit, then decided to stop: the credit is refunded.
        _pay(books, plan, methods, plan.stop, plan.fee, reference="Paid ahead")
        made_payments += 1
    if books.unit_credit(plan.unit_id) > 0:
        books.through_services(plan.unit_id, _refund_what_is_left, plan, end)
    return made_sessions, made_payments


def _bounce_last_check(
    books: CourseWriter, plan: Plan, methods: dict[str, int], paid_on: date, end: date
) -> int:
    """The bank returns the unit's latest check; the client pays again by card."""
    returned_on = paid_on + timedelta(days=6)
    if returned_on > end - timedelta(days=3):
        return 0
    return books.through_services(plan.unit_id, _return_check, plan, methods, paid_on, returned_on)


def _return_check(
    session: Session, plan: Plan, methods: dict[str, int], paid_on: date, returned_on: date
) -> int:
    latest = payment_list.list_payments(session, start=paid_on, end=paid_on, unit_id=plan.unit_id)
    if not latest:
        return 0
    voids.void_entry(
        session, "payment", latest[-1].id, "Check returned unpaid by the bank", on=returned_on
    )
    payments.record_payment(
        session,
        PaymentInput(
            plan.unit_id,
            returned_on + timedelta(days=2),
            latest[-1].amount,
            methods["Card"],
            "Replaces the returned check",
            payer_client_id=latest[-1].payer_client_id,
        ),
    )
    return 1


def _refund_what_is_left(session: Session, plan: Plan, end: date) -> None:
    """A client who has left and still has credit (a package not used up) gets it back,
    once everything else on their account has happened."""
    credit = open_amounts.unit_credit(session, plan.unit_id)
    if credit <= 0:
        return
    last_entry = session.execute(
        select(func.max(LedgerTxn.txn_date)).where(LedgerTxn.unit_id == plan.unit_id)
    ).scalar_one()
    refund_on = max(plan.stop, last_entry) + timedelta(days=10)
    if refund_on <= end - timedelta(days=7):
        refunds.record_refund(session, plan.unit_id, credit, refund_on, reference="Unused sessions")


def prepayments(
    session: Session, rng: random.Random, plans: list[Plan], methods: dict[str, int], end: date
) -> int:
    """A few clients still in care pay ahead for next month: credit on account."""
    active = [p for p in plans if p.stop >= end - timedelta(days=14) and p.kind == "individual"]
    chosen = rng.sample(active, min(3, len(active)))
    books = ServiceWriter(session)
    for plan in chosen:
        on = end - timedelta(days=rng.randint(1, 6))
        _pay(books, plan, methods, on, plan.fee * 2, reference="Paid ahead for next month")
    return len(chosen)


def _pay(
    books: CourseWriter,
    plan: Plan,
    methods: dict[str, int],
    on: date,
    amount: Decimal,
    *,
    payer: int | None = None,
    reference: str = "",
) -> None:
    method = methods[plan.method]
    if not reference and plan.method == "Check":
        reference = f"No. {on.toordinal() % 9000 + 1000}"
    books.record_payment(
        PaymentInput(plan.unit_id, on, amount, method, reference, payer_client_id=payer)
    )


def _pay_members(
    books: CourseWriter,
    plan: Plan,
    methods: dict[str, int],
    on: date,
    amount: Decimal,
    rng: random.Random,
) -> int:
    if amount <= 0:
        return 0
    if len(plan.members) > 1:
        half = (amount / 2).quantize(Decimal("0.01"))
        _pay(books, plan, methods, on, half, payer=plan.members[0])
        _pay(books, plan, methods, on, amount - half, payer=plan.members[1])
        return 2
    _pay(
        books,
        plan,
        methods,
        on,
        amount,
        payer=plan.members[0] if plan.kind != "individual" else None,
    )
    return 1


def _write_off_oldest(session: Session, plan: Plan, end: date) -> None:
    """Bad debt: some months after a client stopped paying, what they owe is written off
    (all of it once they have long gone, the oldest two charges if they are still around)."""
    on = min(end - timedelta(days=30), plan.stop + timedelta(days=150))
    open_charges = payments.open_charges(session, plan.unit_id)
    old = [c for c in open_charges if (on - c.service_date).days > 120]
    if on > end - timedelta(days=365):
        old = old[:2]
    for charge in old:
        write_offs.write_off(
            session,
            charge.id,
            charge.owed,
            AdjustmentReason.BAD_DEBT,
            on=on,
            note="Client stopped responding",
        )
