"""Claims: starting them, the transitions and their fields, deadlines, the queue, payer history."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, BillingUnit, Client, Document, DocumentLine, LedgerTxn, Payer
from desktop.domain.appeals import AppealLevel as L
from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.audit import log as audit
from desktop.services.claims import tracking as claims
from desktop.services.claims import updates
from desktop.services.claims.estimates import EstimateInput, client_estimate, save_estimate
from desktop.services.claims.insights import payer_insights
from desktop.services.claims.queue import FollowUp, follow_up_queue, queue_count
from desktop.services.claims.rules import ClaimChange
from desktop.services.errors import InvalidInput, NotAllowed
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit

S = ClaimStatus
TODAY = date(2026, 6, 30)


def payer(session: Session, name: str, filing: int = 365, usual: int = 30) -> int:
    row = Payer(name=name, timely_filing_days=filing, usual_days_to_pay=usual)
    session.add(row)
    session.flush()
    return row.id


def superbill(
    session: Session,
    ref: str,
    payer_id: int | None,
    days: list[date],
    *,
    fee: str = "200.00",
    issued_on: date | None = None,
) -> int:
    """An issued superbill written straight into the books (no PDF rendering needed)."""
    if session.execute(select(Client).where(Client.client_ref == ref)).first() is None:
        add_unit(session, ref, f"Client {ref}")
    client = session.execute(select(Client).where(Client.client_ref == ref)).scalar_one()
    client.billing = "superbill"
    client.payer_id = payer_id
    unit = session.execute(select(BillingUnit).where(BillingUnit.ref == ref)).scalar_one()
    pdf = f"superbill {ref} {days}".encode()
    total = D(fee) * len(days)
    document = Document(
        kind="superbill",
        number=f"SB-2026-{len(session.scalars(select(Document.id)).all()) + 1:04d}",
        version=1,
        unit_id=unit.id,
        client_id=client.id,
        period_from=min(days),
        period_to=max(days),
        issued_on=issued_on or max(days),
        total_charged=total,
        total_paid=total,
        balance=D("0.00"),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    session.add(document)
    session.flush()
    for number, day in enumerate(sorted(days), start=1):
        session.add(
            DocumentLine(
                document_id=document.id,
                line_no=number,
                service_date=day,
                place_of_service="11",
                code="90837",
                fee=D(fee),
                paid=D(fee),
            )
        )
    session.flush()
    return document.id


def one_claim(session: Session, filing: int = 365, usual: int = 30) -> int:
    aetna = payer(session, "Aetna", filing, usual)
    doc = superbill(session, "C1", aetna, [date(2026, 5, 4), date(2026, 5, 11)])
    return claims.start_claims(session, doc, today=date(2026, 5, 12))[0].id


def move(
    session: Session, claim_id: int, to: S, on: date | None, **fields: object
) -> claims.ClaimRow:
    change = ClaimChange(to_status=to, on=on, **fields)  # type: ignore[arg-type]
    return updates.change_status(session, claim_id, change, today=TODAY)


# --- starting claims --------------------------------------------------------------------


def test_a_claim_covers_the_whole_superbill_or_each_line(workspace: Workspace) -> None:
    def setup(session: Session) -> tuple[list[claims.ClaimRow], list[claims.ClaimRow]]:
        aetna = payer(session, "Aetna")
        whole = superbill(session, "C1", aetna, [date(2026, 5, 4), date(2026, 5, 11)])
        split = superbill(session, "C2", aetna, [date(2026, 5, 5), date(2026, 5, 12)], fee="150.00")
        return (
            claims.start_claims(session, whole, today=TODAY),
            claims.start_claims(session, split, per_line=True, today=TODAY),
        )

    whole, split = workspace.run(setup)
    assert [(c.billed, c.first_service_date, c.last_service_date, c.line_no) for c in whole] == [
        (D("400.00"), date(2026, 5, 4), date(2026, 5, 11), None)
    ]
    assert [(c.billed, c.first_service_date, c.line_no) for c in split] == [
        (D("150.00"), date(2026, 5, 5), 1),
        (D("150.00"), date(2026, 5, 12), 2),
    ]
    assert all(c.status is S.NOT_SUBMITTED and c.payer == "Aetna" for c in whole + split)
    detail = workspace.read(claims.get_claim, split[1].id, TODAY)
    assert [(line.service_date, line.fee) for line in detail.lines] == [
        (date(2026, 5, 12), D("150.00"))
    ]
    assert [(e.from_status, e.to_status) for e in detail.events] == [(None, S.NOT_SUBMITTED)]


def test_a_superbill_gets_one_claim_and_needs_an_insurer(workspace: Workspace) -> None:
    def setup(session: Session) -> tuple[int, int]:
        aetna = payer(session, "Aetna")
        return (
            superbill(session, "C1", aetna, [date(2026, 5, 4)]),
            superbill(session, "C2", None, [date(2026, 5, 4)]),
        )

    insured, uninsured = workspace.run(setup)
    untracked = workspace.read(claims.untracked_superbills)
    assert [(u.document_id, u.payer) for u in untracked] == [(insured, "Aetna"), (uninsured, None)]
    made = workspace.run(claims.start_missing_claims, TODAY)
    assert [c.document_id for c in made] == [insured]
    with pytest.raises(NotAllowed, match="already has a claim"):
        workspace.run(claims.start_claims, insured, today=TODAY)
    with pytest.raises(InvalidInput, match="no insurer recorded"):
        workspace.run(claims.start_claims, uninsured, today=TODAY)
    assert [u.document_id for u in workspace.read(claims.untracked_superbills)] == [uninsured]


def test_a_claim_starts_when_the_superbill_service_issues_a_superbill(
    workspace: Workspace,
) -> None:
    from tests.services.documents.test_superbill_service import february, issue

    unit = workspace.run(february)
    issued = issue(workspace, unit)
    made = workspace.read(claims.list_claims, today=TODAY)
    assert [(c.superbill, c.billed, c.payer, c.status) for c in made] == [
        (issued.number, D("340.00"), "Aetna", S.NOT_SUBMITTED)
    ]
    assert made[0].first_service_date == date(2026, 2, 2)
    assert workspace.run(claims.start_missing_claims, TODAY) == []


# --- transitions ------------------------------------------------------------------------


def test_a_claim_is_followed_from_submission_to_payment(workspace: Workspace) -> None:
    def story(session: Session) -> int:
        claim_id = one_claim(session)
        move(session, claim_id, S.SUBMITTED, date(2026, 5, 15), claim_number="EX-77")
        move(session, claim_id, S.IN_PROCESS, date(2026, 5, 25))
        move(
            session,
            claim_id,
            S.PAID,
            date(2026, 6, 10),
            allowed=D("300.00"),
            reimbursed=D("210.00"),
            note="EOB received by mail",
        )
        move(session, claim_id, S.CLOSED, date(2026, 6, 11))
        return claim_id

    claim_id = workspace.run(story)
    detail = workspace.read(claims.get_claim, claim_id, TODAY)
    row = detail.claim
    assert row.status is S.CLOSED
    assert (row.submitted_on, row.claim_number) == (date(2026, 5, 15), "EX-77")
    assert (row.allowed, row.reimbursed, row.eob_date, row.paid_on) == (
        D("300.00"),
        D("210.00"),
        date(2026, 6, 10),
        date(2026, 6, 10),
    )
    assert [(e.event_date, e.from_status, e.to_status) for e in detail.events] == [
        (date(2026, 5, 11), None, S.NOT_SUBMITTED),
        (date(2026, 5, 15), S.NOT_SUBMITTED, S.SUBMITTED),
        (date(2026, 5, 25), S.SUBMITTED, S.IN_PROCESS),
        (date(2026, 6, 10), S.IN_PROCESS, S.PAID),
        (date(2026, 6, 11), S.PAID, S.CLOSED),
    ]
    assert detail.events[3].note == "EOB received by mail"
    # Every step is audited; nothing reaches the ledger.
    entries = workspace.read(
        lambda s: [
            e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "claim"))
        ]
    )
    assert entries == ["create", "status", "status", "status", "status"]
    assert workspace.read(lambda s: s.scalars(select(LedgerTxn)).all()) == []
    assert workspace.read(audit.verify_chain).intact


def test_denied_then_appealed_then_partly_paid(workspace: Workspace) -> None:
    def story(session: Session) -> claims.ClaimRow:
        claim_id = one_claim(session)
        move(session, claim_id, S.SUBMITTED, date(2026, 5, 15))
        denied = move(
            session,
            claim_id,
            S.DENIED,
            date(2026, 5, 30),
            denial_reason=DenialReason.MISSING_INFORMATION,
            denial_note="No NPI on line 2",
        )
        assert denied.appeal_deadline == date(2026, 5, 30) + timedelta(days=180)
        move(session, claim_id, S.APPEALED, date(2026, 6, 2))
        return move(session, claim_id, S.PARTLY_PAID, date(2026, 6, 20), reimbursed=D("90.00"))

    row = workspace.run(story)
    assert row.status is S.PARTLY_PAID
    assert row.denial_reason is DenialReason.MISSING_INFORMATION
    assert row.appeal_date == date(2026, 6, 2)
    assert row.next_statuses == (S.APPEALED, S.CLOSED)


def test_the_appeal_chain_each_step_with_its_own_deadline(workspace: Workspace) -> None:
    """Denial, first-level appeal, second level (the plan has one), external review."""
    why = {"denial_reason": DenialReason.NOT_MEDICALLY_NECESSARY}

    def story(session: Session) -> list[claims.ClaimRow]:
        claim_id = one_claim(session)
        move(session, claim_id, S.SUBMITTED, date(2026, 5, 15))
        steps = [move(session, claim_id, S.DENIED, date(2026, 5, 30), **why)]
        steps.append(move(session, claim_id, S.APPEALED, date(2026, 6, 2)))
        # The first-level appeal is denied; the letter offers a second level.
        steps.append(move(session, claim_id, S.DENIED, date(2026, 6, 10), second_level=True, **why))
        steps.append(move(session, claim_id, S.APPEALED, date(2026, 6, 12)))
        steps.append(move(session, claim_id, S.DENIED, date(2026, 6, 20), **why))
        steps.append(move(session, claim_id, S.APPEALED, date(2026, 6, 22)))
        steps.append(move(session, claim_id, S.DENIED, date(2026, 6, 28), **why))
        return steps

    steps = workspace.run(story)
    assert [(r.step, r.next_step, r.appeal_deadline) for r in steps] == [
        # 180 days from the denial notice (29 CFR 2560.503-1(h)(3)(i)).
        ("Denied", L.FIRST, date(2026, 11, 26)),
        ("First-level appeal sent", None, date(2026, 11, 26)),
        # Not a fresh 180 days: the second level's own clock, the plan's 60 days.
        ("First-level appeal denied", L.SECOND, date(2026, 8, 9)),
        ("Second-level appeal sent", None, date(2026, 8, 9)),
        # The final internal denial: four months to ask for external review.
        ("Second-level appeal denied", L.EXTERNAL, date(2026, 10, 20)),
        ("External review requested", None, date(2026, 10, 20)),
        # The external review's decision ends the chain.
        ("External review upheld the denial", None, None),
    ]
    last = steps[-1]
    assert last.next_statuses == (S.CLOSED,)
    with pytest.raises(NotAllowed, match="no further appeal"):
        workspace.run(move, last.id, S.APPEALED, date(2026, 6, 29))
    queue = workspace.read(follow_up_queue, TODAY)
    item = next(i for i in queue if i.claim_id == last.id)
    assert item.kind is FollowUp.DENIED
    assert "no appeal is left: close the claim" in item.text


def test_a_denied_first_appeal_without_a_second_level_goes_to_external_review(
    workspace: Workspace,
) -> None:
    why = {"denial_reason": DenialReason.OTHER, "denial_note": "Not covered"}

    def story(session: Session) -> claims.ClaimRow:
        claim_id = one_claim(session)
        move(session, claim_id, S.SUBMITTED, date(2026, 5, 15))
        move(session, claim_id, S.DENIED, date(2026, 5, 20), **why)
        move(session, claim_id, S.APPEALED, date(2026, 5, 25))
        # Oct 30 has no Feb 30: external review is due by the first day of the fifth month.
        return move(session, claim_id, S.DENIED, date(2026, 6, 1), **why)

    row = workspace.run(story)
    assert (row.step, row.next_step) == ("First-level appeal denied", L.EXTERNAL)
    assert row.appeal_deadline == date(2026, 10, 1)
    queue = workspace.read(follow_up_queue, date(2026, 9, 20))
    item = next(i for i in queue if i.claim_id == row.id)
    assert "the deadline for the external review is" in item.text


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        (
            (),
            S.PAID,
            "not submitted cannot become paid; from not submitted it can become submitted, closed",
        ),
        ((), S.APPEALED, "not submitted cannot become appealed"),
        ((S.SUBMITTED,), S.NOT_SUBMITTED, "submitted cannot become not submitted"),
        ((S.SUBMITTED, S.IN_PROCESS), S.SUBMITTED, "in process cannot become submitted"),
        (
            (S.SUBMITTED, S.PAID),
            S.DENIED,
            "paid cannot become denied; from paid it can become closed",
        ),
        ((S.SUBMITTED, S.DENIED), S.PAID, "denied cannot become paid"),
        ((S.CLOSED,), S.SUBMITTED, "This claim is closed; nothing more can happen to it."),
    ],
)
def test_invalid_transitions_are_refused_with_a_sentence(
    workspace: Workspace, path: tuple[S, ...], target: S, message: str
) -> None:
    fields = {
        S.SUBMITTED: {},
        S.IN_PROCESS: {},
        S.PAID: {"reimbursed": D("100.00")},
        S.DENIED: {"denial_reason": DenialReason.NO_AUTHORIZATION},
        S.CLOSED: {},
    }

    def walk(session: Session) -> int:
        claim_id = one_claim(session)
        for step, status in enumerate(path):
            move(session, claim_id, status, date(2026, 5, 15 + step), **fields[status])
        return claim_id

    claim_id = workspace.run(walk)
    with pytest.raises(NotAllowed) as refused:
        workspace.run(move, claim_id, target, date(2026, 6, 1), reimbursed=D("1.00"))
    assert message in str(refused.value)
    assert workspace.read(claims.get_claim, claim_id).claim.status is (
        path[-1] if path else S.NOT_SUBMITTED
    )


@pytest.mark.parametrize(
    ("path", "target", "fields", "field", "message"),
    [
        ((), S.SUBMITTED, {"on": None}, "on", "Enter the date the claim was submitted."),
        ((), S.SUBMITTED, {"on": date(2026, 7, 1)}, "on", "cannot be in the future"),
        ((), S.SUBMITTED, {"on": date(2026, 5, 1)}, "on", "before the date of service"),
        ((S.SUBMITTED,), S.PAID, {}, "reimbursed", "Enter the amount reimbursed"),
        (
            (S.SUBMITTED,),
            S.PAID,
            {"reimbursed": D("50.00"), "on": None},
            "on",
            "Enter the EOB date.",
        ),
        (
            (S.SUBMITTED,),
            S.PAID,
            {"reimbursed": D("500.00")},
            "reimbursed",
            "more than the 400.00 billed",
        ),
        (
            (S.SUBMITTED,),
            S.PARTLY_PAID,
            {"reimbursed": D("150.00"), "allowed": D("120.00")},
            "reimbursed",
            "more than the allowed amount",
        ),
        ((S.SUBMITTED,), S.DENIED, {}, "denial_reason", "Choose the reason"),
        (
            (S.SUBMITTED,),
            S.DENIED,
            {"denial_reason": DenialReason.OTHER},
            "denial_note",
            "why the claim was denied",
        ),
        (
            (S.SUBMITTED,),
            S.IN_PROCESS,
            {"on": date(2026, 5, 12)},
            "on",
            "before the claim's last step",
        ),
    ],
)
def test_each_status_needs_its_fields(
    workspace: Workspace,
    path: tuple[S, ...],
    target: S,
    fields: dict[str, object],
    field: str,
    message: str,
) -> None:
    def walk(session: Session) -> int:
        claim_id = one_claim(session)
        for status in path:
            move(session, claim_id, status, date(2026, 5, 15))
        return claim_id

    claim_id = workspace.run(walk)
    on = fields.pop("on", date(2026, 6, 1))
    with pytest.raises(InvalidInput) as refused:
        workspace.run(move, claim_id, target, on, **fields)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert message in str(refused.value)


def test_edit_and_snooze(workspace: Workspace) -> None:
    claim_id = workspace.run(one_claim)
    row = workspace.run(updates.edit_claim, claim_id, claim_number=" A-1 ", notes="Called 6/1")
    assert (row.claim_number, row.notes) == ("A-1", "Called 6/1")
    with pytest.raises(InvalidInput, match="after today"):
        workspace.run(updates.snooze_claim, claim_id, TODAY, today=TODAY)
    snoozed = workspace.run(updates.snooze_claim, claim_id, date(2026, 7, 7), today=TODAY)
    assert snoozed.snoozed_until == date(2026, 7, 7)
    # Any new step shows the claim again.
    moved = workspace.run(move, claim_id, S.SUBMITTED, date(2026, 6, 1))
    assert moved.snoozed_until is None


# --- deadlines and the queue ------------------------------------------------------------


def test_filing_deadline_is_the_first_date_of_service_plus_the_payers_limit(
    workspace: Workspace,
) -> None:
    claim_id = workspace.run(one_claim, 90)
    row = workspace.read(claims.get_claim, claim_id, TODAY).claim
    assert row.filing_deadline == date(2026, 5, 4) + timedelta(days=90) == date(2026, 8, 2)
    assert row.filing_days_left == 33
    submitted = workspace.run(move, claim_id, S.SUBMITTED, date(2026, 6, 1))
    assert submitted.filing_days_left is None


def test_the_queue_puts_the_most_urgent_first_and_skips_snoozed_claims(
    workspace: Workspace,
) -> None:
    def setup(session: Session) -> dict[str, int]:
        cigna = payer(session, "Cigna", filing=90, usual=35)
        aetna = payer(session, "Aetna", filing=365, usual=20)
        ids: dict[str, int] = {}

        def start(name: str, payer_id: int, day: date, issued: date) -> int:
            doc = superbill(session, name, payer_id, [day], issued_on=issued)
            ids[name] = claims.start_claims(session, doc, today=issued)[0].id
            return ids[name]

        # Cigna, served Apr 15: its 90-day limit ends Jul 14, 14 days away.
        start("NEAR", cigna, date(2026, 4, 15), date(2026, 6, 25))
        # Aetna, issued Jun 1 and never submitted: 14 days later (Jun 15) it needs a nudge.
        start("IDLE", aetna, date(2026, 5, 20), date(2026, 6, 1))
        # Aetna, issued yesterday: nothing to do yet.
        start("NEW", aetna, date(2026, 6, 22), date(2026, 6, 29))
        # Aetna, submitted May 1: it usually pays in 20 days, so it was due May 21.
        slow = start("SLOW", aetna, date(2026, 4, 20), date(2026, 4, 30))
        move(session, slow, S.SUBMITTED, date(2026, 5, 1))
        # Denied on Jan 20 with an appeal deadline of Jul 5.
        denied = start("APPEAL", aetna, date(2026, 1, 5), date(2026, 1, 6))
        move(session, denied, S.SUBMITTED, date(2026, 1, 7))
        move(
            session,
            denied,
            S.DENIED,
            date(2026, 1, 20),
            denial_reason=DenialReason.NOT_MEDICALLY_NECESSARY,
            appeal_deadline=date(2026, 7, 5),
        )
        # Paid: never in the queue.
        paid = start("PAID", aetna, date(2026, 4, 1), date(2026, 4, 2))
        move(session, paid, S.SUBMITTED, date(2026, 4, 3))
        move(session, paid, S.PAID, date(2026, 4, 20), reimbursed=D("100.00"))
        # Snoozed until after today: hidden.
        hidden = start("HIDDEN", aetna, date(2026, 3, 1), date(2026, 3, 2))
        updates.snooze_claim(session, hidden, date(2026, 7, 10), today=TODAY)
        # A superbill with no claim, issued Jun 10: no claim after 14 days (Jun 24).
        superbill(session, "LOOSE", aetna, [date(2026, 6, 8)], issued_on=date(2026, 6, 10))
        return ids

    ids = workspace.run(setup)
    queue = workspace.read(follow_up_queue, TODAY)
    assert [(item.kind, item.client, item.due, item.days) for item in queue] == [
        (FollowUp.SLOW_PAYER, "Client SLOW", date(2026, 5, 21), -40),
        (FollowUp.NOT_SUBMITTED, "Client IDLE", date(2026, 6, 15), -15),
        (FollowUp.NO_CLAIM, "Client LOOSE", date(2026, 6, 24), -6),
        (FollowUp.APPEAL_DEADLINE, "Client APPEAL", date(2026, 7, 5), 5),
        (FollowUp.FILING_DEADLINE, "Client NEAR", date(2026, 7, 14), 14),
    ]
    assert queue[0].claim_id == ids["SLOW"]
    assert "Aetna usually answers in 20 days" in queue[0].text
    assert "filing deadline is in 14 days (07/14/2026)" in queue[-1].text
    assert queue[2].claim_id is None
    assert workspace.read(queue_count, TODAY) == 5
    # The snooze ends: the claim comes back (its filing limit is close by then).
    later = workspace.read(follow_up_queue, date(2026, 7, 10))
    assert any(item.claim_id == ids["HIDDEN"] for item in later)


# --- payer statistics -------------------------------------------------------------------


def test_payer_statistics_worked_by_hand(workspace: Workspace) -> None:
    def setup(session: Session) -> None:
        aetna = payer(session, "Aetna")
        cigna = payer(session, "Cigna")
        plan = [
            # payer, billed, submitted, outcome
            (aetna, "200.00", date(2026, 2, 1), ("paid", "140.00", date(2026, 2, 21))),
            (aetna, "200.00", date(2026, 2, 8), ("paid", "100.00", date(2026, 3, 5))),
            (aetna, "100.00", date(2026, 2, 15), ("denied", DenialReason.TIMELY_FILING)),
            (
                aetna,
                "100.00",
                date(2026, 3, 1),
                ("denied-appealed-paid", "60.00", date(2026, 4, 30)),
            ),
            (aetna, "300.00", date(2026, 3, 1), None),  # still waiting: not decided
            (cigna, "150.00", date(2026, 2, 1), ("denied", DenialReason.NO_AUTHORIZATION)),
        ]
        for index, (payer_id, fee, submitted, outcome) in enumerate(plan):
            doc = superbill(session, f"P{index}", payer_id, [date(2026, 1, 20)], fee=fee)
            claim_id = claims.start_claims(session, doc, today=date(2026, 1, 21))[0].id
            move(session, claim_id, S.SUBMITTED, submitted)
            if outcome is None:
                continue
            if outcome[0] == "paid":
                move(session, claim_id, S.PAID, outcome[2], reimbursed=D(outcome[1]))
            elif outcome[0] == "denied":
                move(
                    session,
                    claim_id,
                    S.DENIED,
                    submitted + timedelta(days=10),
                    denial_reason=outcome[1],
                )
            else:
                move(
                    session,
                    claim_id,
                    S.DENIED,
                    date(2026, 3, 20),
                    denial_reason=DenialReason.TIMELY_FILING,
                )
                move(session, claim_id, S.APPEALED, date(2026, 3, 25))
                move(session, claim_id, S.PAID, outcome[2], reimbursed=D(outcome[1]))

    workspace.run(setup)
    aetna, cigna = workspace.read(payer_insights)
    assert (aetna.payer, aetna.claims, aetna.decided, aetna.open_claims) == ("Aetna", 5, 4, 5)
    # Decided: billed 200 + 200 + 100 + 100 = 600; reimbursed 140 + 100 + 0 + 60 = 300.
    assert (aetna.billed, aetna.reimbursed, aetna.share_reimbursed) == (
        D("600.00"),
        D("300.00"),
        D("0.5000"),
    )
    # Days from submission to payment: 20, 25, 60 -> median 25.
    assert aetna.median_days_to_pay == 25
    # Ever denied: 2 of 4 decided.
    assert aetna.denial_rate == D("0.5000")
    assert aetna.denial_reasons == ((DenialReason.TIMELY_FILING, 2),)
    assert (cigna.claims, cigna.share_reimbursed, cigna.denial_rate) == (
        1,
        D("0.0000"),
        D("1.0000"),
    )
    assert cigna.median_days_to_pay is None
    assert cigna.reasons_text == "No authorization (1)"


def test_a_payer_with_no_claims_has_no_figures(workspace: Workspace) -> None:
    payer_id = workspace.run(payer, "Oscar")
    assert workspace.read(payer_insights) == []
    (only,) = workspace.read(payer_insights, payer_id)
    assert (only.claims, only.share_reimbursed, only.median_days_to_pay, only.denial_rate) == (
        0,
        None,
        None,
        None,
    )


# --- the estimator, saved with the client -----------------------------------------------


def test_the_estimate_is_saved_with_the_client(workspace: Workspace) -> None:
    def setup(session: Session) -> int:
        add_unit(session, "E1", "Erin Example", fee="200.00")
        return session.execute(select(Client.id).where(Client.client_ref == "E1")).scalar_one()

    client_id = workspace.run(setup)
    empty = workspace.read(client_estimate, client_id)
    assert (empty.fee, empty.estimate) == (D("200.00"), None)
    saved = workspace.run(save_estimate, client_id, EstimateInput(D("120.00"), D("500.00"), 3000))
    assert saved.estimate is not None
    assert (saved.estimate.reimbursement, saved.estimate.net_cost) == (D("0.00"), D("200.00"))
    met = workspace.run(save_estimate, client_id, EstimateInput(D("120.00"), D("0.00"), 3000))
    assert met.estimate is not None
    assert (met.estimate.reimbursement, met.estimate.net_cost) == (D("84.00"), D("116.00"))
    assert workspace.read(client_estimate, client_id).saved == EstimateInput(
        D("120.00"), D("0.00"), 3000
    )
    with pytest.raises(InvalidInput, match="Coinsurance is between"):
        workspace.run(save_estimate, client_id, EstimateInput(None, None, 12000))


def test_the_lines_of_one_superbill_are_one_queue_item(workspace: Workspace) -> None:
    def setup(session: Session) -> None:
        united = payer(session, "UnitedHealthcare")
        days = [date(2026, 5, 4), date(2026, 5, 11)]
        doc = superbill(session, "U1", united, days, issued_on=date(2026, 6, 1))
        claims.start_claims(session, doc, per_line=True, today=date(2026, 6, 1))

    workspace.run(setup)
    (item,) = workspace.read(follow_up_queue, TODAY)
    assert (item.kind, item.superbill) == (FollowUp.NOT_SUBMITTED, "SB-2026-0001")
