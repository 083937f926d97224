"""Superbills: built from the books, checked before issuing, issued once, corrected by version.

A superbill covers a billing unit's identified patient over a date range. Its
lines are the charges of attended, not voided sessions whose service may go on
a superbill; late-cancel and no-show fees and the practice's own non-billable
services never appear. The amount paid on a line is what was applied to that
charge on or before the issue date.

The monthly batch issues a superbill for every superbill client with lines in
the month. A client whose superbill has errors (or warnings, unless the batch
acknowledges them) is skipped and named with the reasons, rather than failing
everyone else's; a cancelled batch stores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import (
    Allocation,
    BillingUnit,
    Charge,
    Client,
    Diagnosis,
    Document,
    DocumentLine,
    LedgerTxn,
    Payer,
    Service,
)
from db.models import Session as SessionRecord
from desktop.domain.kinds import BillingPreference, DocumentKind, SessionStatus
from desktop.domain.money import ZERO
from desktop.domain.superbill_checks import (
    MAX_DIAGNOSES,
    DiagnosisInEffect,
    LineFacts,
    Problem,
    Severity,
    SuperbillFacts,
    check_superbill,
)
from desktop.reports.documents import Cancelled, render_batch, render_superbill
from desktop.reports.documents.rows import (
    DIAGNOSIS_LETTERS,
    MAX_POINTERS,
    DiagnosisItem,
    ServiceLine,
    SuperbillDoc,
)
from desktop.services import icd, ledger
from desktop.services.documents_blocks import (
    CheckFailed,
    Finding,
    client_block,
    finding,
    practice,
    provider_block,
)
from desktop.services.documents_store import (
    IssuedDocument,
    NewDocument,
    current_version,
    next_number,
    next_numbers,
    store,
)
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

Progress = Callable[[int, int], bool]
PREVIEW = "Preview"
Acknowledge = bool | Iterable[str]


@dataclass(frozen=True)
class _Line:
    charge: Charge
    record: SessionRecord
    service: Service
    paid: Decimal
    diagnoses: tuple[Diagnosis, ...]  # in effect on the date, primary first


@dataclass(frozen=True)
class _Draft:
    unit: BillingUnit
    patient: Client
    period_from: date
    period_to: date
    issued_on: date
    lines: tuple[_Line, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocks)


@dataclass(frozen=True)
class Skipped:
    """A client the batch left out, and why (one sentence per problem)."""

    unit_id: int
    unit_ref: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SuperbillBatch:
    """The outcome of a monthly batch: one PDF of every superbill issued, and who was skipped."""

    pdf: bytes | None  # None when nothing was issued or the batch was cancelled
    issued: tuple[IssuedDocument, ...]
    skipped: tuple[Skipped, ...]
    cancelled: bool = False


# --- checking -------------------------------------------------------------------------


def check(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    issued_on: date | None = None,
) -> tuple[Finding, ...]:
    """Every problem the superbill would have if issued now: errors block, warnings ask."""
    return _draft(session, _unit(session, unit_id), period_from, period_to, issued_on).findings


def preview_superbill(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    issued_on: date | None = None,
) -> bytes:
    """The superbill as it would print, numbered "Preview" and not kept; errors still refuse."""
    draft = _draft(session, _unit(session, unit_id), period_from, period_to, issued_on)
    if draft.errors:
        raise CheckFailed(f"The superbill for {draft.unit.name}", [f.shown for f in draft.errors])
    return render_superbill(_doc(session, draft, PREVIEW, 1))


# --- issuing --------------------------------------------------------------------------


def issue_superbill(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    acknowledge: Acknowledge = False,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue and keep a superbill; raises CheckFailed when errors or unacknowledged warnings.

    ``acknowledge`` is True for every warning, or the warning texts
    (``Finding.text``) the person has read and accepted.
    """
    draft = _draft(session, _unit(session, unit_id), period_from, period_to, issued_on)
    accepted = _accepted(draft, acknowledge)
    number = next_number(session, DocumentKind.SUPERBILL, draft.issued_on)
    return _store(session, draft, _doc(session, draft, number, 1), accepted)


