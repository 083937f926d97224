"""Superbill drafts: from the books to the rows a superbill prints, and what the checker sees.

A draft gathers the lines (charges of attended, not voided sessions whose
service may go on a superbill), what was paid on each by the issue date, the
diagnoses in force on each date, and every problem the pre-issue checker and
the books find. ``superbill_doc`` turns a draft without errors into the
``SuperbillDoc`` that is rendered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

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
    Practice,
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
from desktop.reports.documents.rows import (
    DIAGNOSIS_LETTERS,
    MAX_POINTERS,
    DiagnosisItem,
    ServiceLine,
    SuperbillDoc,
)
from desktop.services.books import dates
from desktop.services.clients import icd
from desktop.services.documents.blocks import (
    Finding,
    client_block,
    finding,
    practice,
    provider_block,
)
from desktop.services.errors import InvalidInput, NotAllowed, NotFound


@dataclass(frozen=True)
class Line:
    """One charge that will print, with the session it came from and what was paid on it."""

    charge: Charge
    record: SessionRecord
    service: Service
    paid: Decimal
    diagnoses: tuple[Diagnosis, ...]  # in effect on the date, primary first


@dataclass(frozen=True)
class Draft:
    """A superbill before it is numbered: its lines and every problem found."""

    unit: BillingUnit
    patient: Client
    period_from: date
    period_to: date
    issued_on: date
    lines: tuple[Line, ...]
    findings: tuple[Finding, ...]
    payer: Payer | None  # the patient's insurer, as the books have it now
    practice: Practice

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocks)


def unit(session: Session, unit_id: int) -> BillingUnit:
    found = session.get(BillingUnit, unit_id)
    if found is None:
        raise NotFound("That client is not in this practice file.")
    return found


def lines_query() -> Select[tuple[Charge, SessionRecord, Service]]:
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


def draft(
    session: Session,
    unit: BillingUnit,
    period_from: date,
    period_to: date,
    issued_on: date | None,
    replacing_id: int | None = None,
    kind: DocumentKind = DocumentKind.SUPERBILL,
) -> Draft:
    """Gather and check a superbill; ``replacing_id`` is the version a correction replaces.

    ``kind`` is the document the lines will go on: a date already on a current superbill
    blocks another superbill, and on a claim form it is a warning (a second claim for a
    date is usually denied as a duplicate, but a payer may ask for the form after the
    superbill).
    """
    _check_period(period_from, period_to)
    _billed_by_superbill(unit)
    issued_on = issued_on or dates.today()
    books = _read_books(session, [unit], period_from, period_to, issued_on, replacing_id, kind)
    return _assemble(books, unit, period_from, period_to, issued_on, kind)


def drafts(
    session: Session,
    unit_ids: Sequence[int],
    period_from: date,
    period_to: date,
    issued_on: date | None,
) -> list[Draft]:
    """``draft`` for many superbill clients over one period (a month's batch), in order.

    The books are read once for all of them, one query per kind of data, instead of
    once per client; each draft is the same as ``draft`` gives.
    """
    _check_period(period_from, period_to)
    query = (
        select(BillingUnit)
        .where(BillingUnit.id.in_(unit_ids))
        .options(joinedload(BillingUnit.identified_patient))
    )
    found = {u.id: u for u in session.scalars(query).unique()}
    if any(unit_id not in found for unit_id in unit_ids):
        raise NotFound("That client is not in this practice file.")
    units = [found[unit_id] for unit_id in unit_ids]
    for one in units:
        _billed_by_superbill(one)
    issued_on = issued_on or dates.today()
    kind = DocumentKind.SUPERBILL
    books = _read_books(session, units, period_from, period_to, issued_on, None, kind)
    return [_assemble(books, one, period_from, period_to, issued_on, kind) for one in units]


def _check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise InvalidInput("The period ends before it starts.", field="period_to")


def _billed_by_superbill(unit: BillingUnit) -> None:
    if unit.identified_patient.billing != BillingPreference.SUPERBILL.value:
        raise NotAllowed(
            f"{unit.name} pays privately and gets no superbill; change the client's billing "
            "to superbill first if they now claim reimbursement."
        )


@dataclass(frozen=True)
class _Books:
    """What the drafts of one or more units read from the books, grouped for assembling."""

    rows: dict[int, list[tuple[Charge, SessionRecord, Service]]]  # by unit, in print order
    paid: dict[int, Decimal]  # by charge
    diagnoses: dict[int, list[Diagnosis]]  # by client
    on_documents: dict[int, list[tuple[str, int]]]  # by charge: (number, version)
    payers: dict[int, Payer]
    practice: Practice


def _read_books(
    session: Session,
    units: Sequence[BillingUnit],
    period_from: date,
    period_to: date,
    issued_on: date,
    replacing_id: int | None,
    kind: DocumentKind,
) -> _Books:
    unit_ids = [u.id for u in units]
    rows: dict[int, list[tuple[Charge, SessionRecord, Service]]] = defaultdict(list)
    for charge, record, service in session.execute(
        lines_query()
        .where(Charge.unit_id.in_(unit_ids), Charge.service_date.between(period_from, period_to))
        .order_by(Charge.service_date, SessionRecord.start_time, SessionRecord.id, Charge.id)
    ):
        rows[charge.unit_id].append((charge, record, service))
    charge_ids = [charge.id for unit_rows in rows.values() for charge, _, _ in unit_rows]
    patient_ids = [u.identified_patient_id for u in units]
    diagnoses: dict[int, list[Diagnosis]] = defaultdict(list)
    for diagnosis in session.scalars(select(Diagnosis).where(Diagnosis.client_id.in_(patient_ids))):
        diagnoses[diagnosis.client_id].append(diagnosis)
    payer_ids = {u.identified_patient.payer_id for u in units} - {None}
    payers = session.scalars(select(Payer).where(Payer.id.in_(payer_ids))) if payer_ids else []
    return _Books(
        rows,
        _paid(session, charge_ids, issued_on),
        diagnoses,
        _on_documents(session, charge_ids, replacing_id, kind),
        {payer.id: payer for payer in payers},
        practice(session),
    )


def _assemble(
    books: _Books,
    unit: BillingUnit,
    period_from: date,
    period_to: date,
    issued_on: date,
    kind: DocumentKind,
) -> Draft:
    patient = unit.identified_patient
    diagnoses = books.diagnoses.get(patient.id, [])
    lines = tuple(
        Line(
            charge,
            record,
            service,
            books.paid.get(charge.id, ZERO),
            _in_effect(diagnoses, charge),
        )
        for charge, record, service in books.rows.get(unit.id, [])
    )
    payer = books.payers.get(patient.payer_id) if patient.payer_id else None
    p = books.practice
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
    problems = check_superbill(facts) + _already_issued(books.on_documents, lines, kind)
    return Draft(
        unit,
        patient,
        period_from,
        period_to,
        issued_on,
        lines,
        tuple(finding(problem) for problem in problems),
        payer,
        p,
    )


def _paid(session: Session, charge_ids: Sequence[int], on: date) -> dict[int, Decimal]:
    """What was applied to each charge on or before ``on`` and is still in force."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if not charge_ids:
        return totals
    # Voided allocations are skipped here rather than in SQL: "void_txn_id IS NULL" would
    # lead SQLite to the void index and through every allocation of the books.
    rows = session.execute(
        select(Allocation.charge_id, Allocation.amount, Allocation.void_txn_id)
        .join(LedgerTxn, LedgerTxn.id == Allocation.txn_id)
        .where(Allocation.charge_id.in_(charge_ids), LedgerTxn.txn_date <= on)
    )
    for charge_id, amount, void_txn_id in rows:
        if void_txn_id is None:
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


def _facts(line_no: int, line: Line) -> LineFacts:
    # Minutes belong to the session's own code; an add-on line has no time rule of its own.
    primary = line.charge.service_id == line.record.service_id
    return LineFacts(
        line_no=line_no,
        service_date=line.charge.service_date,
        code=line.service.code,
        minutes=line.record.minutes if primary else None,
        diagnoses=[_judged(d.code, line.charge.service_date) for d in line.diagnoses],
        status=line.record.status,
        place_of_service=line.record.place_of_service,
        modifiers=line.record.modifiers,
    )


def _judged(code: str, on: date) -> DiagnosisInEffect:
    judged = icd.billability(code, on)
    return DiagnosisInEffect(code, judged.billable, judged.known, judged.release)


def _on_documents(
    session: Session, charge_ids: Sequence[int], replacing_id: int | None, kind: DocumentKind
) -> dict[int, list[tuple[str, int]]]:
    """The current documents of ``kind`` each charge is already on (number, version)."""
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if not charge_ids:
        return found
    newer = select(Document.supersedes_id).where(Document.supersedes_id.is_not(None))
    query = (
        select(DocumentLine.charge_id, Document.number, Document.version)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            DocumentLine.charge_id.in_(list(charge_ids)),
            Document.kind == kind.value,
            Document.id.not_in(newer),
        )
    )
    if replacing_id is not None:
        query = query.where(Document.id != replacing_id)
    for charge_id, number, version in session.execute(query):
        found[charge_id].append((number, version))
    return found


