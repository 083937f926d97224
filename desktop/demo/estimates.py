"""Good Faith Estimates for the demo practice, issued through the real services.

Four private-pay clients in ongoing care get one each, so the Estimates page
has something to show in every state that matters: one given on time and in
good standing; one given after its deadline; one whose client has since been
billed at least $400 more than it said (the client could start a dispute); and
one corrected to a second version when the sessions moved. A fifth is owed one:
their next course was scheduled yesterday, and the estimate is due in the days
ahead. Every date is on or before the demo's end date. Deterministic for a seed
and an end date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge
from desktop.demo.caseload import Plan
from desktop.domain.money import ZERO
from desktop.services.errors import ServiceError
from desktop.services.estimates import issue, owed
from desktop.services.estimates.drafts import EstimateInput, ExpectedService, default_estimate
from desktop.services.estimates.meter import DISPUTE_THRESHOLD
from desktop.services.workspace import Workspace

LOOK_BACK = 120  # the estimates' first sessions are within this many days of the end


@dataclass(frozen=True)
class DemoEstimates:
    issued: int  # estimate versions issued, a correction counted apart


def add_demo_estimates(ws: Workspace, plans: list[Plan], *, seed: int, end: date) -> DemoEstimates:
    """Issue the demo's estimates (on time, late, dispute-eligible, corrected) before ``end``.

    Clients are drawn from individuals seen privately and still in care who started
    well before the estimates' first sessions; fewer such clients, fewer estimates."""
    rng = random.Random(f"estimates-{seed}")
    since = end - timedelta(days=LOOK_BACK)
    ongoing = [
        p
        for p in sorted(plans, key=lambda p: p.unit_id)
        if p.kind == "individual" and p.stop >= end and p.start < since
    ]
    ongoing.sort(key=lambda p: p.superbill)  # private pay first: who a GFE is for
    chosen = ongoing[:5]
    rng.shuffle(chosen)
    steps = (_disputed, _late, _on_time, _corrected, _owed)  # in the order they are issued
    issued = 0
    for plan, step in zip(chosen, steps, strict=False):
        try:
            issued += ws.run(step, rng, plan, end)
        except ServiceError:
            continue  # an estimate the checker refuses is left out, as a person would fix it
    return DemoEstimates(issued)


def _usual(session: Session, plan: Plan, scheduled: date, first: date) -> EstimateInput:
    """The practice's usual estimate, listing the service the client is seen for at their
    fee (the unit's catalog default may differ; an estimate of another service would
    read as a change of scope as soon as the first session is billed)."""
    usual = default_estimate(session, plan.unit_id, scheduled, first)
    count = usual.items[0].count if usual.items else 1
    return replace(usual, items=(ExpectedService(plan.code, count, plan.fee),))


def _on_time(session: Session, rng: random.Random, plan: Plan, end: date) -> int:
    """Scheduled a few weeks ahead and given the same day: nothing to do."""
    scheduled = end - timedelta(days=rng.randint(50, 70))
    data = _usual(session, plan, scheduled, scheduled + timedelta(days=14))
    issue.issue_estimate(session, data, issued_on=scheduled)
    return 1


def _late(session: Session, rng: random.Random, plan: Plan, end: date) -> int:
    """Given a few days after its deadline (the client's first session was two weeks out)."""
    scheduled = end - timedelta(days=rng.randint(80, 100))
    data = _usual(session, plan, scheduled, scheduled + timedelta(days=14))
    due = issue.due_by(session, data)
    assert due is not None  # two weeks ahead always sets a deadline
    issue.issue_estimate(session, data, issued_on=due + timedelta(days=rng.randint(2, 5)))
    return 1


def _disputed(session: Session, rng: random.Random, plan: Plan, end: date) -> int:
    """An estimate of a few sessions for a client seen every week since: billed far over."""
    scheduled = end - timedelta(days=LOOK_BACK - 5)
    first = scheduled + timedelta(days=14)
    usual = _usual(session, plan, scheduled, first)
    fee = usual.items[0].fee or ZERO
    billed = _billed(session, plan.unit_id, first, end)
    if fee <= 0 or billed - fee < DISPUTE_THRESHOLD:
        return 0  # too little billed since to be over by $400; leave this one out
    # As many sessions as still leave the billing $400 over, and at most a handful.
    count = min(int((billed - DISPUTE_THRESHOLD) // fee), rng.randint(2, 4))
    data = replace(usual, items=(ExpectedService(usual.items[0].code, count, fee),))
    issue.issue_estimate(session, data, issued_on=scheduled + timedelta(days=1))
    return 1


def _corrected(session: Session, rng: random.Random, plan: Plan, end: date) -> int:
    """Given on time, then corrected when the first session moved and more were expected."""
    scheduled = end - timedelta(days=rng.randint(30, 40))
    data = _usual(session, plan, scheduled, scheduled + timedelta(days=14))
    first = issue.issue_estimate(session, data, issued_on=scheduled)
    moved = end - timedelta(days=rng.randint(3, 8))
    usual = data.items[0]
    corrected = replace(
        data,
        scheduled_on=moved,
        first_service=moved + timedelta(days=7),
        items=(replace(usual, count=usual.count + 6),),
    )
    issue.correct_estimate(session, first.estimate_id, corrected, issued_on=moved)
    return 2


def _owed(session: Session, rng: random.Random, plan: Plan, end: date) -> int:
    """Sessions scheduled yesterday, three weeks out: the estimate is due, not yet given."""
    scheduled = end - timedelta(days=1)
    first = end + timedelta(days=rng.randint(15, 25))
    owed.note_owed(session, plan.unit_id, scheduled, first, noted_on=scheduled)
    return 0  # noted, not issued


def _billed(session: Session, unit_id: int, first: date, last: date) -> Decimal:
    """The unit's charges, not voided, from ``first`` through ``last`` (as the meter counts)."""
    total = session.scalar(
        select(func.sum(Charge.amount)).where(
            Charge.unit_id == unit_id,
            Charge.void_txn_id.is_(None),
            Charge.service_date.between(first, last),
        )
    )
    return total if isinstance(total, Decimal) else ZERO
