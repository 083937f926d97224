"""Issuing a Good Faith Estimate, and correcting one by a new version.

An estimate is checked (``checks``), numbered GFE-YYYY-NNNN in the year it is
issued, rendered, and kept as a document exactly as given, with an
``estimates`` row of its dates, deadline and total and a line per expected
service. A correction (a change of scope, new dates, a renewal before the 12
months run out) is the next version of the same number and supersedes the
old one; the old one stays in the file. The deadline is worked out from the
practice's business days (``domain.business_days.gfe_due_date``); an estimate
issued after it is issued all the same, and shown as late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Document, Estimate, EstimateLine
from desktop.domain.business_days import gfe_due_date, is_late
from desktop.domain.kinds import DocumentKind
from desktop.domain.money import ZERO
from desktop.reports import documents as renderers  # load on first use
from desktop.reports.documents.estimate_rows import EstimateDoc
from desktop.services.audit import log as audit
from desktop.services.clients.diagnoses import diagnoses_in_effect
from desktop.services.documents.blocks import CheckFailed, practice, provider_block
from desktop.services.documents.store import (
    IssuedDocument,
    NewDocument,
    current_version,
    next_number,
    store,
)
from desktop.services.errors import InvalidInput, NotFound
from desktop.services.estimates import checks, owed
from desktop.services.estimates.drafts import EstimateInput, planned_lines
from desktop.services.practice.settings import get_estimate_settings


@dataclass(frozen=True)
class IssuedEstimate:
    """An estimate just issued: its row, the stored document, and whether it came late."""

    estimate_id: int
    document: IssuedDocument
    due_by: date | None
    late: bool
    total: Decimal
    sessions: int

    @property
    def label(self) -> str:
        return self.document.label


def due_by(session: Session, data: EstimateInput) -> date | None:
    """The last day this estimate may be given; None when the rule sets no deadline."""
    workdays = get_estimate_settings(session).workdays
    return gfe_due_date(
        data.scheduled_on, data.first_service, requested=data.requested, workdays=workdays
    )


def issue_estimate(
    session: Session, data: EstimateInput, issued_on: date | None = None
) -> IssuedEstimate:
    """Check, number, render and keep a new estimate; raises CheckFailed with the reasons."""
    day = issued_on or date.today()
    return _issue(session, data, day, next_number(session, DocumentKind.ESTIMATE, day), None)


def correct_estimate(
    session: Session, estimate_id: int, data: EstimateInput, issued_on: date | None = None
) -> IssuedEstimate:
    """Issue the next version of an estimate, superseding it; the old version stays."""
    old = session.get(Estimate, estimate_id)
    if old is None:
        raise NotFound("That estimate is not in this practice file.")
    if data.unit_id != old.unit_id:
        raise InvalidInput("A corrected estimate is for the same client; issue a new one instead.")
    document = current_version(session, old.document_id)  # refuses a version already replaced
    return _issue(session, data, issued_on or date.today(), document.number, document)


def _issue(
    session: Session, data: EstimateInput, day: date, number: str, replaces: Document | None
) -> IssuedEstimate:
    unit = session.get(BillingUnit, data.unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file; reopen the client list.")
    patient = session.get(Client, unit.identified_patient_id)
    assert patient is not None
    found = checks.problems(
        session, data, None if replaces is None else _estimate_of(session, replaces.id)
    )
    if found:
        raise CheckFailed(f"The Good Faith Estimate for {patient.legal_name}", found)
    assert patient.date_of_birth is not None
    lines = planned_lines(session, data)
    items = [line.item() for line in lines]
    first = items[0]
    diagnoses = (
        [(d.code, d.description) for d in diagnoses_in_effect(session, patient.id, day)]
        if data.show_diagnoses
        else []
    )
    doc = EstimateDoc(
        number=number,
        version=1 if replaces is None else replaces.version + 1,
        issued_on=day,
        provider=provider_block(practice(session)),
        client_name=patient.legal_name,
        client_date_of_birth=patient.date_of_birth,
        primary_service=f"{first.label} ({first.code}), {data.frequency.strip()}",
        scheduled_on=None if data.requested else data.scheduled_on,
        requested_on=data.scheduled_on if data.requested else None,
        first_service=data.first_service,
        period_end=data.period_end,
        frequency=data.frequency.strip(),
        items=items,
        diagnoses=diagnoses,
        supersedes_number=replaces.number if replaces else None,
        supersedes_version=replaces.version if replaces else None,
    )
    issued = store(
        session,
        NewDocument(
            kind=DocumentKind.ESTIMATE,
            number=doc.number,
            version=doc.version,
            unit_id=unit.id,
            client_id=patient.id,
            issued_on=day,
            pdf=renderers.render_estimate(doc),
            # An estimate bills nothing: its total is what it expects, and nothing is owed on it.
            total_charged=doc.total,
            total_paid=ZERO,
            balance=ZERO,
            period_from=doc.first_service,
            period_to=doc.period_end,
            supersedes_id=replaces.id if replaces else None,
        ),
    )
    deadline = due_by(session, data)
    estimate = Estimate(
        document_id=issued.id,
        unit_id=unit.id,
        client_id=patient.id,
        scheduled_on=data.scheduled_on,
        requested=data.requested,
        first_service=data.first_service,
        period_end=doc.period_end,
        frequency=doc.frequency,
        sessions=doc.sessions,
        due_by=deadline,
        show_diagnoses=data.show_diagnoses,
        total=doc.total,
    )
    session.add(estimate)
    session.flush()
    for item in items:
        session.add(
            EstimateLine(
                estimate_id=estimate.id,
                service_code=item.code,
                label=item.label,
                quantity=item.quantity,
                unit_fee=item.unit_fee,
            )
        )
    session.flush()
    owed.close_owed_by_estimate(session, unit.id, estimate.id, day)
    audit.record(
        session,
        "issue" if replaces is None else "supersede",
        "estimate",
        estimate.id,
        after={
            "number": issued.label,
            "document_id": issued.id,
            "scheduled_on": data.scheduled_on,
            "requested": data.requested,
            "first_service": data.first_service,
            "period_end": doc.period_end,
            "frequency": doc.frequency,
            "sessions": doc.sessions,
            "due_by": deadline,
            "total": doc.total,
            "lines": [f"{i.code} x{i.quantity} @ {i.unit_fee}" for i in items],
        },
        unit_id=unit.id,
    )
    return IssuedEstimate(
        estimate.id, issued, deadline, is_late(day, deadline), doc.total, doc.sessions
    )


def _estimate_of(session: Session, document_id: int) -> int | None:
    return session.scalar(select(Estimate.id).where(Estimate.document_id == document_id))
