"""What each payer has really done with the practice's claims, to tell a new client.

A claim counts as decided once the insurer answered it: paid, partly paid or
denied at least once (its history says so). The share reimbursed is what was
paid back over what was billed on decided claims, so claims still waiting do
not make a payer look worse than it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Claim, ClaimEvent, Payer
from desktop.domain.kinds import ClaimStatus, DenialReason

S = ClaimStatus
_ANSWERED = (S.PAID.value, S.PARTLY_PAID.value, S.DENIED.value)
_RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PayerInsight:
    payer_id: int
    payer: str
    claims: int
    open_claims: int  # not yet closed
    decided: int  # answered at least once: paid, partly paid or denied
    billed: Decimal  # on decided claims
    reimbursed: Decimal  # on decided claims
    share_reimbursed: Decimal | None  # reimbursed / billed, a fraction; None when none decided
    median_days_to_pay: int | None  # submission to payment, over paid claims
    denial_rate: Decimal | None  # claims ever denied / decided, a fraction
    denial_reasons: tuple[tuple[DenialReason, int], ...]  # most common first
    usual_days_to_pay: int  # the payer's own setting, for comparison
    timely_filing_days: int

    @property
    def reasons_text(self) -> str:
        return ", ".join(f"{reason.label} ({count})" for reason, count in self.denial_reasons)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATIO, rounding=ROUND_HALF_UP)


def _whole(value: float | int) -> int:
    """Half-up, as people round days (a median of 20 and 25 days is 23)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payer_insights(session: Session, payer_id: int | None = None) -> list[PayerInsight]:
    """One row per payer that has claims (or the one asked for), by name."""
    payers = select(Payer).order_by(Payer.name)
    if payer_id is not None:
        payers = payers.where(Payer.id == payer_id)
    claims: dict[int, list[Claim]] = defaultdict(list)
    for claim in session.scalars(select(Claim).order_by(Claim.id)):
        claims[claim.payer_id].append(claim)
    answers: dict[int, set[str]] = defaultdict(set)
    query = select(ClaimEvent.claim_id, ClaimEvent.to_status).where(
        ClaimEvent.to_status.in_(_ANSWERED)
    )
    for claim_id, status in session.execute(query):
        answers[claim_id].add(status)
    result = []
    for payer in session.scalars(payers):
        found = claims.get(payer.id, [])
        if not found and payer_id is None:
            continue
        result.append(_insight(payer, found, answers))
    return result


def _insight(payer: Payer, found: list[Claim], answers: dict[int, set[str]]) -> PayerInsight:
    decided = [c for c in found if answers.get(c.id)]
    denied = [c for c in decided if S.DENIED.value in answers[c.id]]
    billed = sum((c.billed for c in decided), ZERO)
    reimbursed = sum((c.reimbursed or ZERO for c in decided), ZERO)
    waits = [
        (c.paid_on - c.submitted_on).days
        for c in decided
        if c.paid_on is not None and c.submitted_on is not None and c.reimbursed
    ]
    reasons = Counter(DenialReason(c.denial_reason) for c in denied if c.denial_reason)
    return PayerInsight(
        payer_id=payer.id,
        payer=payer.name,
        claims=len(found),
        open_claims=sum(1 for c in found if c.status != S.CLOSED.value),
        decided=len(decided),
        billed=billed,
        reimbursed=reimbursed,
        share_reimbursed=_ratio(reimbursed, billed),
        median_days_to_pay=_whole(median(waits)) if waits else None,
        denial_rate=_ratio(len(denied), len(decided)),
        denial_reasons=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0].value))),
        usual_days_to_pay=payer.usual_days_to_pay,
        timely_filing_days=payer.timely_filing_days,
    )
