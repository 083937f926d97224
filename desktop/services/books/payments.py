"""Recording money received: a payment, or one shared between members; its preview;
applying it by hand; and the row a screen shows for it.

``preview_payment`` plans with the same function that recording carries out
(``applying.plan_receipt``), so what the payment dialog shows is what is posted.
Paying money back is in ``refunds``, reducing what is owed in ``write_offs``,
charges outside sessions in ``fees``, and voiding any of them in ``voids``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Allocation,
    BillingUnit,
    Charge,
    Payment,
    PaymentMethod,
    UnitMember,
)
from desktop.domain.money import ZERO, format_money
from desktop.services.audit import log as audit
from desktop.services.books import applying, ledger, open_amounts, voids
from desktop.services.books.held import get_held
from desktop.services.errors import InvalidInput, NotAllowed, NotFound
from desktop.services.practice.settings import fee_for

Allocations = tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True)
class PaymentInput:
    unit_id: int
    received_date: date
    amount: Decimal
    method_id: int
    reference: str = ""
    payer_client_id: int | None = None
    fee: Decimal | None = None  # None: the method's fee rule
    allocations: Allocations | None = None  # (charge id, amount); None: oldest first


@dataclass(frozen=True)
class SplitPaymentInput:
    """One payment shared between members of a couple or family: one payment each."""

    unit_id: int
    received_date: date
    amount: Decimal  # the whole payment; the parts add up to it
    method_id: int
    parts: tuple[tuple[int, Decimal], ...]  # (client id, amount) for each member who paid
    reference: str = ""


@dataclass(frozen=True)
class PlannedAllocation:
    """One amount that recording a payment will apply to one charge."""

    charge_id: int
    service_date: date
    description: str
    owed: Decimal  # still owed on the charge just before this amount is applied
    applied: Decimal
    applied_on: date  # the date the books give the allocation
    payment_id: int | None  # the earlier payment whose credit on account this spends
    part: int | None  # else: which of the amounts received now pays it

    @property
    def from_credit(self) -> bool:
        """Is this credit already on account (rather than money received now)?"""
        return self.payment_id is not None


@dataclass(frozen=True)
class PaymentPlan:
    """What recording money received now will do, exactly as posting will do it."""

    allocations: tuple[PlannedAllocation, ...]  # in the order they will be written
    owed: Decimal  # open charges before the payment
    credit: Decimal  # credit already on account before the payment
    left: tuple[Decimal, ...]  # of each amount received now, what stays as credit

    @property
    def credit_spent(self) -> Decimal:
        """How much of the credit already on account is applied."""
        return sum((a.applied for a in self.allocations if a.from_credit), ZERO)

    @property
    def new_credit(self) -> Decimal:
        """How much of the money received now stays on account as credit."""
        return sum(self.left, ZERO)


@dataclass(frozen=True)
class AllocationRow:
    id: int
    charge_id: int
    service_date: date
    description: str
    amount: Decimal
    manual: bool


@dataclass(frozen=True)
class PaymentRow:
    id: int
    unit_id: int
    received_date: date
    method: str
    amount: Decimal
    fee: Decimal
    reference: str
    payer_client_id: int | None
    applied: Decimal
    unapplied: Decimal
    voided: bool
    allocations: tuple[AllocationRow, ...]

    @property
    def net(self) -> Decimal:
        return self.amount - self.fee


@dataclass(frozen=True)
class OpenCharge:
    id: int
    service_date: date
    description: str
    amount: Decimal
    owed: Decimal


def _method(session: Session, method_id: int) -> PaymentMethod:
    method = get_held(session, PaymentMethod, method_id)
    if method is None:
        raise InvalidInput("Choose a payment method.", field="method")
    return method


def open_charges(session: Session, unit_id: int) -> list[OpenCharge]:
    """What the unit still owes, charge by charge, oldest first (for allocating by hand)."""
    return [
        OpenCharge(c.id, c.service_date, c.description, c.amount, owed)
        for c, owed in open_amounts.open_charge_records(session, unit_id)
    ]


def preview_payment(
    session: Session, unit_id: int, received_date: date, amounts: tuple[Decimal, ...]
) -> PaymentPlan:
    """What recording ``amounts`` received on ``received_date`` (one payment each, as
    ``record_payment`` or ``record_split_payment`` records them) will apply to which charge,
    credit already on account included: the plan posting carries out, before it is posted."""
    if get_held(session, BillingUnit, unit_id) is None:
        raise NotFound("That client is not in this practice file.")
    plan, state = applying.plan_receipt(session, unit_id, received_date, amounts)
    rows = []
    for step in plan.applied:
        charge = state.charges[step.charge_id]
        rows.append(
            PlannedAllocation(
                charge_id=charge.id,
                service_date=charge.service_date,
                description=charge.description,
                owed=step.owed_before,
                applied=step.amount,
                applied_on=step.on,
                payment_id=step.payment_id,
                part=step.part,
            )
        )
    left = [ZERO] * len(amounts)
    for credit in plan.credits_left:
        if credit.part is not None:
            left[credit.part] = credit.left
    return PaymentPlan(
        allocations=tuple(rows),
        owed=sum((d.owed for d in state.debts), ZERO),
        credit=sum((c.left for c in state.credits), ZERO),
        left=tuple(left),
    )


def _allocate_by_hand(
    session: Session, payment: Payment, allocations: Allocations
) -> list[tuple[Allocation, Charge]]:
    total = sum((amount for _, amount in allocations), ZERO)
    if total > payment.amount:
        raise InvalidInput(
            f"{format_money(total)} is applied, but the payment is {format_money(payment.amount)}.",
            field="allocations",
        )
    made = []
    for charge_id, amount in allocations:
        if amount == 0:
            continue
        charge = ledger.charge_record(session, charge_id)
        made.append((ledger.post_allocation(session, payment, charge, amount, manual=True), charge))
    return made


def _check_payer(session: Session, unit_id: int, payer_client_id: int | None) -> None:
    if payer_client_id is None:
        return
    member = get_held(session, UnitMember, (unit_id, payer_client_id))
    if member is None:
        raise InvalidInput(
            "The person paying must be a member of this client's account.", field="payer"
        )


def record_payment(session: Session, data: PaymentInput) -> PaymentRow:
    """Record money received and apply it: by hand if given, else oldest first, credit
    already on account included (exactly as ``preview_payment`` shows)."""
    if get_held(session, BillingUnit, data.unit_id) is None:
        raise NotFound("That client is not in this practice file.")
    _check_payer(session, data.unit_id, data.payer_client_id)
    method = _method(session, data.method_id)
    if data.allocations is None:
        [row] = _receive(
            session,
            data.unit_id,
            data.received_date,
            method,
            data.reference,
            [(data.amount, data.payer_client_id, data.fee)],
        )
        return row
    payment = _post_payment(
        session,
        data.unit_id,
        data.received_date,
        method,
        data.reference,
        (data.amount, data.payer_client_id, data.fee),
        data.allocations,
    )
    made = _allocate_by_hand(session, payment, data.allocations)
    return _new_payment_row(made, payment, method)


Received = tuple[Decimal, int | None, Decimal | None]  # amount, payer, fee (None: the method's)


def _receive(
    session: Session,
    unit_id: int,
    received_date: date,
    method: PaymentMethod,
    reference: str,
    received: list[Received],
) -> list[PaymentRow]:
    """Record one payment per entry, then apply them and any credit on account oldest
    first: the plan is made before anything is written (``applying.plan_receipt``, which
    ``preview_payment`` shows), and carried out as it is."""
    plan, state = applying.plan_receipt(
        session, unit_id, received_date, [amount for amount, _, _ in received]
    )
    payments = [
        _post_payment(session, unit_id, received_date, method, reference, entry, None)
        for entry in received
    ]
    made = applying.write_plan(session, plan, state, payments)
    return [
        _new_payment_row([m for m in made if m[0].payment_id == p.id], p, method) for p in payments
    ]


def _post_payment(
    session: Session,
    unit_id: int,
    received_date: date,
    method: PaymentMethod,
    reference: str,
    entry: Received,
    allocations: Allocations | None,
) -> Payment:
    amount, payer_client_id, fee = entry
    fee = fee if fee is not None else fee_for(amount, method)
    payment = ledger.post_payment(
        session,
        unit_id=unit_id,
        received_date=received_date,
        amount=amount,
        fee=fee,
        method_id=method.id,
        reference=reference.strip(),
        payer_client_id=payer_client_id,
    )
    audit.record(
        session,
        "create",
        "payment",
        payment.id,
        unit_id=unit_id,
        after={
            "received_date": received_date,
            "amount": amount,
            "fee": fee,
            "method": method.name,
            "reference": reference,
            "payer_client_id": payer_client_id,
            "allocations": [list(a) for a in allocations or ()],
        },
    )
    return payment


def _new_payment_row(
    made: list[tuple[Allocation, Charge]], payment: Payment, method: PaymentMethod
) -> PaymentRow:
    """The row of a payment just recorded, from what is at hand (what payment_row would read
    back: a new payment's allocations are all active and nothing of it is refunded)."""
    ordered = sorted(made, key=lambda pair: (pair[1].service_date, pair[0].id))
    applied = sum((a.amount for a, _ in made), ZERO)
    return _payment_row(payment, method, ordered, payment.amount - applied)


def _payment_row(
    payment: Payment,
    method: PaymentMethod | None,
    allocated: list[tuple[Allocation, Charge]],
    unapplied: Decimal,
) -> PaymentRow:
    allocations = tuple(
        AllocationRow(a.id, c.id, c.service_date, c.description, a.amount, a.manual)
        for a, c in allocated
    )
    return PaymentRow(
        id=payment.id,
        unit_id=payment.unit_id,
        received_date=payment.received_date,
        method=method.name if method else "",
        amount=payment.amount,
        fee=payment.fee,
        reference=payment.reference,
        payer_client_id=payment.payer_client_id,
        applied=sum((a.amount for a in allocations), ZERO),
        unapplied=unapplied,
        voided=payment.void_txn_id is not None,
        allocations=allocations,
    )


def split_problem(amount: Decimal, parts: tuple[tuple[int, Decimal], ...]) -> str:
    """What is wrong with sharing a payment of ``amount`` as ``parts`` ((client id,
    amount) per member who paid), or "" when nothing is."""
    if not parts:
        return "Enter how much each member paid."
    if any(part <= 0 for _, part in parts):
        return "Each member's part is more than zero; leave out a member who paid nothing."
    if len({client_id for client_id, _ in parts}) < len(parts):
        return "Name each member once, with everything they paid."
    total = sum((part for _, part in parts), ZERO)
    if total != amount:
        return f"The parts add up to {format_money(total)}; the payment is {format_money(amount)}."
    return ""


def record_split_payment(session: Session, data: SplitPaymentInput) -> list[PaymentRow]:
    """One payment split between members of a couple or family: one payment per member,
    applied together oldest first (exactly as ``preview_payment`` shows for the parts)."""
    problem = split_problem(data.amount, data.parts)
    if problem:
        raise InvalidInput(problem, field="parts")
    if get_held(session, BillingUnit, data.unit_id) is None:
        raise NotFound("That client is not in this practice file.")
    for client_id, _ in data.parts:
        _check_payer(session, data.unit_id, client_id)
    method = _method(session, data.method_id)
    return _receive(
        session,
        data.unit_id,
        data.received_date,
        method,
        data.reference,
        [(part, client_id, None) for client_id, part in data.parts],
    )


def reallocate_payment(
    session: Session, payment_id: int, allocations: Allocations, reason: str = "Applied by hand"
) -> PaymentRow:
    """Replace how a payment is applied (the old allocations are voided, not deleted)."""
    payment = ledger.payment_record(session, payment_id)
    if payment.void_txn_id is not None:
        raise NotAllowed("A voided payment cannot be applied.")
    before = payment_row(session, payment_id)
    for allocation in voids.active_allocations(session, payment_id=payment_id):
        voids.void_record(session, allocation, reason)
    _allocate_by_hand(session, payment, allocations)
    audit.record(
        session,
        "reallocate",
        "payment",
        payment_id,
        unit_id=payment.unit_id,
        before={"allocations": [[a.charge_id, a.amount] for a in before.allocations]},
        after={"allocations": [list(a) for a in allocations]},
    )
    return payment_row(session, payment_id)


def payment_row(session: Session, payment_id: int) -> PaymentRow:
    payment = ledger.payment_record(session, payment_id)
    method = session.get(PaymentMethod, payment.method_id)
    rows = session.execute(
        select(Allocation, Charge)
        .join(Charge, Charge.id == Allocation.charge_id)
        .where(Allocation.payment_id == payment_id, Allocation.void_txn_id.is_(None))
        .order_by(Charge.service_date, Allocation.id)
    ).all()
    allocated = [(a, c) for a, c in rows]
    return _payment_row(
        payment, method, allocated, open_amounts.payment_unapplied(session, payment_id)
    )
