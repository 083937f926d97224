"""Payments as the lists show them: in two statements, however many there are.

One joined query reads each payment with its method, its client's name and what
of it is still credit; one more reads the active allocations of all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Allocation, BillingUnit, Charge, LedgerSplit, Payment, PaymentMethod
from desktop.domain.kinds import Account
from desktop.domain.money import ZERO
from desktop.services.books.payments import AllocationRow, PaymentRow


@dataclass(frozen=True)
class ListedPayment(PaymentRow):
    """A payment with the name of the client (billing unit) it was received from."""

    client: str


def _matching(columns: Any, start: date | None, end: date | None, unit_id: int | None) -> Any:
    query = select(columns)
    if start is not None:
        query = query.where(Payment.received_date >= start)
    if end is not None:
        query = query.where(Payment.received_date <= end)
    if unit_id is not None:
        query = query.where(Payment.unit_id == unit_id)
    return query


def list_payments(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    unit_id: int | None = None,
) -> list[ListedPayment]:
    """Payments received in a period (or of one client), oldest first, each with how it
    was applied and what of it is still credit (not applied, not refunded)."""
    # Per payment, a seek in ix_ledger_splits_payment.
    credit_left = (
        select(func.sum(LedgerSplit.amount))
        .where(
            LedgerSplit.payment_id == Payment.id,
            LedgerSplit.account == Account.CLIENT_CREDIT.value,
        )
        .correlate(Payment)
        .scalar_subquery()
    )
    query = (
        _matching(Payment, start, end, unit_id)
        .add_columns(PaymentMethod.name, BillingUnit.name, credit_left)
        .outerjoin(PaymentMethod, PaymentMethod.id == Payment.method_id)
        .join(BillingUnit, BillingUnit.id == Payment.unit_id)
        .order_by(Payment.received_date, Payment.id)
    )
    found = session.execute(query).all()
    if not found:
        return []
    allocated = _allocations(session, _matching(Payment.id, start, end, unit_id))
    rows = []
    for payment, method, client, credit in found:
        allocations = tuple(allocated.get(payment.id, ()))
        rows.append(
            ListedPayment(
                id=payment.id,
                unit_id=payment.unit_id,
                received_date=payment.received_date,
                method=method or "",
                amount=payment.amount,
                fee=payment.fee,
                reference=payment.reference,
                payer_client_id=payment.payer_client_id,
                applied=sum((a.amount for a in allocations), ZERO),
                unapplied=-(credit or ZERO),
                voided=payment.void_txn_id is not None,
                allocations=allocations,
                client=client,
            )
        )
    return rows


def _allocations(session: Session, payment_ids: Any) -> dict[int, list[AllocationRow]]:
    """The active allocations of the payments ``payment_ids`` selects, by payment, each
    payment's in date-of-service order."""
    query = (
        select(
            Allocation.payment_id,
            Allocation.id,
            Charge.id,
            Charge.service_date,
            Charge.description,
            Allocation.amount,
            Allocation.manual,
        )
        .join(Charge, Charge.id == Allocation.charge_id)
        .where(Allocation.payment_id.in_(payment_ids), Allocation.void_txn_id.is_(None))
        .order_by(Charge.service_date, Allocation.id)
    )
    found: dict[int, list[AllocationRow]] = defaultdict(list)
    for payment_id, *row in session.execute(query):
        found[payment_id].append(AllocationRow(*row))
    return found
