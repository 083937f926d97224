"""What an estimate will say before it is issued: the input, its defaults, its lines.

The defaults come from the client: the service and fee the session form would
propose (``books.sessions.defaults_for``), weekly, the practice's usual number
of sessions, and a period running to the end of 12 months from the first
session (the longest one estimate may cover).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Service
from desktop.reports.documents.estimate_rows import EstimateItem, last_day_of_year_from
from desktop.services.books.sessions import defaults_for
from desktop.services.practice.settings import get_estimate_settings

WEEKLY = "weekly"


@dataclass(frozen=True)
class ExpectedService:
    """A service the client is expected to receive: its code, how many, and the fee for one
    (None: the client's usual fee for it)."""

    code: str
    count: int
    fee: Decimal | None = None


@dataclass(frozen=True)
class EstimateInput:
    """Everything a person decides about an estimate; the rest comes from the books."""

    unit_id: int
    scheduled_on: date  # the day the service was scheduled, or asked for when ``requested``
    first_service: date
    requested: bool = False
    items: tuple[ExpectedService, ...] = ()
    through: date | None = None  # None: 12 months from the first service
    frequency: str = WEEKLY
    show_diagnoses: bool = False

    @property
    def period_end(self) -> date:
        return self.through or last_day_of_year_from(self.first_service)


def default_estimate(
    session: Session,
    unit_id: int,
    scheduled_on: date,
    first_service: date,
    requested: bool = False,
) -> EstimateInput:
    """An estimate as the practice usually gives it: the client's usual service at their
    usual fee, weekly, for the practice's usual number of sessions."""
    usual = defaults_for(session, unit_id)
    sessions = get_estimate_settings(session).default_sessions
    return EstimateInput(
        unit_id=unit_id,
        scheduled_on=scheduled_on,
        first_service=first_service,
        requested=requested,
        items=(ExpectedService(usual.service_code, sessions, usual.fee),),
    )


@dataclass(frozen=True)
class PlannedLine:
    """An expected service resolved against the catalog; ``unit_fee`` None when the
    code is not a service of the practice."""

    code: str
    label: str
    quantity: int
    unit_fee: Decimal | None

    def item(self) -> EstimateItem:
        assert self.unit_fee is not None
        return EstimateItem(self.code, self.label, self.quantity, self.unit_fee)


def usual_fee(unit: BillingUnit, service: Service) -> Decimal:
    """The client's fee for ``service``, as the session form proposes it: theirs for their
    usual service, else the catalog's."""
    if unit.default_service_id == service.id and unit.default_fee > 0:
        return unit.default_fee
    return service.default_fee


def planned_lines(session: Session, data: EstimateInput) -> tuple[PlannedLine, ...]:
    """The expected services with their labels and fees, in the order given."""
    unit = session.get(BillingUnit, data.unit_id)
    codes = {item.code.strip() for item in data.items}
    services = {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(codes)))}
    lines = []
    for item in data.items:
        code = item.code.strip()
        service = services.get(code)
        if service is None or unit is None:
            lines.append(PlannedLine(code, code, item.count, None))
            continue
        fee = item.fee if item.fee is not None else usual_fee(unit, service)
        lines.append(PlannedLine(code, service.label, item.count, fee))
    return tuple(lines)
