"""What must be fixed before an estimate can be issued, one sentence each.

Nothing here is a warning: an estimate missing the client's date of birth, the
provider's NPI or tax ID, a fee, or covering more than the 12 months one estimate
may cover, is not the paper 45 CFR 149.610 asks for, so it is not issued. Nor is
a second estimate over days a current one already covers: the same billing would
count against both, so the change is a corrected version of the one in force.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Client, Document, Estimate, Practice
from desktop.domain.identifiers import npi_problem
from desktop.reports.documents.estimate_rows import last_day_of_year_from
from desktop.services.estimates.drafts import EstimateInput, PlannedLine, planned_lines


def problems(
    session: Session, data: EstimateInput, correcting_id: int | None = None
) -> tuple[str, ...]:
    """Every reason the estimate cannot be issued as it stands; empty when it can.

    ``correcting_id``: the estimate this one is to replace as its next version."""
    found: list[str] = []
    unit = session.get(BillingUnit, data.unit_id)
    patient = session.get(Client, unit.identified_patient_id) if unit else None
    if unit is None or patient is None:
        return ("That client is not in this practice file; reopen the client list.",)
    if patient.date_of_birth is None:
        found.append(
            f"Add {patient.legal_name}'s date of birth on the client's page; "
            "the estimate must show it."
        )
    found += _provider(session.get(Practice, 1))
    found += _dates(data)
    overlap = overlapping(session, data, correcting_id)
    if overlap is not None:
        number, first, last = overlap
        found.append(
            f"{number} already covers {first:%m/%d/%Y} to {last:%m/%d/%Y} for this client. "
            f"Issue a corrected version of {number} instead, or start this estimate "
            f"after {last:%m/%d/%Y}."
        )
    if not data.frequency.strip():
        found.append("Say how often the sessions are expected, such as weekly.")
    if not data.items:
        found.append("List at least one expected service.")
    found += [p for line in planned_lines(session, data) if (p := _line(line))]
    return tuple(found)


def overlapping(
    session: Session, data: EstimateInput, correcting_id: int | None = None
) -> tuple[str, date, date] | None:
    """The client's current estimate whose period meets this one's, as (number, first
    session, last day); None when there is none (the one being corrected aside)."""
    newer = aliased(Document)
    query = (
        select(Document.number, Document.version, Estimate.first_service, Estimate.period_end)
        .join(Document, Document.id == Estimate.document_id)
        .outerjoin(newer, newer.supersedes_id == Document.id)
        .where(
            newer.id.is_(None),
            Estimate.unit_id == data.unit_id,
            Estimate.first_service <= data.period_end,
            Estimate.period_end >= data.first_service,
        )
        .order_by(Estimate.first_service)
    )
    if correcting_id is not None:
        query = query.where(Estimate.id != correcting_id)
    row = session.execute(query.limit(1)).first()
    if row is None:
        return None
    number, version, first, last = row
    return (number if version == 1 else f"{number} v{version}"), first, last


def _provider(practice: Practice | None) -> list[str]:
    if practice is None:
        return ["This practice file has no practice profile; fill it in under Settings."]
    found = []
    if not practice.npi:
        found.append("Add the provider's NPI under Settings > Practice; the estimate must show it.")
    elif problem := npi_problem(practice.npi):
        found.append(f"The provider's NPI is not valid ({problem}); correct it under Settings.")
    if not practice.tax_id:
        found.append(
            "Add the practice's tax ID (EIN, or SSN) under Settings > Practice; "
            "the estimate must show it."
        )
    if not (practice.address.strip() and practice.state.strip()):
        found.append(
            "Add the office address and state under Settings > Practice; "
            "the estimate must say where the services are given."
        )
    return found


def _dates(data: EstimateInput) -> list[str]:
    asked = "asked for the estimate" if data.requested else "scheduled the first session"
    if data.first_service < data.scheduled_on:
        return [
            f"The first session ({data.first_service:%m/%d/%Y}) is before the day the client "
            f"{asked} ({data.scheduled_on:%m/%d/%Y}); correct one of the dates."
        ]
    last = last_day_of_year_from(data.first_service)
    if data.period_end < data.first_service:
        return [
            f"The estimate ends ({data.period_end:%m/%d/%Y}) before the first session "
            f"({data.first_service:%m/%d/%Y}); end it on or after that day."
        ]
    if data.period_end > last:
        return [
            f"One estimate covers at most 12 months: end this one by {last:%m/%d/%Y} and give "
            "another for the time after."
        ]
    return []


def _line(line: PlannedLine) -> str | None:
    if line.unit_fee is None:
        return f"There is no service with code {line.code!r}; add it under Settings > Services."
    if line.quantity < 1:
        return f"Expect {line.code} at least once, or leave it off."
    if line.unit_fee <= 0:
        return (
            f"{line.code} ({line.label}) has no fee; enter the fee for it, or set the "
            "service's fee under Settings > Services."
        )
    return None
