"""Out-of-network claims: one per issued superbill (or per line), followed until closed.

Here a claim is started (as "not submitted", when a superbill is issued) and read
back: the rows the lists show, one claim with its history and lines, and the
superbills no claim follows yet. Moving a claim along (status, number, notes,
snooze) is in ``updates``. Reimbursements are paid to the client, so nothing in
the claims ever posts to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Claim, ClaimEvent, Client, Document, DocumentLine, Payer
from desktop.domain.appeals import AppealLevel, step_text
from desktop.domain.dates import us_date
from desktop.domain.kinds import ClaimStatus, DenialReason, DocumentKind
from desktop.services.audit import log as audit
from desktop.services.claims.rules import (
    NEXT,
    filing_deadline,
)
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

S = ClaimStatus


@dataclass(frozen=True)
class ClaimRow:
    id: int
    document_id: int
    superbill: str  # "SB-2026-0004", with " v2" for a corrected version
    line_no: int | None  # set when the claim follows one line of the superbill
    unit_id: int
    client_ref: str
    client: str
    payer_id: int
    payer: str
    first_service_date: date
    last_service_date: date
    issued_on: date
    billed: Decimal
    status: ClaimStatus
    submitted_on: date | None
    claim_number: str
    allowed: Decimal | None
    reimbursed: Decimal | None
    eob_date: date | None
    paid_on: date | None
    denial_reason: DenialReason | None
    denial_note: str
    appeal_date: date | None
    appeal_deadline: date | None
    notes: str
    snoozed_until: date | None
    created_on: date
    filing_deadline: date
    filing_days_left: int | None  # None once submitted: the limit no longer matters
    next_statuses: tuple[ClaimStatus, ...]
    appeal_level: AppealLevel = AppealLevel.NONE  # the step of the chain last taken
    next_appeal_level: AppealLevel | None = None  # the step a denial opened, if any

    @property
    def is_open(self) -> bool:
        return self.status is not S.CLOSED

    @property
    def step(self) -> str:
        """Where the claim stands in the appeal chain: "First-level appeal denied"."""
        return step_text(self.status, self.appeal_level)

    @property
    def next_step(self) -> AppealLevel | None:
        """The appeal open to the client now (a denial or an underpayment opened it)."""
        if self.status in (S.DENIED, S.PARTLY_PAID):
            return self.next_appeal_level
        return None


@dataclass(frozen=True)
class ClaimEventRow:
    id: int
    event_date: date
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    note: str
    recorded_at: datetime

    @property
    def is_step(self) -> bool:
        """False for a note in the history that did not change the status."""
        return self.from_status is not self.to_status


@dataclass(frozen=True)
class ClaimLine:
    service_date: date
    code: str
    fee: Decimal


@dataclass(frozen=True)
class ClaimDetail:
    claim: ClaimRow
    events: tuple[ClaimEventRow, ...]
    lines: tuple[ClaimLine, ...]


@dataclass(frozen=True)
class UntrackedSuperbill:
    """An issued superbill no claim follows yet."""

    document_id: int
    superbill: str
    unit_id: int
    client: str
    issued_on: date
    total: Decimal
    payer: str | None  # None: the client has no insurer recorded, so no claim can start


# --- reading --------------------------------------------------------------------------


def _today(today: date | None) -> date:
    return today or date.today()


def label(document: Document) -> str:
    """The superbill's number, with " v2" for a corrected version."""
    return document.number if document.version == 1 else f"{document.number} v{document.version}"


def _rows_query() -> Any:
    return (
        select(Claim, Document, Client, Payer, BillingUnit.ref)
        .join(Document, Document.id == Claim.document_id)
        .join(Client, Client.id == Document.client_id)
        .join(Payer, Payer.id == Claim.payer_id)
        .join(BillingUnit, BillingUnit.id == Document.unit_id)
    )


