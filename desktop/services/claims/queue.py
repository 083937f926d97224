"""The follow-up queue: what needs doing about claims today, most urgent first.

An item is due on a date (a deadline, or the day a wait became too long); the
earlier that date, the more urgent the item. A snoozed claim stays out of the
queue until its snooze date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Payer, Practice
from desktop.domain.dates import us_date
from desktop.domain.kinds import ClaimStatus
from desktop.services.claims.rules import FILING_WARNING_DAYS
from desktop.services.claims.tracking import (
    ClaimRow,
    UntrackedSuperbill,
    list_claims,
    untracked_superbills,
)

S = ClaimStatus


class FollowUp(StrEnum):
    FILING_DEADLINE = "filing_deadline"
    APPEAL_DEADLINE = "appeal_deadline"
    NOT_SUBMITTED = "not_submitted"
    NO_CLAIM = "no_claim"
    SLOW_PAYER = "slow_payer"
    DENIED = "denied"

    @property
    def label(self) -> str:
        return {
            "filing_deadline": "Filing deadline",
            "appeal_deadline": "Appeal deadline",
            "not_submitted": "Not submitted",
            "no_claim": "No claim yet",
            "slow_payer": "Waiting too long",
            "denied": "Denied",
        }[self.value]


# When two items fall due on the same day, the one that loses money first goes first.
_RANK = {kind: rank for rank, kind in enumerate(FollowUp)}


@dataclass(frozen=True)
class QueueItem:
    kind: FollowUp
    due: date  # the deadline, or the day the wait became too long
    days: int  # days left until ``due`` (negative: overdue by that many)
    claim_id: int | None  # None for a superbill no claim follows yet
    document_id: int
    superbill: str
    client: str
    payer: str
    text: str  # one sentence: what is wrong and what to do


def _days(n: int) -> str:
    return f"{n} day{'' if abs(n) == 1 else 's'}"


def _when(due: date, today: date) -> str:
    left = (due - today).days
    if left > 0:
        return f"in {_days(left)} ({us_date(due)})"
    if left == 0:
        return f"today ({us_date(due)})"
    return f"{_days(-left)} ago ({us_date(due)})"


def _item(kind: FollowUp, due: date, claim: ClaimRow, today: date, text: str) -> QueueItem:
    return QueueItem(
        kind,
        due,
        (due - today).days,
        claim.id,
        claim.document_id,
        claim.superbill if claim.line_no is None else f"{claim.superbill} line {claim.line_no}",
        claim.client,
        claim.payer,
        text,
    )


def _claim_item(
    claim: ClaimRow, today: date, unsubmitted_days: int, usual_days: dict[int, int]
) -> QueueItem | None:
    """The one thing to do about a claim now, or None."""
    if claim.snoozed_until is not None and claim.snoozed_until > today:
        return None
    if claim.status is S.NOT_SUBMITTED:
        deadline = claim.filing_deadline
        if (deadline - today).days <= FILING_WARNING_DAYS:
            verb = "passed" if deadline < today else "is"
            text = (
                f"{claim.payer}'s filing deadline {verb} {_when(deadline, today)}; "
                "submit the superbill now."
            )
            return _item(FollowUp.FILING_DEADLINE, deadline, claim, today, text)
        due = claim.issued_on + timedelta(days=unsubmitted_days)
        if due <= today:
            text = (
                f"Issued {_days((today - claim.issued_on).days)} ago and not yet submitted; "
                "ask the client whether it was sent."
            )
            return _item(FollowUp.NOT_SUBMITTED, due, claim, today, text)
        return None
    if claim.status in (S.SUBMITTED, S.IN_PROCESS, S.APPEALED):
        usual = usual_days.get(claim.payer_id, 30)
        since = claim.appeal_date if claim.status is S.APPEALED else claim.submitted_on
        if since is None:
            return None
        due = since + timedelta(days=usual)
        if due > today:
            return None
        what = claim.step if claim.status is S.APPEALED else "Submitted"
        text = (
            f"{what} {_days((today - since).days)} ago; {claim.payer} usually answers in "
            f"{_days(usual)}. Call about claim {claim.claim_number or 'status'}."
        )
        return _item(FollowUp.SLOW_PAYER, due, claim, today, text)
    if claim.status is S.DENIED:
        return _denied(claim, today)
    return None


def _denied(claim: ClaimRow, today: date) -> QueueItem | None:
    """A denial: the next step of the appeal chain and its deadline, or closing it."""
    deadline, step = claim.appeal_deadline, claim.next_step
    reason = claim.denial_reason.label.lower() if claim.denial_reason else "no reason"
    if step is None:
        text = f"{claim.step} ({reason}); no appeal is left: close the claim."
        return _item(FollowUp.DENIED, claim.eob_date or today, claim, today, text)
    if deadline is not None and (deadline - today).days <= FILING_WARNING_DAYS:
        text = (
            f"{claim.step} ({reason}); the deadline for the {step.label.lower()} is "
            f"{_when(deadline, today)}."
        )
        return _item(FollowUp.APPEAL_DEADLINE, deadline, claim, today, text)
    if deadline is None:
        due = claim.eob_date or today
        text = (
            f"{claim.step} with no deadline recorded for the {step.label.lower()}; "
            "send it or close the claim."
        )
        return _item(FollowUp.DENIED, due, claim, today, text)
    return None


def follow_up_queue(session: Session, today: date | None = None) -> list[QueueItem]:
    """Everything that needs action today, most urgent (earliest due) first."""
    day = today or date.today()
    return queue_of(session, day, list_claims(session, today=day), untracked_superbills(session))


def queue_of(
    session: Session,
    day: date,
    claims: Sequence[ClaimRow],
    untracked: Sequence[UntrackedSuperbill],
) -> list[QueueItem]:
    """The follow-up queue on ``day`` from every claim and untracked superbill, already
    read (the Claims page lists them too)."""
    practice = session.get(Practice, 1)
    unsubmitted_days = practice.superbill_unsubmitted_days if practice else 14
    usual_days = {
        row.id: row.usual_days_to_pay
        for row in session.execute(select(Payer.id, Payer.usual_days_to_pay))
    }
    items = [
        item
        for claim in claims
        if claim.status is not S.CLOSED
        and (item := _claim_item(claim, day, unsubmitted_days, usual_days)) is not None
    ]
    for found in untracked:
        due = found.issued_on + timedelta(days=unsubmitted_days)
        if due <= day:
            advice = "start its claim" if found.payer else "add the client's insurer"
            items.append(
                QueueItem(
                    FollowUp.NO_CLAIM,
                    due,
                    (due - day).days,
                    None,
                    found.document_id,
                    found.superbill,
                    found.client,
                    found.payer or "",
                    f"Issued {_days((day - found.issued_on).days)} ago with no claim; {advice}.",
                )
            )
    items.sort(key=lambda i: (i.due, _RANK[i.kind], i.client.casefold(), i.superbill))
    return _one_per_superbill(items)


def _one_per_superbill(items: list[QueueItem]) -> list[QueueItem]:
    """Claims for the lines of one superbill that need the same thing are one item."""
    counts = Counter((i.kind, i.document_id, i.due) for i in items)
    kept: list[QueueItem] = []
    for item in items:
        key = (item.kind, item.document_id, item.due)
        if counts[key] == 0:
            continue  # already kept once
        if counts[key] > 1:
            item = replace(item, superbill=item.superbill.split(" line ")[0])
        counts[key] = 0
        kept.append(item)
    return kept


def queue_count(session: Session, today: date | None = None) -> int:
    """How many items need action today: the number beside Claims in the navigation."""
    return len(follow_up_queue(session, today))
