"""Scope changes: services billed that an estimate did not foresee.

When the services change, the rule expects a new estimate (45 CFR 149.610). For
each estimate this compares what was billed for attended sessions in its period
(the charges ``billed_by_estimate`` counts, less late-cancel and no-show fees,
which are not services) with the lines it printed: a code it does not list, or a
code billed at more than its estimated fee for one.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge, Estimate, EstimateLine, Service
from db.models import Session as SessionRecord
from desktop.domain.kinds import SessionStatus
from desktop.domain.money import format_money, from_cents


def scope_changes(session: Session, estimate_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each estimate's scope notes, one sentence per code, in code order (empty: none).

    Two statements, however many estimates there are.
    """
    if not estimate_ids:
        return {}
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
