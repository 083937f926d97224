"""Estimates owed: what is due before anything is issued.

The deadline for a Good Faith Estimate runs from the day the first session is
scheduled, or the day the client asks (45 CFR 149.610(b)(1)). The practice
notes that day here when it cannot give the estimate at once (the client's date
of birth is not known yet, say), so the Estimates page shows what is due and
by when. Issuing an estimate for the client closes what they were owed; a
client who does not go ahead is closed with that reason. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, EstimateOwed
from desktop.domain.business_days import gfe_due_date
from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput, NotFound
from desktop.services.practice.settings import get_estimate_settings

REASON_LIMIT = 200


@dataclass(frozen=True)
class OwedEstimate:
    """An estimate owed and not yet given: ``due`` (by ``due_by``) or ``overdue``."""

    owed_id: int
    unit_id: int
    client_ref: str
    client_name: str
    scheduled_on: date
    requested: bool
    first_service: date
    due_by: date | None
    noted_on: date
    status: str

    @property
    def needs_action(self) -> bool:
        return True  # owed is always something to do


def status_of_owed(due_by: date | None, today: date) -> str:
    """``overdue`` once its last day has passed; ``due`` until then (or with no deadline)."""
    return "overdue" if due_by is not None and due_by < today else "due"


def note_owed(
    session: Session,
    unit_id: int,
    scheduled_on: date,
    first_service: date,
    requested: bool = False,
    noted_on: date | None = None,
) -> OwedEstimate:
    """Note that a client is owed an estimate, from the day scheduled (or asked)."""
    day = noted_on or date.today()
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file; reopen the client list.")
    patient = session.get(Client, unit.identified_patient_id)
    assert patient is not None
    if first_service < scheduled_on:
        asked = "asked for the estimate" if requested else "scheduled the first session"
        raise InvalidInput(
            f"The first session ({first_service:%m/%d/%Y}) is before the day the client "
            f"{asked} ({scheduled_on:%m/%d/%Y}); correct one of the dates."
        )
    if scheduled_on > day:
        raise InvalidInput(
            f"The day scheduled or asked ({scheduled_on:%m/%d/%Y}) is after today; "
            "note the estimate on that day or later."
        )
    already = _open_for(session, unit_id)
    if already is not None:
        raise InvalidInput(
            f"{patient.legal_name} is already owed an estimate, noted on "
            f"{already.noted_on:%m/%d/%Y}; give that one (or close it) first."
        )
    workdays = get_estimate_settings(session).workdays
    due = gfe_due_date(scheduled_on, first_service, requested=requested, workdays=workdays)
    owed = EstimateOwed(
        unit_id=unit_id,
        client_id=patient.id,
        scheduled_on=scheduled_on,
        requested=requested,
        first_service=first_service,
        due_by=due,
        noted_on=day,
        closed_reason="",
    )
    session.add(owed)
    session.flush()
    audit.record(
        session,
        "note",
        "estimate owed",
        owed.id,
        after={
            "scheduled_on": scheduled_on,
            "requested": requested,
            "first_service": first_service,
            "due_by": due,
        },
        unit_id=unit_id,
    )
    return _row(owed, unit.ref, patient.legal_name, day)


def close_owed(session: Session, owed_id: int, reason: str, closed_on: date | None = None) -> None:
    """Close an owed estimate no longer needed, with the reason (the client did not go ahead)."""
    owed = session.get(EstimateOwed, owed_id)
    if owed is None:
        raise NotFound("That owed estimate is not in this practice file.")
    if owed.closed_on is not None:
        raise InvalidInput("That estimate is no longer owed; refresh the list.")
    text = " ".join(reason.split())
    if not text:
        raise InvalidInput("Say why no estimate is needed, such as 'did not go ahead'.")
    if len(text) > REASON_LIMIT:
        raise InvalidInput(f"Keep the reason under {REASON_LIMIT} characters.")
    _close(session, owed, closed_on or date.today(), reason=text)


def close_owed_by_estimate(session: Session, unit_id: int, estimate_id: int, day: date) -> None:
    """An estimate was issued for the client: what they were owed is met (part of the issue)."""
    owed = _open_for(session, unit_id)
    if owed is not None:
        _close(session, owed, day, estimate_id=estimate_id)


def owed_estimates(
    session: Session, today: date | None = None, *, unit_id: int | None = None
) -> list[OwedEstimate]:
    """Every estimate owed and not yet given (or one client's), soonest deadline first."""
    day = today or date.today()
    query = (
        select(EstimateOwed, BillingUnit.ref, Client)
        .join(BillingUnit, BillingUnit.id == EstimateOwed.unit_id)
        .join(Client, Client.id == EstimateOwed.client_id)
        .where(EstimateOwed.closed_on.is_(None))
        .order_by(EstimateOwed.due_by, BillingUnit.ref)
    )
    if unit_id is not None:
        query = query.where(EstimateOwed.unit_id == unit_id)
    return [_row(owed, ref, c.legal_name, day) for owed, ref, c in session.execute(query)]


def _open_for(session: Session, unit_id: int) -> EstimateOwed | None:
    return session.scalars(
        select(EstimateOwed).where(
            EstimateOwed.unit_id == unit_id, EstimateOwed.closed_on.is_(None)
        )
    ).first()


def _close(
    session: Session,
    owed: EstimateOwed,
    day: date,
    *,
    reason: str = "",
    estimate_id: int | None = None,
) -> None:
    owed.closed_on = day
    owed.estimate_id = estimate_id
    owed.closed_reason = reason
    session.flush()
    audit.record(
        session,
        "close",
        "estimate owed",
        owed.id,
        after={"closed_on": day, "estimate_id": estimate_id, "reason": reason},
        unit_id=owed.unit_id,
    )


def _row(owed: EstimateOwed, ref: str, name: str, today: date) -> OwedEstimate:
    return OwedEstimate(
        owed_id=owed.id,
        unit_id=owed.unit_id,
        client_ref=ref,
        client_name=name,
        scheduled_on=owed.scheduled_on,
        requested=owed.requested,
        first_service=owed.first_service,
        due_by=owed.due_by,
        noted_on=owed.noted_on,
        status=status_of_owed(owed.due_by, today),
    )
