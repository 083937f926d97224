"""Claims that follow superbills by themselves: started when one is issued, moved to its
corrected version, split by line when the payer pays lines separately.

Issuing a superbill for a client who has an insurer starts its claim at once, "not
submitted", with the client's payer and the superbill's lines, so nothing has to be
remembered and the follow-up queue counts the days from the issue date. A client with
no insurer recorded gets no claim; the Claims page offers to start one once the
insurer is added.

A correction (a new version that supersedes an old one) is the same bill, fixed. A
careful practice expects the claim to carry on, not a second claim for the same
services, so when a corrected superbill is issued:

- each open claim on the old version moves to the new one and keeps its status, claim
  number, dates, amounts and history; its dates of service and billed amount become
  the new version's, and its history says so. Once submitted, that note also says to
  send the corrected superbill to the insurer, since the insurer still has the old one.
- a closed claim stays on the version it was closed on: its story is finished, and
  what was billed then is what the insurer answered. The correction does not reopen
  it, nor start another claim beside it.
- a claim that follows one line moves with that line's charge (the session). If the
  corrected version no longer has that charge, the claim stays with the old version;
  if it was never submitted it is closed, else its history asks the therapist to tell
  the insurer. A line new in the corrected version gets its own claim.
- an old version no claim followed (its client had no insurer then) is handled as a
  new superbill: its claim starts now if the client has an insurer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Claim, ClaimEvent, Client, Document, DocumentLine, Payer
from desktop.domain.kinds import ClaimStatus, DocumentKind
from desktop.domain.money import format_money
from desktop.services.audit import log as audit
from desktop.services.claims.rules import ClaimChange
from desktop.services.claims.tracking import (
    ClaimRow,
    get_claim,
    label,
    new_claim,
)
from desktop.services.claims.updates import change_status
from desktop.services.errors import NotAllowed, NotFound

S = ClaimStatus
ZERO = Decimal("0.00")


def follow_superbill(session: Session, document_id: int) -> list[ClaimRow]:
    """Start or move the claims of a superbill just issued (see the module's rules);
    returns the claims that now follow it."""
    document = session.get(Document, document_id)
    if document is None or document.kind != DocumentKind.SUPERBILL.value:
        raise NotFound("That superbill is not in this practice file.")
    follow(session, document)
    return [
        get_claim(session, claim.id, document.issued_on).claim
        for claim in session.scalars(
            select(Claim).where(Claim.document_id == document.id).order_by(Claim.id)
        )
    ]


def follow(session: Session, document: Document) -> None:
    """``follow_superbill`` without reading the claims back, for issuing that does not
    show them (a month's batch)."""
    old = session.get(Document, document.supersedes_id) if document.supersedes_id else None
    # A first version is the only document of its number yet, so no claim is on it.
    first = old is None and document.version == 1
    earlier = [] if first else _claims_of_number(session, document.number)
    if old is not None and earlier:
        _carry_over(session, old, document)
    elif not earlier:
        client = session.get(Client, document.client_id)
        if client is None or client.payer_id is None or not document.lines:
            return
        # start_claims' one claim for the whole superbill, without its checks (a number
        # with no claim, a client with an insurer, lines to claim: all just seen) and
        # without reading the claim back.
        lines = list(document.lines)
        new_claim(session, document, client.payer_id, lines, False, document.issued_on)


def _claims_of_number(session: Session, number: str) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim)
            .join(Document, Document.id == Claim.document_id)
            .where(Document.number == number)
            .order_by(Claim.id)
        )
    )


