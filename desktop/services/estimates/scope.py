"""Scope changes: services billed that an estimate did not foresee.

When the services change, the rule expects a new estimate (45 CFR 149.610). For
each estimate this compares what was billed for attended sessions in its period
(the charges ``billed_by_estimate`` counts, less late-cancel and no-show fees,
which are not services) with the lines it printed: a code it does not list, a
code billed at more than its estimated fee for one, more sessions than it
expects, or sessions more frequent than its stated frequency allows
(``domain.frequency``: more than it allows in some four weeks, one make-up
session aside).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge, Estimate, EstimateLine, Service
from db.models import Session as SessionRecord
from desktop.domain.frequency import too_frequent
from desktop.domain.kinds import SessionStatus
from desktop.domain.money import format_money, from_cents


def scope_changes(session: Session, estimate_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each estimate's scope notes, one sentence per code, in code order (empty: none).

    Three statements, however many estimates there are.
    """
    if not estimate_ids:
        return {}
    notes = _service_notes(session, estimate_ids)
    for estimate_id, extra in _pace_notes(session, estimate_ids).items():
        notes[estimate_id] = notes.get(estimate_id, ()) + extra
    return notes


def _service_notes(session: Session, estimate_ids: list[int]) -> dict[int, tuple[str, ...]]:
    billed: dict[int, dict[str, Decimal]] = {}
    for estimate_id, code, amount in session.execute(
        select(Estimate.id, Service.code, func.max(Charge.amount))
        .join(
            Charge,
            (Charge.unit_id == Estimate.unit_id)
            & Charge.void_txn_id.is_(None)
            & Charge.service_date.between(Estimate.first_service, Estimate.period_end),
        )
        .join(SessionRecord, SessionRecord.id == Charge.session_id)
        .join(Service, Service.id == Charge.service_id)
        .where(
            Estimate.id.in_(estimate_ids),
            SessionRecord.status == SessionStatus.ATTENDED.value,
        )
        .group_by(Estimate.id, Service.code)
    ):
        billed.setdefault(estimate_id, {})[code] = _money(amount)
    if not billed:
        return {}
    expected: dict[int, dict[str, Decimal]] = {}
    for estimate_id, code, fee in session.execute(
        select(EstimateLine.estimate_id, EstimateLine.service_code, func.max(EstimateLine.unit_fee))
        .where(EstimateLine.estimate_id.in_(list(billed)))
        .group_by(EstimateLine.estimate_id, EstimateLine.service_code)
    ):
        expected.setdefault(estimate_id, {})[code] = _money(fee)
    return {
        estimate_id: _notes(codes, expected.get(estimate_id, {}))
        for estimate_id, codes in billed.items()
    }


def _pace_notes(session: Session, estimate_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """How many attended sessions, and how close together, against what each estimate said."""
    days: dict[int, list[int]] = {}
    said: dict[int, tuple[str, int]] = {}
    for estimate_id, frequency, expected, day in session.execute(
        select(Estimate.id, Estimate.frequency, Estimate.sessions, SessionRecord.service_date)
        .join(
            SessionRecord,
            (SessionRecord.unit_id == Estimate.unit_id)
            & SessionRecord.service_date.between(Estimate.first_service, Estimate.period_end),
        )
        .where(
            Estimate.id.in_(estimate_ids),
            SessionRecord.status == SessionStatus.ATTENDED.value,
            SessionRecord.voided_at.is_(None),
        )
        .order_by(Estimate.id, SessionRecord.service_date)
    ):
        days.setdefault(estimate_id, []).append(day.toordinal())
        said[estimate_id] = (frequency, expected)
    notes: dict[int, tuple[str, ...]] = {}
    for estimate_id, ordinals in days.items():
        frequency, expected = said[estimate_id]
        found = []
        if expected and len(ordinals) > expected:
            found.append(f"{len(ordinals)} sessions were held; the estimate expects {expected}")
        pace = too_frequent(frequency, ordinals)
        if pace is not None:
            most, _allowed, last = pace
            found.append(
                f"{most} sessions in the four weeks to {date.fromordinal(last):%m/%d/%Y} "
                f"is more often than {frequency.strip()}"
            )
        if found:
            notes[estimate_id] = tuple(found)
    return notes


def _notes(billed: dict[str, Decimal], expected: dict[str, Decimal]) -> tuple[str, ...]:
    notes = []
    for code in sorted(billed):
        if code not in expected:
            notes.append(f"{code} was billed but is not on the estimate")
        elif billed[code] > expected[code]:
            notes.append(
                f"{code} was billed at {format_money(billed[code])}; "
                f"the estimate expects {format_money(expected[code])}"
            )
    return tuple(notes)


def _money(amount: object) -> Decimal:
    # MAX keeps the column's Cents type on most backends; a bare integer is cents.
    return amount if isinstance(amount, Decimal) else from_cents(int(amount))  # type: ignore[call-overload]