def _row(
    claim: Claim, document: Document, client: Client, payer: Payer, ref: str, today: date
) -> ClaimRow:
    status = ClaimStatus(claim.status)
    deadline = filing_deadline(claim.first_service_date, payer.timely_filing_days)
    unsubmitted = status is S.NOT_SUBMITTED
    return ClaimRow(
        id=claim.id,
        document_id=document.id,
        superbill=label(document),
        line_no=claim.line_no,
        unit_id=document.unit_id,
        client_ref=ref,
        client=client.legal_name,
        payer_id=payer.id,
        payer=payer.name,
        first_service_date=claim.first_service_date,
        last_service_date=claim.last_service_date,
        issued_on=document.issued_on,
        billed=claim.billed,
        status=status,
        submitted_on=claim.submitted_on,
        claim_number=claim.claim_number,
        allowed=claim.allowed,
        reimbursed=claim.reimbursed,
        eob_date=claim.eob_date,
        paid_on=claim.paid_on,
        denial_reason=DenialReason(claim.denial_reason) if claim.denial_reason else None,
        denial_note=claim.denial_note,
        appeal_date=claim.appeal_date,
        appeal_deadline=claim.appeal_deadline,
        notes=claim.notes,
        snoozed_until=claim.snoozed_until,
        created_on=claim.created_on,
        filing_deadline=deadline,
        filing_days_left=(deadline - today).days if unsubmitted else None,
        next_statuses=_next_statuses(status, claim.next_appeal_level),
        appeal_level=AppealLevel(claim.appeal_level),
        next_appeal_level=(
            AppealLevel(claim.next_appeal_level) if claim.next_appeal_level is not None else None
        ),
    )


def _next_statuses(status: ClaimStatus, next_level: int | None) -> tuple[ClaimStatus, ...]:
    """The statuses the claim may move to; no appeal once an external review has decided."""
    allowed = NEXT[status]
    if status in (S.DENIED, S.PARTLY_PAID) and next_level is None:
        return tuple(s for s in allowed if s is not S.APPEALED)
    return allowed


def list_claims(
    session: Session,
    *,
    status: ClaimStatus | None = None,
    payer_id: int | None = None,
    unit_id: int | None = None,
    today: date | None = None,
) -> list[ClaimRow]:
    """Claims, most recent service first, optionally of one status, payer or client."""
    query = _rows_query().order_by(
        Claim.first_service_date.desc(), Document.number.desc(), Claim.line_no
    )
    if status is not None:
        query = query.where(Claim.status == status.value)
    if payer_id is not None:
        query = query.where(Claim.payer_id == payer_id)
    if unit_id is not None:
        query = query.where(Document.unit_id == unit_id)
    day = _today(today)
    return [_row(*found, day) for found in session.execute(query)]


def claims_for_document(
    session: Session, document_id: int, today: date | None = None
) -> list[ClaimRow]:
    """The claims following a superbill, on this or any other version of its number,
    by line."""
    number = select(Document.number).where(Document.id == document_id).scalar_subquery()
    query = _rows_query().where(Document.number == number).order_by(Claim.line_no, Claim.id)
    day = _today(today)
    return [_row(*found, day) for found in session.execute(query)]


def get_claim(session: Session, claim_id: int, today: date | None = None) -> ClaimDetail:
    """One claim with its history, oldest step first, and the lines it covers."""
    found = session.execute(_rows_query().where(Claim.id == claim_id)).first()
    if found is None:
        raise NotFound("That claim is not in this practice file.")
    claim, document = found[0], found[1]
    events = tuple(
        ClaimEventRow(
            id=e.id,
            event_date=e.event_date,
            from_status=ClaimStatus(e.from_status) if e.from_status else None,
            to_status=ClaimStatus(e.to_status),
            note=e.note,
            recorded_at=e.recorded_at,
        )
        for e in claim.events
    )
    lines = tuple(
        ClaimLine(line.service_date, line.code, line.fee)
        for line in document.lines
        if claim.line_no is None or line.line_no == claim.line_no
    )
    return ClaimDetail(_row(*found, _today(today)), events, lines)


