"""A client's usual fee: the one set on the client, else what they were last charged.

A practice that sees a client at a reduced fee often never types it on the
client: the sessions carry it. So the fee proposed for a service is the unit's
own fee (for its usual service), else the fee of the unit's last attended
session of that service, else the catalog's.
The client list and page show the same figure for the unit's usual service (the
one set on it, else the service of its last attended session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Service
from db.models import Session as SessionRecord
from desktop.domain.kinds import SessionStatus
from desktop.domain.money import from_cents


@dataclass(frozen=True)
class LastFee:
    fee: Decimal
    on: date


LastFees = dict[int, LastFee]  # service id -> the unit's last fee for it


def last_fees(session: Session, unit_id: int | None = None) -> dict[int, LastFees]:
    """Per unit (or for ``unit_id`` only), the fee of its last attended session of each
    service, in one statement."""
    latest = func.row_number().over(
        partition_by=(SessionRecord.unit_id, SessionRecord.service_id),
        order_by=(SessionRecord.service_date.desc(), SessionRecord.id.desc()),
    )
    ranked = select(
        SessionRecord.unit_id,
        SessionRecord.service_id,
        SessionRecord.fee,
        SessionRecord.service_date,
        latest.label("rank"),
    ).where(
        SessionRecord.voided_at.is_(None),
        SessionRecord.status == SessionStatus.ATTENDED.value,
    )
    if unit_id is not None:
        ranked = ranked.where(SessionRecord.unit_id == unit_id)
    sub = ranked.subquery()
    found: dict[int, LastFees] = {}
    rows = session.execute(
        select(sub.c.unit_id, sub.c.service_id, sub.c.fee, sub.c.service_date).where(
            sub.c["rank"] == 1
        )
    )
    for unit, service, fee, on in rows:
        found.setdefault(unit, {})[service] = LastFee(_money(fee), _date(on))
    return found


def _money(value: Decimal | int) -> Decimal:
    """The column's type reads cents as dollars; a raw count of cents is converted."""
    return value if isinstance(value, Decimal) else from_cents(value)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class UnitFee:
    """What is set on a billing unit: its own fee (0: none) and its usual service."""

    fee: Decimal
    service_id: int | None


def fee_for(unit: UnitFee, service_id: int, list_fee: Decimal, last: LastFees) -> Decimal:
    """The fee to propose for a service: the unit's own (for its usual service), else the
    one it was last charged for it, else ``list_fee``."""
    if unit.fee > 0 and unit.service_id == service_id:
        return unit.fee
    if service_id in last:
        return last[service_id].fee
    return list_fee


def usual_service_id(default_service_id: int | None, last: LastFees) -> int | None:
    """The unit's usual service: the one set on it, else that of its last attended session."""
    if default_service_id is not None or not last:
        return default_service_id
    return max(last, key=lambda service_id: (last[service_id].on, service_id))


def proposed_fee(session: Session, unit: BillingUnit, service: Service) -> Decimal:
    """``fee_for`` with the unit's last fees read."""
    last = last_fees(session, unit.id).get(unit.id, {})
    return fee_for(of_unit(unit), service.id, service.default_fee, last)


def of_unit(unit: BillingUnit) -> UnitFee:
    return UnitFee(unit.default_fee, unit.default_service_id)
