"""Fees outside sessions: a charge for a report, a letter or the like, posted on its own.

Sessions post their own charges (``sessions``); a fee is charged here under a
service code, and credit on account pays it at once, as it would a session.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Service
from desktop.services.audit import log as audit
from desktop.services.books import applying, ledger
from desktop.services.errors import InvalidInput


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
    applying.apply_credit(session, unit_id, on)
    audit.record(
        session,
        "create",
        "charge",
        charge.id,
        unit_id=unit_id,
        after={"service": service.code, "amount": amount, "date": on},
    )
    return charge.id
