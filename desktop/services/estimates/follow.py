"""Following estimates: the current ones, where each stands, and what needs action.

A current estimate is the latest version of its number. Its status is one word,
the first of these that applies (the most pressing first):

1. ``expired``: its period has ended (a new estimate is needed if care goes on);
2. ``dispute-eligible``: billed at least $400 over it, within the client's 120
   days to start a dispute (after them it reads ``over``: still over, but the
   dispute can no longer be started);
3. ``over``: billed over it by the practice's warning threshold or more;
4. ``scope-changed``: a service was billed that it does not list, or at a higher
   fee than it expects (``scope.py``; the rule expects a new estimate);
5. ``expiring``: its period ends within 30 days (re-issue before it runs out);
6. ``late``: it was given after its deadline;
7. ``issued``: none of the above.

``estimates_needing_action`` counts, for the navigation, the current estimates
that are expiring, expired while the client is still active, over, dispute
eligible, scope-changed, or late. An expired estimate of a client no longer seen needs nothing.
What is owed and not yet given (``owed.py``) counts too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Client, Document, Estimate
from desktop.domain.business_days import is_late
from desktop.domain.money import ZERO
from desktop.services.estimates.meter import Meter, billed_by_estimate, dispute_windows
from desktop.services.estimates.owed import owed_estimates
from desktop.services.estimates.scope import scope_changes
from desktop.services.practice.settings import get_estimate_settings

EXPIRING_DAYS = 30
NEEDS_ACTION = frozenset(
    {"expired", "dispute-eligible", "over", "scope-changed", "expiring", "late"}
)


@dataclass(frozen=True)
class CurrentEstimate:
    """A current (not superseded) estimate with its meter and status."""

    estimate_id: int
    document_id: int
    unit_id: int
    client_ref: str
    client_name: str
    client_active: bool
    number: str
    version: int
    scheduled_on: date
    requested: bool
    first_service: date
    period_end: date
    due_by: date | None
    issued_on: date
    frequency: str
    sessions: int
    total: Decimal
    billed: Decimal
    over_by: Decimal
    dispute_eligible: bool  # $400 or more over, and the 120 days to dispute not yet past
    late: bool
    status: str
    scope_notes: tuple[str, ...] = ()  # what was billed beyond it, one sentence a code
    dispute_until: date | None = None  # the last day to start a dispute, once $400 over

    @property
    def label(self) -> str:
        return self.number if self.version == 1 else f"{self.number} v{self.version}"

    @property
    def needs_action(self) -> bool:
        return self.status in NEEDS_ACTION and (self.status != "expired" or self.client_active)


def status_of(
    meter: Meter,
    period_end: date,
    late: bool,
    today: date,
    scope_notes: tuple[str, ...] = (),
    dispute_until: date | None = None,
) -> str:
    """The one word for where an estimate stands (precedence in the module docstring)."""
    if period_end < today:
        return "expired"
    if meter.dispute_eligible and (dispute_until is None or today <= dispute_until):
        return "dispute-eligible"
    if meter.over:
        return "over"
    if scope_notes:
        return "scope-changed"
    if period_end <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "late" if late else "issued"


def current_estimates(
    session: Session, today: date | None = None, *, unit_id: int | None = None
) -> list[CurrentEstimate]:
    """Every current estimate (or one client's), by client reference then number."""
    day = today or date.today()
    newer = aliased(Document)
    query = (
        select(Estimate, Document, Client, BillingUnit.ref, BillingUnit.active)
        .join(Document, Document.id == Estimate.document_id)
        .join(BillingUnit, BillingUnit.id == Estimate.unit_id)
        .join(Client, Client.id == Estimate.client_id)
        .outerjoin(newer, newer.supersedes_id == Document.id)
        .where(newer.id.is_(None))
        .order_by(BillingUnit.ref, Document.number)
    )
    if unit_id is not None:
        query = query.where(Estimate.unit_id == unit_id)
    found = session.execute(query).all()
    ids = [row[0].id for row in found]
    billed = billed_by_estimate(session, ids)
    scope = scope_changes(session, ids)
    warn_over = get_estimate_settings(session).warn_over
    meters = {
        estimate.id: Meter(estimate.total, billed.get(estimate.id, ZERO), warn_over)
        for estimate, *_ in found
    }
    windows = dispute_windows(
        session, {i: meter.total for i, meter in meters.items() if meter.dispute_eligible}
    )
    rows = []
    for estimate, document, client, ref, unit_active in found:
        meter = meters[estimate.id]
        late = is_late(document.issued_on, estimate.due_by)
        notes = scope.get(estimate.id, ())
        until = windows.get(estimate.id)
        rows.append(
            CurrentEstimate(
                estimate_id=estimate.id,
                document_id=document.id,
                unit_id=estimate.unit_id,
                client_ref=ref,
                client_name=client.legal_name,
                client_active=bool(unit_active and client.active),
                number=document.number,
                version=document.version,
                scheduled_on=estimate.scheduled_on,
                requested=estimate.requested,
                first_service=estimate.first_service,
                period_end=estimate.period_end,
                due_by=estimate.due_by,
                issued_on=document.issued_on,
                frequency=estimate.frequency,
                sessions=estimate.sessions,
                total=estimate.total,
                billed=meter.billed,
                over_by=meter.over_by,
                dispute_eligible=meter.dispute_eligible and (until is None or day <= until),
                late=late,
                status=status_of(meter, estimate.period_end, late, day, notes, until),
                scope_notes=notes,
                dispute_until=until,
            )
        )
    return rows


def estimates_needing_action(session: Session, today: date | None = None) -> int:
    """How many estimates need the practice's attention (the navigation count): current
    ones needing action, and every estimate owed and not yet given."""
    current = sum(1 for row in current_estimates(session, today) if row.needs_action)
    return current + len(owed_estimates(session, today))
