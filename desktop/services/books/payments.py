"""Payments, how they are applied, refunds, write-offs and voids: the money use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    BillingUnit,
    Charge,
    Client,
    Payment,
    PaymentMethod,
    Refund,
    Service,
    UnitMember,
)
from desktop.domain.kinds import AdjustmentKind, AdjustmentReason
from desktop.domain.money import ZERO, format_money
from desktop.services.audit import log as audit
from desktop.services.books import ledger
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


def _payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("That payment is not in this practice file.")
    return payment


def _method(session: Session, method_id: int) -> PaymentMethod:
    method = get_held(session, PaymentMethod, method_id)
    if method is None:
        raise InvalidInput("Choose a payment method.", field="method")
    return method


def _charge(session: Session, charge_id: int) -> Charge:
    charge = session.get(Charge, charge_id)
    if charge is None:
        raise NotFound("That charge is not in this practice file.")
    return charge


def open_charges(session: Session, unit_id: int) -> list[OpenCharge]:
    """What the unit still owes, charge by charge, oldest first (for allocating by hand)."""
    return [
        OpenCharge(c.id, c.service_date, c.description, c.amount, owed)
        for c, owed in ledger.open_charge_records(session, unit_id)
    ]


def preview_payment(
    session: Session, unit_id: int, received_date: date, amounts: tuple[Decimal, ...]
) -> PaymentPlan:
    """What recording ``amounts`` received on ``received_date`` (one payment each, as
    ``record_payment`` or ``record_split_payment`` records them) will apply to which charge,
    credit already on account included: the plan posting carries out, before it is posted."""
    if get_held(session, BillingUnit, unit_id) is None:
        raise NotFound("That client is not in this practice file.")
    plan, state = ledger.plan_receipt(session, unit_id, received_date, amounts)
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
        charge = _charge(session, charge_id)
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
    first: the plan is made before anything is written (``ledger.plan_receipt``, which
    ``preview_payment`` shows), and carried out as it is."""
    plan, state = ledger.plan_receipt(
        session, unit_id, received_date, [amount for amount, _, _ in received]
    )
    payments = [
        _post_payment(session, unit_id, received_date, method, reference, entry, None)
        for entry in received
    ]
    made = ledger.write_plan(session, plan, state, payments)
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
    payment = _payment(session, payment_id)
    if payment.void_txn_id is not None:
        raise NotAllowed("A voided payment cannot be applied.")
    before = payment_row(session, payment_id)
    for allocation in ledger.active_allocations(session, payment_id=payment_id):
        ledger.void_record(session, allocation, reason)
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


def record_refund(
    session: Session,
    unit_id: int,
    amount: Decimal,
    on: date,
    *,
    method_id: int | None = None,
    reference: str = "",
    payment_id: int | None = None,
) -> list[int]:
    """Pay client credit back out; drawn from the newest payments unless one is named."""
    if amount <= 0:
        raise InvalidInput("A refund must be more than zero.", field="amount")
    if payment_id is not None:
        sources = [(_payment(session, payment_id), ledger.payment_unapplied(session, payment_id))]
    else:
        sources = list(reversed(ledger.payments_with_credit(session, unit_id)))
    available = sum((left for _, left in sources), ZERO)
    if amount > available:
        raise NotAllowed(
            f"This client has {format_money(available)} of credit to refund, "
            f"not {format_money(amount)}."
        )
    made: list[int] = []
    remaining = amount
    for payment, left in sources:
        if remaining == 0:
            break
        part = min(left, remaining)
        refund = ledger.post_refund(
            session,
            payment,
            part,
            on=on,
            method_id=method_id or payment.method_id,
            reference=reference.strip(),
        )
        made.append(refund.id)
        remaining -= part
    audit.record(
        session,
        "create",
        "refund",
        made[0],
        unit_id=unit_id,
        after={"amount": amount, "date": on, "refunds": made, "reference": reference},
    )
    return made