def untracked_superbills(session: Session) -> list[UntrackedSuperbill]:
    """Current superbills that no claim follows, on any version of their number, oldest first."""
    newer = aliased(Document)
    tracked = select(Document.number).join(Claim, Claim.document_id == Document.id)
    query = (
        select(Document, BillingUnit.name, Payer.name)
        .join(BillingUnit, BillingUnit.id == Document.unit_id)
        .join(Client, Client.id == Document.client_id)
        .outerjoin(Payer, Payer.id == Client.payer_id)
        .outerjoin(newer, newer.supersedes_id == Document.id)
        .where(
            Document.kind == DocumentKind.SUPERBILL.value,
            newer.id.is_(None),
            Document.number.not_in(tracked),
        )
        .order_by(Document.issued_on, Document.number)
    )
    return [
        UntrackedSuperbill(
            doc.id, label(doc), doc.unit_id, name, doc.issued_on, doc.total_charged, payer
        )
        for doc, name, payer in session.execute(query)
    ]


# --- starting claims ------------------------------------------------------------------


def start_claims(
    session: Session, document_id: int, *, per_line: bool = False, today: date | None = None
) -> list[ClaimRow]:
    """Start following an issued superbill: one claim, or one per line when the payer
    pays lines separately."""
    document = session.get(Document, document_id)
    if document is None or document.kind != DocumentKind.SUPERBILL.value:
        raise NotFound("That superbill is not in this practice file.")
    existing = session.execute(
        select(Claim.id)
        .join(Document, Document.id == Claim.document_id)
        .where(Document.number == document.number)
        .limit(1)
    ).first()
    if existing is not None:
        raise NotAllowed(f"{document.number} already has a claim.")
    client = session.get(Client, document.client_id)
    assert client is not None
    if client.payer_id is None:
        raise InvalidInput(
            f"{client.legal_name} has no insurer recorded; add one on the client's page first.",
            field="payer_id",
        )
    if not document.lines:
        raise NotAllowed(f"{document.number} has no service lines to claim.")
    day = _today(today)
    groups = [[line] for line in document.lines] if per_line else [list(document.lines)]
    made = [new_claim(session, document, client.payer_id, lines, per_line, day) for lines in groups]
    return [get_claim(session, claim.id, day).claim for claim in made]


def new_claim(
    session: Session,
    document: Document,
    payer_id: int,
    lines: list[DocumentLine],
    per_line: bool,
    today: date,
) -> Claim:
    claim = Claim(
        document_id=document.id,
        line_no=lines[0].line_no if per_line else None,
        payer_id=payer_id,
        first_service_date=min(line.service_date for line in lines),
        last_service_date=max(line.service_date for line in lines),
        billed=sum((line.fee for line in lines), Decimal("0.00")),
        status=S.NOT_SUBMITTED.value,
        created_on=today,
    )
    session.add(claim)
    session.flush()
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            event_date=document.issued_on,
            from_status=None,
            to_status=S.NOT_SUBMITTED.value,
            note=f"Superbill {label(document)} issued {us_date(document.issued_on)}",
        )
    )
    session.flush()
    audit.record(
        session,
        "create",
        "claim",
        claim.id,
        after={
            "document": label(document),
            "line_no": claim.line_no,
            "payer_id": payer_id,
            "billed": claim.billed,
        },
        unit_id=document.unit_id,
    )
    return claim


def start_missing_claims(session: Session, today: date | None = None) -> list[ClaimRow]:
    """A claim for every issued superbill that has none and whose client has an insurer."""
    made: list[ClaimRow] = []
    for found in untracked_superbills(session):
        if found.payer is not None:
            made.extend(start_claims(session, found.document_id, today=today))
    return made