def _carry_over(session: Session, old: Document, new: Document) -> None:
    claims = list(session.scalars(select(Claim).where(Claim.document_id == old.id)))
    if not new.lines:
        return
    by_charge = {line.charge_id: line for line in new.lines}
    old_lines = {line.line_no: line for line in old.lines}
    covered: set[int | None] = set()
    for claim in claims:
        if claim.line_no is None:
            if claim.status != S.CLOSED.value:
                _move(session, claim, old, new, list(new.lines))
            continue
        charge = old_lines[claim.line_no].charge_id
        covered.add(charge)
        if claim.status == S.CLOSED.value:
            continue
        if charge in by_charge:
            _move(session, claim, old, new, [by_charge[charge]])
        else:
            _line_dropped(session, claim, new)
    if any(claim.line_no is not None for claim in claims):
        payer_id = claims[0].payer_id
        for line in new.lines:
            if line.charge_id not in covered:
                new_claim(session, new, payer_id, [line], True, new.issued_on)


def _move(
    session: Session, claim: Claim, old: Document, new: Document, lines: list[DocumentLine]
) -> None:
    before = {"document": label(old), "line_no": claim.line_no, "billed": claim.billed}
    billed = sum((line.fee for line in lines), ZERO)
    note = f"Corrected superbill {label(new)} replaces {label(old)}"
    if billed != claim.billed:
        note += f"; billed {format_money(claim.billed)} → {format_money(billed)}"
    if claim.status != S.NOT_SUBMITTED.value:
        payer = session.get(Payer, claim.payer_id)
        note += f"; send the corrected superbill to {payer.name if payer else 'the insurer'}"
    claim.document_id = new.id
    claim.line_no = lines[0].line_no if claim.line_no is not None else None
    claim.first_service_date = min(line.service_date for line in lines)
    claim.last_service_date = max(line.service_date for line in lines)
    claim.billed = billed
    _note(session, claim, new.issued_on, note)
    audit.record(
        session,
        "move",
        "claim",
        claim.id,
        before=before,
        after={"document": label(new), "line_no": claim.line_no, "billed": billed},
        unit_id=new.unit_id,
    )


def _line_dropped(session: Session, claim: Claim, new: Document) -> None:
    note = f"This service is not on the corrected superbill {label(new)}"
    if claim.status == S.NOT_SUBMITTED.value:
        change = ClaimChange(to_status=S.CLOSED, on=new.issued_on, note=note)
        change_status(session, claim.id, change, today=max(new.issued_on, date.today()))
        return
    _note(session, claim, new.issued_on, f"{note}; tell the insurer")


def _note(session: Session, claim: Claim, on: date, note: str) -> None:
    """A line in the claim's history that is not a change of status."""
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            event_date=on,
            from_status=claim.status,
            to_status=claim.status,
            note=note,
        )
    )
    session.flush()
    session.refresh(claim, ["events"])


def split_by_line(session: Session, claim_id: int) -> list[ClaimRow]:
    """Follow each line of a superbill as its own claim, for a payer that pays lines
    separately; only before the claim is submitted, while nothing has been sent as one."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound("That claim is not in this practice file.")
    document = session.get(Document, claim.document_id)
    assert document is not None
    if claim.line_no is not None:
        raise NotAllowed("This claim already follows a single line.")
    if claim.status != S.NOT_SUBMITTED.value:
        raise NotAllowed(
            "Only a claim not yet submitted can be split by line: the insurer already "
            "has it as one claim."
        )
    lines = list(document.lines)
    if len(lines) < 2:
        raise NotAllowed(f"{label(document)} has a single line; there is nothing to split.")
    before = {"line_no": None, "billed": claim.billed}
    first = lines[0]
    claim.line_no = first.line_no
    claim.first_service_date = claim.last_service_date = first.service_date
    claim.billed = first.fee
    _note(session, claim, document.issued_on, f"Now follows line {first.line_no} only")
    audit.record(
        session,
        "split",
        "claim",
        claim.id,
        before=before,
        after={"line_no": claim.line_no, "billed": claim.billed},
        unit_id=document.unit_id,
    )
    made = [claim] + [
        new_claim(session, document, claim.payer_id, [line], True, claim.created_on)
        for line in lines[1:]
    ]
    return [get_claim(session, c.id).claim for c in made]
