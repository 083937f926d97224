"""Write-offs and discounts: reducing what is owed on a charge, with a reason.

The charge stays as it was billed; an adjustment beside it (``ledger.post_adjustment``)
moves the amount to the write-offs account, so reports show both.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.kinds import AdjustmentKind, AdjustmentReason
from desktop.services.audit import log as audit
from desktop.services.books import ledger


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
    charge = ledger.charge_record(session, charge_id)
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
