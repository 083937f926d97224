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
        for c, owed in ledger.open_charges(session, unit_id)
    ]


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
    """Record money received and apply it: by hand if given, else to the oldest charges."""
    if get_held(session, BillingUnit, data.unit_id) is None:
        raise NotFound("That client is not in this practice file.")
    _check_payer(session, data.unit_id, data.payer_client_id)
    method = _method(session, data.method_id)
    fee = data.fee if data.fee is not None else fee_for(data.amount, method)
    payment = ledger.post_payment(
        session,
        unit_id=data.unit_id,
        received_date=data.received_date,
        amount=data.amount,
        fee=fee,
        method_id=method.id,
        reference=data.reference.strip(),
        payer_client_id=data.payer_client_id,
    )
    if data.allocations is not None:
        made = _allocate_by_hand(session, payment, data.allocations)
    else:
        made = ledger.apply_credit(session, data.unit_id, data.received_date)
    audit.record(
        session,
        "create",
        "payment",
        payment.id,
        unit_id=data.unit_id,
        after={
            "received_date": data.received_date,
            "amount": data.amount,
            "fee": fee,
            "method": method.name,
            "reference": data.reference,
            "payer_client_id": data.payer_client_id,
            "allocations": [list(a) for a in data.allocations or ()],
        },
    )
    return _new_payment_row(made, payment, method)


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


def record_split_payment(
    session: Session,
    unit_id: int,
    received_date: date,
    method_id: int,
    parts: tuple[tuple[int, Decimal], ...],
    reference: str = "",
) -> list[PaymentRow]:
    """One payment split between members of a couple or family: one payment per member."""
    if not parts:
        raise InvalidInput("Enter who paid how much.", field="parts")
    return [
        record_payment(
            session,
            PaymentInput(
                unit_id, received_date, amount, method_id, reference, payer_client_id=client_id
            ),
        )
        for client_id, amount in parts
    ]


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


def list_payments(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    unit_id: int | None = None,
) -> list[PaymentRow]:
    query = select(Payment.id)
    if start is not None:
        query = query.where(Payment.received_date >= start)
    if end is not None:
        query = query.where(Payment.received_date <= end)
    if unit_id is not None:
        query = query.where(Payment.unit_id == unit_id)
    ids = session.execute(query.order_by(Payment.received_date, Payment.id)).scalars()
    return [payment_row(session, pid) for pid in ids]


def payer_name(session: Session, client_id: int | None) -> str:
    client = session.get(Client, client_id) if client_id else None
    return client.display_name if client else ""