def correct_superbill(
    session: Session,
    document_id: int,
    *,
    acknowledge: Acknowledge = False,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue a new version of a superbill from the books as they are now; the old one stays."""
    old = current_version(session, document_id)
    if old.kind != DocumentKind.SUPERBILL.value or old.period_from is None:
        raise InvalidInput("That document is not a superbill.")
    assert old.period_to is not None
    draft = _draft(
        session, _unit(session, old.unit_id), old.period_from, old.period_to, issued_on, old.id
    )
    accepted = _accepted(draft, acknowledge)
    doc = _doc(session, draft, old.number, old.version + 1, replaces=old)
    return _store(session, draft, doc, accepted, supersedes_id=old.id)


def units_with_lines(session: Session, period_from: date, period_to: date) -> list[int]:
    """Superbill clients (units) with at least one line in the period, by patient name."""
    rows = session.execute(
        _lines_query()
        .join(BillingUnit, BillingUnit.id == Charge.unit_id)
        .join(Client, Client.id == BillingUnit.identified_patient_id)
        .where(
            Charge.service_date.between(period_from, period_to),
            Client.billing == BillingPreference.SUPERBILL.value,
        )
        .with_only_columns(BillingUnit.id, Client.legal_last_name, Client.legal_first_name)
        .distinct()
        .order_by(Client.legal_last_name, Client.legal_first_name, BillingUnit.id)
    )
    return [row[0] for row in rows]


def issue_month(
    session: Session,
    year: int,
    month: int,
    *,
    acknowledge: bool = False,
    issued_on: date | None = None,
    progress: Progress | None = None,
) -> SuperbillBatch:
    """A superbill for every superbill client with lines in the month, in one PDF.

    Clients whose superbill has errors, or warnings when ``acknowledge`` is
    False, are skipped and listed with the reasons. ``progress(done, total)``
    answering False cancels; then nothing is stored.
    """
    if not 1 <= month <= 12:
        raise InvalidInput("The month is a number from 1 to 12.", field="month")
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    drafts: list[tuple[_Draft, tuple[str, ...]]] = []
    skipped: list[Skipped] = []
    for unit_id in units_with_lines(session, first, last):
        draft = _draft(session, _unit(session, unit_id), first, last, issued_on)
        blocking = draft.errors if acknowledge else draft.findings
        if blocking:
            reasons = tuple(f.shown for f in blocking)
            skipped.append(Skipped(unit_id, draft.unit.ref, draft.unit.name, reasons))
        else:
            drafts.append((draft, tuple(f.text for f in draft.warnings)))
    if not drafts:
        return SuperbillBatch(None, (), tuple(skipped))
    # Numbers are handed out in order; nothing is written until every PDF exists.
    numbers = next_numbers(session, DocumentKind.SUPERBILL, drafts[0][0].issued_on, len(drafts))
    docs = [_doc(session, d, n, 1) for (d, _), n in zip(drafts, numbers, strict=True)]
    total = 2 * len(docs)
    try:
        singles = []
        for index, doc in enumerate(docs):
            if progress is not None and progress(index, total) is False:
                raise Cancelled(f"Stopped after {index} of {len(docs)} superbills.")
            singles.append(render_superbill(doc))
        scaled = None if progress is None else lambda done, _: progress(len(docs) + done, total)
        combined = render_batch(docs, scaled)
    except Cancelled:
        return SuperbillBatch(None, (), tuple(skipped), cancelled=True)
    issued = tuple(
        _store(session, draft, doc, accepted, pdf=pdf)
        for (draft, accepted), doc, pdf in zip(drafts, docs, singles, strict=True)
    )
    return SuperbillBatch(combined, issued, tuple(skipped))


# --- building -------------------------------------------------------------------------


def _unit(session: Session, unit_id: int) -> BillingUnit:
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file.")
    return unit


def _lines_query() -> Select[tuple[Charge, SessionRecord, Service]]:
    """Charges that may print on a superbill: attended, not voided, superbill services."""
    return (
        select(Charge, SessionRecord, Service)
        .join(SessionRecord, SessionRecord.id == Charge.session_id)
        .join(Service, Service.id == Charge.service_id)
        .where(
            Charge.void_txn_id.is_(None),
            SessionRecord.voided_at.is_(None),
            SessionRecord.status == SessionStatus.ATTENDED.value,
            Service.superbill.is_(True),
        )
    )


def _draft(
    session: Session,
    unit: BillingUnit,
    period_from: date,
    period_to: date,
    issued_on: date | None,
    replacing_id: int | None = None,
) -> _Draft:
    if period_from > period_to:
        raise InvalidInput("The period ends before it starts.", field="period_to")
    patient = unit.identified_patient
    if patient.billing != BillingPreference.SUPERBILL.value:
        raise NotAllowed(
            f"{unit.name} pays privately and gets no superbill; change the client's billing "
            "to superbill first if they now claim reimbursement."
        )
    issued_on = issued_on or ledger.today()
    rows = session.execute(
        _lines_query()
        .where(Charge.unit_id == unit.id, Charge.service_date.between(period_from, period_to))
        .order_by(Charge.service_date, SessionRecord.start_time, SessionRecord.id, Charge.id)
    ).all()
    paid = _paid(session, [charge.id for charge, _, _ in rows], issued_on)
    diagnoses = list(session.scalars(select(Diagnosis).where(Diagnosis.client_id == patient.id)))
    lines = tuple(
        _Line(charge, record, service, paid.get(charge.id, ZERO), _in_effect(diagnoses, charge))
        for charge, record, service in rows
    )
    payer = session.get(Payer, patient.payer_id) if patient.payer_id else None
    p = practice(session)
    facts = SuperbillFacts(
        provider_npi=p.npi,
        tax_id_kind=p.tax_id_kind,
        tax_id=p.tax_id,
        license_number=p.license_number,
        client_legal_name=patient.legal_name,
        client_date_of_birth=patient.date_of_birth,
        member_id=patient.member_id,
        timely_filing_days=payer.timely_filing_days if payer else None,
        today=issued_on,
        lines=[_facts(n, line) for n, line in enumerate(lines, start=1)],
    )
    problems = check_superbill(facts) + _already_issued(session, lines, replacing_id)
    return _Draft(
        unit,
        patient,
        period_from,
        period_to,
        issued_on,
        lines,
        tuple(finding(problem) for problem in problems),
    )


def _paid(session: Session, charge_ids: Sequence[int], on: date) -> dict[int, Decimal]:
    """What was applied to each charge on or before ``on`` and is still in force."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if not charge_ids:
        return totals
    rows = session.execute(
        select(Allocation.charge_id, Allocation.amount)
        .join(LedgerTxn, LedgerTxn.id == Allocation.txn_id)
        .where(
            Allocation.charge_id.in_(charge_ids),
            Allocation.void_txn_id.is_(None),
            LedgerTxn.txn_date <= on,
        )
    )
    for charge_id, amount in rows:
        totals[charge_id] += amount
    return totals


def _in_effect(diagnoses: Sequence[Diagnosis], charge: Charge) -> tuple[Diagnosis, ...]:
    day = charge.service_date
    current = [
        d
        for d in diagnoses
        if d.effective_from <= day and (d.effective_to is None or d.effective_to >= day)
    ]
    return tuple(sorted(current, key=lambda d: (d.rank, d.id)))


def _facts(line_no: int, line: _Line) -> LineFacts:
    # Minutes belong to the session's own code; an add-on line has no time rule of its own.
    primary = line.charge.service_id == line.record.service_id
    return LineFacts(
        line_no=line_no,
        service_date=line.charge.service_date,
        code=line.service.code,
        minutes=line.record.minutes if primary else None,
        diagnoses=[DiagnosisInEffect(d.code, _billable(d.code)) for d in line.diagnoses],
        status=line.record.status,
    )


def _billable(code: str) -> bool:
    hit = icd.describe(code)
    return hit is not None and hit.billable


def _already_issued(
    session: Session, lines: Sequence[_Line], replacing_id: int | None
) -> list[Problem]:
    """A date of service already on a current superbill would be claimed twice."""
    by_charge = {line.charge.id: n for n, line in enumerate(lines, start=1)}
    if not by_charge:
        return []
    newer = select(Document.supersedes_id).where(Document.supersedes_id.is_not(None))
    query = (
        select(DocumentLine.charge_id, Document.number, Document.version)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            DocumentLine.charge_id.in_(list(by_charge)),
            Document.kind == DocumentKind.SUPERBILL.value,
            Document.id.not_in(newer),
        )
    )
    if replacing_id is not None:
        query = query.where(Document.id != replacing_id)
    problems = []
    for charge_id, number, version in session.execute(query):
        line_no = by_charge[charge_id]
        day = lines[line_no - 1].charge.service_date
        problems.append(
            Problem(
                Severity.ERROR,
                "lines",
                f"{day:%m/%d/%Y} is already on {number} version {version}; reprint that "
                "superbill, or issue a correction of it.",
                line_no,
            )
        )
    return problems


