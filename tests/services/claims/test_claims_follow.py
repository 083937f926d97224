"""Claims that follow superbills: started on issue, carried over to a correction, split by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Client
from desktop.domain.kinds import ClaimStatus
from desktop.services.audit import log as audit
from desktop.services.books import sessions
from desktop.services.claims import follow as claims_follow
from desktop.services.claims import tracking as claims
from desktop.services.documents import superbills
from desktop.services.errors import NotAllowed
from desktop.services.workspace import Workspace
from tests.services.claims.test_claims import move
from tests.services.documents.test_superbill_service import (
    FEB_1,
    FEB_28,
    ISSUED,
    superbill_client,
    visit,
)

S = ClaimStatus
CORRECTED = date(2026, 4, 2)


def three_visits(session: Session) -> tuple[int, list[int]]:
    """A superbill client with Aetna and three 150.00 sessions in February."""
    unit = superbill_client(session)
    ids = [
        sessions.record_session(session, visit(unit, day)).id
        for day in (date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16))
    ]
    return unit, ids


def issue(session: Session, unit: int) -> int:
    return superbills.issue_superbill(
        session, unit, FEB_1, FEB_28, acknowledge=True, issued_on=ISSUED
    ).id


def correct(session: Session, document_id: int) -> int:
    return superbills.correct_superbill(
        session, document_id, acknowledge=True, issued_on=CORRECTED
    ).id


def all_claims(ws: Workspace) -> list[claims.ClaimRow]:
    return sorted(ws.read(claims.list_claims, today=CORRECTED), key=lambda c: c.id)


def test_issuing_a_superbill_starts_its_claim(workspace: Workspace) -> None:
    unit, _ = workspace.run(three_visits)
    document = workspace.run(issue, unit)
    [claim] = all_claims(workspace)
    assert (claim.document_id, claim.status, claim.payer, claim.line_no) == (
        document,
        S.NOT_SUBMITTED,
        "Aetna",
        None,
    )
    assert (claim.billed, claim.first_service_date, claim.last_service_date) == (
        D("450.00"),
        date(2026, 2, 2),
        date(2026, 2, 16),
    )
    assert claim.created_on == ISSUED  # the follow-up queue counts from the issue date
    assert workspace.read(claims.untracked_superbills) == []
    with pytest.raises(NotAllowed, match="already has a claim"):
        workspace.run(claims.start_claims, document)


def test_a_client_without_an_insurer_gets_no_claim_until_one_is_added(
    workspace: Workspace,
) -> None:
    def uninsured(session: Session) -> int:
        unit, _ = three_visits(session)
        session.execute(select(Client)).scalar_one().payer_id = None
        return unit

    unit = workspace.run(uninsured)
    document = workspace.run(issue, unit)
    assert all_claims(workspace) == []
    assert [u.document_id for u in workspace.read(claims.untracked_superbills)] == [document]


def test_a_correction_moves_the_open_claim_rather_than_starting_another(
    workspace: Workspace,
) -> None:
    unit, visits = workspace.run(three_visits)
    first = workspace.run(issue, unit)
    [claim] = all_claims(workspace)
    workspace.run(move, claim.id, S.SUBMITTED, date(2026, 3, 12), claim_number="AE-77")
    workspace.run(sessions.void_session, visits[1], "Entered on the wrong client")
    second = workspace.run(correct, first)

    [moved] = all_claims(workspace)
    assert moved.id == claim.id
    assert (moved.document_id, moved.superbill, moved.status, moved.claim_number) == (
        second,
        "SB-2026-0001 v2",
        S.SUBMITTED,
        "AE-77",
    )
    assert (moved.billed, moved.submitted_on) == (D("300.00"), date(2026, 3, 12))
    assert moved.issued_on == CORRECTED
    detail = workspace.read(claims.get_claim, claim.id, CORRECTED)
    last = detail.events[-1]
    assert (last.from_status, last.to_status, last.event_date, last.is_step) == (
        S.SUBMITTED,
        S.SUBMITTED,
        CORRECTED,
        False,
    )
    assert last.note == (
        "Corrected superbill SB-2026-0001 v2 replaces SB-2026-0001; "
        "billed $450.00 → $300.00; send the corrected superbill to Aetna"
    )
    assert [line.service_date for line in detail.lines] == [date(2026, 2, 2), date(2026, 2, 16)]
    assert workspace.read(claims.untracked_superbills) == []
    # The EOB may predate the correction: only changes of status order the story.
    paid = workspace.run(
        move, claim.id, S.PAID, date(2026, 3, 30), allowed=D("200.00"), reimbursed=D("160.00")
    )
    assert paid.status is S.PAID
    actions = workspace.read(
        lambda s: s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "claim").order_by(AuditEntry.id)
        ).all()
    )
    assert actions == ["create", "status", "move", "status"]
    assert workspace.read(audit.verify_chain).intact


def test_a_closed_claim_stays_with_the_version_it_was_closed_on(workspace: Workspace) -> None:
    unit, visits = workspace.run(three_visits)
    first = workspace.run(issue, unit)
    [claim] = all_claims(workspace)
    workspace.run(move, claim.id, S.CLOSED, date(2026, 3, 15), note="Client will not claim")
    workspace.run(sessions.void_session, visits[0], "Entered twice")
    workspace.run(correct, first)
    [kept] = all_claims(workspace)
    assert (kept.id, kept.document_id, kept.billed, kept.status) == (
        claim.id,
        first,
        D("450.00"),
        S.CLOSED,
    )
    assert workspace.read(claims.untracked_superbills) == []


def test_claims_by_line_follow_their_sessions_through_a_correction(workspace: Workspace) -> None:
    unit, visits = workspace.run(three_visits)
    first = workspace.run(issue, unit)
    [whole] = all_claims(workspace)
    split = workspace.run(claims_follow.split_by_line, whole.id)
    assert [(c.id == whole.id, c.line_no, c.billed) for c in split] == [
        (True, 1, D("150.00")),
        (False, 2, D("150.00")),
        (False, 3, D("150.00")),
    ]
    line1, line2, line3 = (c.id for c in split)
    workspace.run(move, line3, S.SUBMITTED, date(2026, 3, 12))
    # The second session goes, a fourth comes: lines renumber on the corrected version.
    workspace.run(sessions.void_session, visits[1], "Entered on the wrong client")
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 23)))
    second = workspace.run(correct, first)

    rows = {c.id: c for c in all_claims(workspace)}
    assert len(rows) == 4
    assert (rows[line1].document_id, rows[line1].line_no) == (second, 1)
    assert (rows[line2].document_id, rows[line2].status) == (first, S.CLOSED)
    assert (rows[line3].document_id, rows[line3].line_no, rows[line3].status) == (
        second,
        2,
        S.SUBMITTED,
    )
    [added] = [c for c in rows.values() if c.id not in (line1, line2, line3)]
    assert (added.document_id, added.line_no, added.first_service_date, added.status) == (
        second,
        3,
        date(2026, 2, 23),
        S.NOT_SUBMITTED,
    )
    listed = workspace.read(claims.claims_for_document, first, CORRECTED)
    assert sorted(c.id for c in listed) == sorted(rows)


def test_only_a_whole_unsubmitted_claim_of_several_lines_splits(workspace: Workspace) -> None:
    unit, _ = workspace.run(three_visits)
    workspace.run(issue, unit)
    [claim] = all_claims(workspace)
    workspace.run(move, claim.id, S.SUBMITTED, date(2026, 3, 12))
    with pytest.raises(NotAllowed, match="already has it as one claim"):
        workspace.run(claims_follow.split_by_line, claim.id)
