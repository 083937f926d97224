"""What must be fixed before an estimate can be issued, one sentence each.

Nothing here is a warning: an estimate missing the client's date of birth, the
provider's NPI or tax ID, a fee, or covering more than the 12 months one estimate
may cover, is not the paper 45 CFR 149.610 asks for, so it is not issued.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Practice
from desktop.domain.identifiers import npi_problem
from desktop.reports.documents.estimate_rows import last_day_of_year_from
from desktop.services.estimates.drafts import EstimateInput, PlannedLine, planned_lines


def problems(session: Session, data: EstimateInput) -> tuple[str, ...]:
    """Every reason the estimate cannot be issued as it stands; empty when it can."""
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
    if not data.frequency.strip():
        found.append("Say how often the sessions are expected, such as weekly.")
    if not data.items:
        found.append("List at least one expected service.")
    found += [p for line in planned_lines(session, data) if (p := _line(line))]
    return tuple(found)


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
            f"The first session ({data.first_service:%Y-%m-%d}) is before the day the client "
            f"{asked} ({data.scheduled_on:%Y-%m-%d}); correct one of the dates."
        ]
    last = last_day_of_year_from(data.first_service)
    if data.period_end < data.first_service:
        return [
            f"The estimate ends ({data.period_end:%Y-%m-%d}) before the first session "
            f"({data.first_service:%Y-%m-%d}); end it on or after that day."
        ]
    if data.period_end > last:
        return [
            f"One estimate covers at most 12 months: end this one by {last:%Y-%m-%d} and give "
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
