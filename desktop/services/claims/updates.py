"""Changing a claim once it is followed: a step to its next status, a corrected claim
number or notes, a snooze from the follow-up queue.

A status moves only along the paths in ``rules.NEXT``, and only with the fields
its new status needs (``rules.change_problems``); each step is a ``ClaimEvent``,
and every change an audit entry, so a claim's whole story can be read back.
Reading claims and starting them is in ``tracking``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Claim, ClaimEvent, Document
from desktop.domain.appeals import AppealLevel, deadline_for, next_after_denial
from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.audit import log as audit
from desktop.services.claims.rules import (
    ClaimChange,
    appeal_problem,
    change_problems,
    transition_problem,
)
from desktop.services.claims.tracking import ClaimEventRow, ClaimRow, get_claim
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

S = ClaimStatus
_AUDITED = (
    "status",
    "submitted_on",
    "claim_number",
    "allowed",
    "reimbursed",
    "eob_date",
    "paid_on",
    "denial_reason",
    "denial_note",
    "appeal_date",
    "appeal_deadline",
    "appeal_level",
    "next_appeal_level",
    "notes",
    "snoozed_until",
)


def _claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound("That claim is not in this practice file.")
    return claim


def _snapshot(claim: Claim) -> dict[str, Any]:
    return audit.snapshot(claim, _AUDITED)


def _audit(session: Session, action: str, claim: Claim, before: dict[str, Any]) -> None:
    """An audit entry for a change to a claim: its audited fields before and after."""
    audit.record(
        session,
        action,
        "claim",
        claim.id,
        before=before,
        after=_snapshot(claim),
        unit_id=_unit_of(session, claim),
    )


def _unit_of(session: Session, claim: Claim) -> int:
    return session.execute(
        select(Document.unit_id).where(Document.id == claim.document_id)
    ).scalar_one()


def last_step(events: Sequence[ClaimEvent | ClaimEventRow]) -> date | None:
    """The date of the claim's last change of status; notes (such as a correction of its
    superbill) do not count, so an EOB dated before a correction can still be recorded."""
    steps = [e.event_date for e in events if e.from_status != e.to_status]
    return steps[-1] if steps else None


def change_status(
    session: Session, claim_id: int, change: ClaimChange, *, today: date | None = None
) -> ClaimRow:
    """Move a claim to its next status; refuses a move the rules do not allow, or one
    missing a field its new status needs."""
    claim = _claim(session, claim_id)
    current = ClaimStatus(claim.status)
    target = ClaimStatus(change.to_status)
    problem = transition_problem(current, target)
    if problem is None and target is S.APPEALED:
        problem = appeal_problem(_level(claim.next_appeal_level))
    if problem:
        raise NotAllowed(problem)
    day = today or date.today()
    last = last_step(claim.events)
    problems = change_problems(
        change,
        billed=claim.billed,
        first_service=claim.first_service_date,
        last_event=last,
        today=day,
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)
    on = change.on
    assert on is not None
    before = _snapshot(claim)
    _apply(claim, target, change, on)
    claim.status = target.value
    claim.snoozed_until = None  # a new step is news: show it again
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            event_date=on,
            from_status=current.value,
            to_status=target.value,
            note=change.note.strip(),
        )
    )
    session.flush()
    session.refresh(claim, ["events"])
    _audit(session, "status", claim, before)
    return get_claim(session, claim.id, day).claim


def _apply(claim: Claim, target: ClaimStatus, change: ClaimChange, on: date) -> None:
    if change.claim_number is not None:
        claim.claim_number = change.claim_number.strip()
    if target is S.SUBMITTED:
        claim.submitted_on = on
    elif target in (S.PAID, S.PARTLY_PAID):
        claim.eob_date = on
        claim.reimbursed = change.reimbursed
        claim.paid_on = change.paid_on or on
        if change.allowed is not None:
            claim.allowed = change.allowed
        if target is S.PARTLY_PAID:  # an underpayment may be appealed like a denial
            _open_next_step(claim, change)
    elif target is S.DENIED:
        assert change.denial_reason is not None
        claim.eob_date = on
        claim.denial_reason = DenialReason(change.denial_reason).value
        claim.denial_note = change.denial_note.strip()
        step = _open_next_step(claim, change)
        # The next step's own clock, from this notice: a denied appeal never restarts
        # the clock of its level.
        claim.appeal_deadline = (change.appeal_deadline or deadline_for(step, on)) if step else None
    elif target is S.APPEALED:
        claim.appeal_level = int(_level(claim.next_appeal_level) or AppealLevel.FIRST)
        claim.next_appeal_level = None
        claim.appeal_date = on


def _level(value: int | None) -> AppealLevel | None:
    return AppealLevel(value) if value is not None else None


def _open_next_step(claim: Claim, change: ClaimChange) -> AppealLevel | None:
    """Record the step this adverse decision opens (``domain.appeals``), and return it."""
    step = next_after_denial(AppealLevel(claim.appeal_level), change.second_level)
    claim.next_appeal_level = int(step) if step is not None else None
    return step


def edit_claim(session: Session, claim_id: int, *, claim_number: str, notes: str) -> ClaimRow:
    """Correct the claim number or the notes; the status changes only through change_status."""
    if len(claim_number.strip()) > 40:
        raise InvalidInput("Keep the claim number to 40 characters.", field="claim_number")
    claim = _claim(session, claim_id)
    before = _snapshot(claim)
    claim.claim_number = claim_number.strip()
    claim.notes = notes.strip()
    session.flush()
    _audit(session, "update", claim, before)
    return get_claim(session, claim.id).claim


def snooze_claim(
    session: Session, claim_id: int, until: date | None, *, today: date | None = None
) -> ClaimRow:
    """Hide a claim from the follow-up queue until ``until``; None shows it again now."""
    day = today or date.today()
    if until is not None and until <= day:
        raise InvalidInput("Snooze until a day after today.", field="until")
    claim = _claim(session, claim_id)
    if claim.status == S.CLOSED.value:
        raise NotAllowed(
            "A closed claim is never in the follow-up queue; there is nothing to snooze."
        )
    before = _snapshot(claim)
    claim.snoozed_until = until
    session.flush()
    _audit(session, "snooze", claim, before)
    return get_claim(session, claim.id, day).claim
