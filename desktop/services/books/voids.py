"""Voids: an entry is never deleted; its transaction is reversed exactly, with a reason.

``void_record`` writes the reversal of one record's transaction; voiding a charge
or a payment first reverses what hangs on it (allocations, write-offs), in the
order that keeps every step balanced. ``void_entry`` is the use case the screens
call: it checks what may be voided, re-applies any credit freed, and audits it.
Sessions void their own charges (``sessions``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Adjustment, Allocation, Charge, LedgerTxn, Payment, Refund
from desktop.domain.kinds import Account, TxnKind
from desktop.services.audit import log as audit
from desktop.services.books import applying, dates, ledger
from desktop.services.errors import InvalidInput, NotAllowed, NotFound


def void_record(
    session: Session, record: ledger.LedgerRecord, reason: str, *, on: date | None = None
) -> int:
    """Reverse one record's transaction exactly, dated ``on`` (default today) or later;
    returns the void transaction's id."""
    if not reason.strip():
        raise InvalidInput("Say why this is being voided.", field="reason")
    if record.void_txn_id is not None:
        raise NotAllowed("This entry was already voided.")
    original = session.get(LedgerTxn, record.txn_id)
    assert original is not None
    when = max(on or dates.today(), original.txn_date)
    dates.ensure_open(session, when, "This void")
    legs = [
        ledger.Leg(
            Account(s.account),
            -s.amount,
            charge_id=s.charge_id,
            payment_id=s.payment_id,
            method_id=s.method_id,
            service_id=s.service_id,
            reason=s.reason,
        )
        for s in original.splits
    ]
    txn_id = ledger.write_txn(
        session,
        TxnKind.VOID,
        when,
        original.unit_id,
        legs,
        memo=reason.strip(),
        reverses_id=original.id,
    )
    record.void_txn_id = txn_id
    session.flush()
    return txn_id


def active_allocations(
    session: Session, *, charge_id: int | None = None, payment_id: int | None = None
) -> list[Allocation]:
    """The allocations not voided, of one charge or one payment, oldest first."""
    query = select(Allocation).where(Allocation.void_txn_id.is_(None))
    if charge_id is not None:
        query = query.where(Allocation.charge_id == charge_id)
    if payment_id is not None:
        query = query.where(Allocation.payment_id == payment_id)
    return list(session.execute(query.order_by(Allocation.id)).scalars())


def void_charge(session: Session, charge: Charge, reason: str, *, on: date | None = None) -> None:
    """Void a charge: its allocations and write-offs are reversed first, money becomes credit."""
    for allocation in active_allocations(session, charge_id=charge.id):
        void_record(session, allocation, f"Charge voided: {reason}", on=on)
    adjustments = session.execute(
        select(Adjustment).where(
            Adjustment.charge_id == charge.id, Adjustment.void_txn_id.is_(None)
        )
    ).scalars()
    for adjustment in adjustments:
        void_record(session, adjustment, f"Charge voided: {reason}", on=on)
    void_record(session, charge, reason, on=on)


def void_payment(
    session: Session, payment: Payment, reason: str, *, on: date | None = None
) -> None:
    """Void a payment; refunds must be voided first, allocations are reversed with it."""
    refunded = session.execute(
        select(func.count())
        .select_from(Refund)
        .where(Refund.payment_id == payment.id, Refund.void_txn_id.is_(None))
    ).scalar_one()
    if refunded:
        raise NotAllowed("Part of this payment was refunded; void the refund first.")
    for allocation in active_allocations(session, payment_id=payment.id):
        void_record(session, allocation, f"Payment voided: {reason}", on=on)
    void_record(session, payment, reason, on=on)


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
        void_payment(session, record, reason, on=on)
        unit_id = record.unit_id
    elif isinstance(record, Charge):
        if record.session_id is not None:
            raise NotAllowed("This charge belongs to a session; void or change the session.")
        void_charge(session, record, reason, on=on)
        unit_id = record.unit_id
    else:
        void_record(session, record, reason, on=on)
        unit_id = _unit_of(session, record)
    if not isinstance(record, Allocation):
        applying.apply_credit(session, unit_id, on or dates.today())
    audit.record(session, "void", kind, record_id, unit_id=unit_id, after={"reason": reason})


def _unit_of(session: Session, record: Adjustment | Refund | Allocation) -> int:
    if isinstance(record, Refund):
        return record.unit_id
    return ledger.charge_record(session, record.charge_id).unit_id
