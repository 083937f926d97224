"""Refunds: client credit paid back out, drawn from the newest payments unless one is
named. Each part comes out of one payment's unapplied credit (``ledger.post_refund``),
so what was applied to charges is never refunded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.money import ZERO, format_money
from desktop.services.audit import log as audit
from desktop.services.books import ledger, open_amounts
from desktop.services.errors import InvalidInput, NotAllowed


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
        sources = [
            (
                ledger.payment_record(session, payment_id),
                open_amounts.payment_unapplied(session, payment_id),
            )
        ]
    else:
        sources = list(reversed(open_amounts.payments_with_credit(session, unit_id)))
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