def _accepted(draft: _Draft, acknowledge: Acknowledge) -> tuple[str, ...]:
    """The warnings the person accepted; raises CheckFailed for errors or any left unread."""
    what = f"The superbill for {draft.unit.name}"
    if draft.errors:
        raise CheckFailed(what, [f.shown for f in draft.findings])
    texts = tuple(f.text for f in draft.warnings)
    if acknowledge is True:
        return texts
    given = set() if acknowledge is False else set(acknowledge)
    unread = [f.shown for f in draft.warnings if f.text not in given]
    if unread:
        raise CheckFailed(what, [*unread, "Acknowledge the warnings to issue it anyway."])
    return texts


def _doc(
    session: Session,
    draft: _Draft,
    number: str,
    version: int,
    replaces: Document | None = None,
) -> SuperbillDoc:
    codes_only = draft.patient.diagnosis_codes_only
    letters = _letters(draft.lines)
    items = [
        DiagnosisItem(letter, d.code, "" if codes_only else (d.description or _description(d.code)))
        for d, letter in letters.values()
    ]
    payer = session.get(Payer, draft.patient.payer_id) if draft.patient.payer_id else None
    return SuperbillDoc(
        number=number,
        version=version,
        issued_on=draft.issued_on,
        period_from=draft.period_from,
        period_to=draft.period_to,
        provider=provider_block(practice(session)),
        client=client_block(draft.patient, payer),
        diagnoses=items,
        lines=[_service_line(line, letters) for line in draft.lines],
        codes_only=codes_only,
        supersedes_number=replaces.number if replaces else None,
        supersedes_version=replaces.version if replaces else None,
    )