def _already_issued(
    on_documents: dict[int, list[tuple[str, int]]], lines: Sequence[Line], kind: DocumentKind
) -> list[Problem]:
    """A date of service already on a current document of ``kind`` would be claimed twice."""
    problems = []
    for line_no, line in enumerate(lines, start=1):
        day = line.charge.service_date
        for number, version in on_documents.get(line.charge.id, []):
            if kind is DocumentKind.SUPERBILL:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        "lines",
                        f"{day:%m/%d/%Y} is already on {number} version {version}; reprint "
                        "that superbill, or issue a correction of it.",
                        line_no,
                    )
                )
            else:
                problems.append(
                    Problem(
                        Severity.WARNING,
                        "lines",
                        f"{day:%m/%d/%Y} is already on claim form {number}; a payer may deny "
                        "a second claim for it as a duplicate.",
                        line_no,
                    )
                )
    return problems


def superbill_doc(
    draft: Draft,
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
    return SuperbillDoc(
        number=number,
        version=version,
        issued_on=draft.issued_on,
        period_from=draft.period_from,
        period_to=draft.period_to,
        provider=provider_block(draft.practice),
        client=client_block(draft.patient, draft.payer),
        diagnoses=items,
        lines=[_service_line(line, letters) for line in draft.lines],
        codes_only=codes_only,
        supersedes_number=replaces.number if replaces else None,
        supersedes_version=replaces.version if replaces else None,
    )


def document_lines(draft: Draft, doc: SuperbillDoc) -> tuple[DocumentLine, ...]:
    """The stored lines of a document printed from ``draft``: what each charge printed as."""
    return tuple(
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
    )


def _letters(lines: Sequence[Line]) -> dict[str, tuple[Diagnosis, str]]:
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


def _service_line(line: Line, letters: dict[str, tuple[Diagnosis, str]]) -> ServiceLine:
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
