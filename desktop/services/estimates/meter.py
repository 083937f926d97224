"""The dispute meter: what has been billed against each estimate.

A client may start the patient-provider dispute process when the billed total
is at least $400 more than the estimate (45 CFR 149.620). What counts as
billed for an estimate is every charge of its billing unit that is not voided,
dated from its first service through the end of its period. The practice is
warned earlier, at its own threshold (``EstimateSettings.warn_over``, $300 by
default), while there is still time to re-estimate.

The client has 120 calendar days from the initial bill holding the charges to
start the dispute (45 CFR 149.620(b)(1)). The practice bills a charge on its
date of service, so the window runs from the day the billed total first
reached $400 over: ``dispute_windows`` finds that day for each estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge, Estimate
from desktop.domain.money import ZERO, from_cents

DISPUTE_THRESHOLD = Decimal("400.00")
DISPUTE_WINDOW_DAYS = 120


@dataclass(frozen=True)
class Meter:
    """Billed against estimated; ``over_by`` is never below zero."""

    total: Decimal
    billed: Decimal
    warn_over: Decimal

    @property
    def over_by(self) -> Decimal:
        return max(self.billed - self.total, ZERO)

    @property
    def dispute_eligible(self) -> bool:
        return self.over_by >= DISPUTE_THRESHOLD

    @property
    def over(self) -> bool:
        """Over the practice's warning threshold (and over at all)."""
        return self.over_by > 0 and self.over_by >= self.warn_over


def billed_by_estimate(session: Session, estimate_ids: list[int]) -> dict[int, Decimal]:
    """Each estimate's billed total, in one statement however many estimates there are."""
    if not estimate_ids:
        return {}
    rows = session.execute(
        select(Estimate.id, func.coalesce(func.sum(Charge.amount), 0))
        .outerjoin(
            Charge,
            (Charge.unit_id == Estimate.unit_id)
            & Charge.void_txn_id.is_(None)
            & Charge.service_date.between(Estimate.first_service, Estimate.period_end),
        )
        .where(Estimate.id.in_(estimate_ids))
        .group_by(Estimate.id)
    )
    return {estimate_id: _money(amount) for estimate_id, amount in rows}


def dispute_windows(session: Session, totals: dict[int, Decimal]) -> dict[int, date]:
    """For estimates billed $400 or more over (id -> estimate total), the last day the
    client may start a dispute: 120 days after the charge that took it there.

    One statement, over the charges of these estimates only."""
    if not totals:
        return {}
    running: dict[int, Decimal] = {}
    crossed: dict[int, date] = {}
    for estimate_id, day, amount in session.execute(
        select(Estimate.id, Charge.service_date, Charge.amount)
        .join(
            Charge,
            (Charge.unit_id == Estimate.unit_id)
            & Charge.void_txn_id.is_(None)
            & Charge.service_date.between(Estimate.first_service, Estimate.period_end),
        )
        .where(Estimate.id.in_(list(totals)))
        .order_by(Estimate.id, Charge.service_date, Charge.id)
    ):
        if estimate_id in crossed:
            continue
        running[estimate_id] = running.get(estimate_id, ZERO) + amount
        if running[estimate_id] - totals[estimate_id] >= DISPUTE_THRESHOLD:
            crossed[estimate_id] = day + timedelta(days=DISPUTE_WINDOW_DAYS)
    return crossed


def _money(amount: object) -> Decimal:
    # SUM keeps the column's Cents type; the COALESCE default of 0 may come back bare.
    return amount if isinstance(amount, Decimal) else from_cents(int(amount))  # type: ignore[call-overload]