def _letters(lines: Sequence[_Line]) -> dict[str, tuple[Diagnosis, str]]:
    """The diagnosis list: each code once, primary (best rank) first, then by first use."""
    first_seen: dict[str, tuple[int, int, Diagnosis]] = {}
    for n, line in enumerate(lines):
        for d in line.diagnoses:
            code = d.code.upper()
            best = first_seen.get(code)
            if best is None or d.rank < best[0]:
                first_seen[code] = (d.rank, best[1] if best else n, d)
    ordered = sorted(first_seen.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    return {
        code: (d, DIAGNOSIS_LETTERS[i])
        for i, (code, (_, _, d)) in enumerate(ordered[:MAX_DIAGNOSES])
    }


def _service_line(line: _Line, letters: dict[str, tuple[Diagnosis, str]]) -> ServiceLine:
    pointers = "".join(letters[d.code.upper()][1] for d in line.diagnoses)[:MAX_POINTERS]
    return ServiceLine(
        service_date=line.charge.service_date,
        place_of_service=line.record.place_of_service,
        code=line.service.code,
        # Telehealth modifiers describe the whole visit, so an add-on line carries them too.
        modifiers=line.record.modifiers,
        pointers=pointers,
        fee=line.charge.amount,
        paid=line.paid,
        units=1,
        label=line.service.label,
    )


def _description(code: str) -> str:
    hit = icd.describe(code)
    return hit.description if hit else ""


def _store(
    session: Session,
    draft: _Draft,
    doc: SuperbillDoc,
    accepted: tuple[str, ...],
    *,
    supersedes_id: int | None = None,
    pdf: bytes | None = None,
) -> IssuedDocument:
    return store(
        session,
        NewDocument(
            kind=DocumentKind.SUPERBILL,
            number=doc.number,
            version=doc.version,
            unit_id=draft.unit.id,
            client_id=draft.patient.id,
            issued_on=doc.issued_on,
            pdf=pdf if pdf is not None else render_superbill(doc),
            total_charged=doc.charged,
            total_paid=doc.paid,
            balance=doc.balance,
            period_from=doc.period_from,
            period_to=doc.period_to,
            supersedes_id=supersedes_id,
            acknowledged_warnings=accepted,
            lines=tuple(
                DocumentLine(
                    charge_id=line.charge.id,
                    service_date=printed.service_date,
                    place_of_service=printed.place_of_service,
                    code=printed.code,
                    modifiers=printed.modifiers,
                    pointers=printed.pointers,
                    units=printed.units,
                    fee=printed.fee,
                    paid=printed.paid,
                )
                for line, printed in zip(draft.lines, doc.lines, strict=True)
            ),
        ),
    )
