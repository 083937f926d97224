"""What the Claims page shows, in one read: the follow-up queue, every claim, what each
payer has done, how many superbills could start a claim, and the claim chosen.

The queue is worked out from the same claims the list shows, so each is read once;
the statements it all takes are fixed however many claims the books hold
(tests/test_read_scaling.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.services.claims import tracking
from desktop.services.claims.insights import PayerInsight, payer_insights
from desktop.services.claims.queue import QueueItem, queue_of
from desktop.services.claims.tracking import ClaimDetail, ClaimRow
from desktop.services.errors import NotFound


@dataclass(frozen=True)
class ClaimsPageView:
    queue: tuple[QueueItem, ...]  # most urgent first
    claims: tuple[ClaimRow, ...]  # every claim, most recent service first
    insights: tuple[PayerInsight, ...]  # payers with claims, by name
    startable: int  # issued superbills with no claim whose client has an insurer
    chosen: ClaimDetail | None  # the claim asked for, with its history and lines


def claims_page_view(session: Session, today: date, claim_id: int | None = None) -> ClaimsPageView:
    """The Claims page on ``today``, with claim ``claim_id`` opened (None: none is, or it is
    no longer in the file)."""
    claims = tracking.list_claims(session, today=today)
    untracked = tracking.untracked_superbills(session)
    chosen = None
    if claim_id is not None:
        try:
            chosen = tracking.get_claim(session, claim_id, today)
        except NotFound:
            chosen = None
    return ClaimsPageView(
        queue=tuple(queue_of(session, today, claims, untracked)),
        claims=tuple(claims),
        insights=tuple(payer_insights(session)),
        startable=sum(1 for u in untracked if u.payer is not None),
        chosen=chosen,
    )