def write_off(
    session: Session,
    charge_id: int,
    amount: Decimal,
    reason: AdjustmentReason,
    *,
    on: date,
    kind: AdjustmentKind = AdjustmentKind.WRITE_OFF,
    note: str = "",
) -> int:
    """Reduce what is owed on a charge (write-off or discount), with its reason."""
    charge = _charge(session, charge_id)
    adjustment = ledger.post_adjustment(
        session, charge, amount, on=on, kind=kind, reason=reason, note=note.strip()
    )
    audit.record(
        session,
        "create",
        "adjustment",
        adjustment.id,
        unit_id=charge.unit_id,
        after={
            "charge_id": charge_id,
            "amount": amount,
            "kind": kind.value,
            "reason": reason.value,
            "note": note,
            "date": on,
        },
    )
    return adjustment.id


def record_fee(
    session: Session,
    unit_id: int,
    service_code: str,
    on: date,
    amount: Decimal,
    description: str = "",
) -> int:
    """A charge that is not a session (a report, a letter): posts and takes credit if any."""
    service = session.execute(
        select(Service).where(Service.code == service_code)
    ).scalar_one_or_none()
    if service is None:
        raise InvalidInput(f"There is no service with code {service_code!r}.", field="service_code")
    charge = ledger.post_charge(
        session,
        unit_id=unit_id,
        service_id=service.id,
        service_date=on,
        amount=amount,
        description=description or f"{service.code} {service.label}",
    )
    ledger.apply_credit(session, unit_id, on)
    audit.record(
        session,
        "create",
        "charge",
        charge.id,
        unit_id=unit_id,
        after={"service": service.code, "amount": amount, "date": on},
    )
    return charge.id


VOIDABLE = {
    "payment": Payment,
    "refund": Refund,
    "adjustment": Adjustment,
    "charge": Charge,
    "allocation": Allocation,
}


def void_entry(
    session: Session, kind: str, record_id: int, reason: str, on: date | None = None
) -> None:
    """Void a payment, refund, write-off, allocation or non-session charge, with a reason."""
    model = VOIDABLE.get(kind)
    if model is None:
        raise InvalidInput(f"{kind!r} entries cannot be voided.", field="kind")
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"That {kind} is not in this practice file.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why this is being voided.", field="reason")
    if isinstance(record, Payment):
        ledger.void_payment(session, record, reason, on=on)
        unit_id = record.unit_id
    elif isinstance(record, Charge):
        if record.session_id is not None:
            raise NotAllowed("This charge belongs to a session; void or change the session.")
        ledger.void_charge(session, record, reason, on=on)
        unit_id = record.unit_id
    else:
        ledger.void_record(session, record, reason, on=on)
        unit_id = _unit_of(session, record)
    if not isinstance(record, Allocation):
        ledger.apply_credit(session, unit_id, on or ledger.today())
    audit.record(session, "void", kind, record_id, unit_id=unit_id, after={"reason": reason})


def _unit_of(session: Session, record: Adjustment | Refund | Allocation) -> int:
    if isinstance(record, Refund):
        return record.unit_id
    return _charge(session, record.charge_id).unit_id


def payment_row(session: Session, payment_id: int) -> PaymentRow:
    payment = _payment(session, payment_id)
    method = session.get(PaymentMethod, payment.method_id)
    rows = session.execute(
        select(Allocation, Charge)
        .join(Charge, Charge.id == Allocation.charge_id)
        .where(Allocation.payment_id == payment_id, Allocation.void_txn_id.is_(None))
        .order_by(Charge.service_date, Allocation.id)
    ).all()
    allocated = [(a, c) for a, c in rows]
    return _payment_row(payment, method, allocated, ledger.payment_unapplied(session, payment_id))


def payer_name(session: Session, client_id: int | None) -> str:
    client = session.get(Client, client_id) if client_id else None
    return client.display_name if client else ""
