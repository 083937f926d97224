"""Diagnoses: the ICD-10-CM codes a client has, with the dates each was in force.

A superbill line uses the diagnoses of its date of service, so a diagnosis is
never changed or removed once recorded: it is ended, and kept for the dates it
covered. On any one date a code appears once and each rank (1 is the primary)
belongs to one code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Diagnosis
from desktop.services.audit import log as audit
from desktop.services.clients import icd
from desktop.services.clients.lookups import client_record, own_unit_record
from desktop.services.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class DiagnosisRow:
    id: int
    client_id: int
    code: str
    description: str
    rank: int  # 1 is the primary diagnosis
    effective_from: date
    effective_to: date | None

    def in_effect(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def add_diagnosis(
    session: Session,
    client_id: int,
    code: str,
    effective_from: date,
    rank: int,
    effective_to: date | None = None,
) -> DiagnosisRow:
    """Record an ICD-10-CM diagnosis in force from a date (rank 1 is the primary)."""
    client_record(session, client_id)
    hit = icd.describe(code)
    if hit is None:
        raise InvalidInput(
            f"{code.strip().upper()} is not an ICD-10-CM code; search by words to find it.",
            field="code",
        )
    if not hit.billable:
        raise InvalidInput(
            f"{hit.code} is a heading, not a billable code; choose one of the more specific "
            f"codes under it (such as {hit.code}…).",
            field="code",
        )
    if not 1 <= rank <= 12:
        raise InvalidInput("The rank is between 1 (primary) and 12.", field="rank")
    _check_dates(effective_from, effective_to)
    _check_overlaps(session, client_id, hit.code, rank, effective_from, effective_to, None)
    diagnosis = Diagnosis(
        client_id=client_id,
        code=hit.code,
        description=hit.description,
        rank=rank,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.add(diagnosis)
    session.flush()
    row = _diagnosis_row(diagnosis)
    audit.record(
        session,
        "create",
        "diagnosis",
        diagnosis.id,
        after=asdict(row),
        unit_id=own_unit_record(session, client_id).id,
    )
    return row


def end_diagnosis(session: Session, diagnosis_id: int, effective_to: date) -> DiagnosisRow:
    """Set the last date a diagnosis is in force (it is kept for earlier dates of service)."""
    diagnosis = session.get(Diagnosis, diagnosis_id)
    if diagnosis is None:
        raise NotFound("That diagnosis no longer exists; reopen the client.")
    _check_dates(diagnosis.effective_from, effective_to)
    _check_overlaps(
        session,
        diagnosis.client_id,
        diagnosis.code,
        diagnosis.rank,
        diagnosis.effective_from,
        effective_to,
        diagnosis.id,
    )
    before = asdict(_diagnosis_row(diagnosis))
    diagnosis.effective_to = effective_to
    session.flush()
    row = _diagnosis_row(diagnosis)
    audit.record(
        session,
        "update",
        "diagnosis",
        diagnosis.id,
        before=before,
        after=asdict(row),
        unit_id=own_unit_record(session, diagnosis.client_id).id,
    )
    return row


def diagnosis_rows(session: Session, client_id: int) -> tuple[DiagnosisRow, ...]:
    """Every diagnosis of the client, latest start first, then by rank."""
    return tuple(_diagnosis_row(d) for d in _diagnoses(session, client_id))


def diagnoses_in_effect(session: Session, client_id: int, on_date: date) -> list[DiagnosisRow]:
    """The diagnoses in force on a date of service, primary first."""
    rows = diagnosis_rows(session, client_id)
    return sorted((r for r in rows if r.in_effect(on_date)), key=lambda r: r.rank)


def _diagnoses(session: Session, client_id: int) -> list[Diagnosis]:
    return list(
        session.scalars(
            select(Diagnosis)
            .where(Diagnosis.client_id == client_id)
            .order_by(Diagnosis.effective_from.desc(), Diagnosis.rank)
        )
    )


def _diagnosis_row(d: Diagnosis) -> DiagnosisRow:
    return DiagnosisRow(
        d.id, d.client_id, d.code, d.description, d.rank, d.effective_from, d.effective_to
    )


def _check_dates(effective_from: date, effective_to: date | None) -> None:
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput(
            "The end date is before the start date; a diagnosis ends on or after it starts.",
            field="effective_to",
        )


def _check_overlaps(
    session: Session,
    client_id: int,
    code: str,
    rank: int,
    start: date,
    end: date | None,
    own_id: int | None,
) -> None:
    """No code twice, and no two diagnoses of the same rank, on any one date."""
    for other in _diagnoses(session, client_id):
        if other.id == own_id:
            continue
        if not (
            start <= (other.effective_to or date.max) and other.effective_from <= (end or date.max)
        ):
            continue
        if other.code == code:
            raise InvalidInput(
                f"{code} is already recorded for dates that overlap these.", field="code"
            )
        if other.rank == rank:
            raise InvalidInput(
                f"{other.code} already has rank {rank} on some of these dates; choose another "
                f"rank, or end {other.code} first.",
                field="rank",
            )
