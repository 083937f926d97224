"""Issued documents, estimates and claims from an export folder: the last steps of
``import all``.

Documents come back exactly as they were issued: the same number, version and
PDF bytes (checked against the SHA-256 the export lists), a correction still
pointing at the version it replaced, each superbill line tied to the new
practice's charge and a receipt to its payment. So numbering carries on where
it stopped, a reprint is identical, and a session already on a superbill
cannot go on another. A Good Faith Estimate's row and expected services follow
its document version (``estimates.py``, with the helpers here). Claims follow
their superbill version with their status, amounts, dates and whole history.

Charges are matched through ``charges.csv`` by client, date, service code and
amount (the n-th such charge to the n-th); payments by client, date, amount,
method and reference. A document, estimate or claim the books already hold is
left alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Charge,
    Claim,
    ClaimEvent,
    Client,
    Document,
    DocumentLine,
    Payer,
    Payment,
    PaymentMethod,
    Service,
)
from desktop.domain.appeals import AppealLevel
from desktop.domain.kinds import ClaimStatus, DenialReason, DocumentKind
from desktop.services.audit import log as audit
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.clients.names import unit_names
from desktop.services.documents.store import NewDocument, store
from desktop.services.transfer.format import (
    FieldError,
    parse_amount,
    parse_choice,
    parse_date,
    parse_whole,
)
from desktop.services.transfer.importing.common import Findings, Row, records_by_name

DOCUMENT_COLUMNS = (
    "document_id", "kind", "number", "version", "client_ref", "client", "issued_on",
    "period_from", "period_to", "total_charged", "total_paid", "balance", "sha256",
    "pdf_file", "supersedes_document_id", "acknowledged_warnings", "payment_date",
    "payment_amount", "payment_method", "payment_reference",
)  # fmt: skip
LINE_COLUMNS = (
    "document_id", "line_no", "charge_id", "service_date", "place_of_service", "code",
    "modifiers", "pointers", "units", "fee", "paid",
)  # fmt: skip
CHARGE_COLUMNS = ("charge_id", "client_ref", "date", "service_code", "amount", "voided_on")
CLAIM_COLUMNS = (
    "claim_id", "superbill", "superbill_version", "line_no", "payer", "first_service_date",
    "last_service_date", "billed", "status", "submitted_on", "claim_number", "allowed",
    "reimbursed", "eob_date", "paid_on", "denial_reason", "denial_note", "appeal_date",
    "appeal_deadline", "notes", "created_on", "snoozed_until",
)  # fmt: skip
# Exports made before the appeal chain had its steps lack these; a claim then reads as
# at the first level once appealed, as the upgrade of the books took it.
CLAIM_OPTIONAL = ("appeal_level", "next_appeal_level")
EVENT_COLUMNS = ("claim_id", "date", "from_status", "to_status", "note")
_KINDS = tuple(k.value for k in DocumentKind)
_STATUSES = tuple(s.value for s in ClaimStatus)
_REASONS = tuple(r.value for r in DenialReason)


@dataclass
class Paperwork:
    """What the two steps share: export document ids -> the new practice's."""

    documents: dict[int, int] = field(default_factory=dict)
    refused: set[int] = field(default_factory=set)  # documents with problems of their own


@dataclass(frozen=True)
class StepOutcome:
    rows: int
    added: int
    found: Findings


class Cells:
    """A row's cells read as the column says, each problem kept against the row."""

    def __init__(self, found: Findings, number: int, row: Row) -> None:
        self.found, self.number, self.row = found, number, row
        self.ok = True

    def read(self, column: str, parse: Callable[[str], Any], *, blank: Any = None) -> Any:
        text = self.row[column]
        if not text:
            return blank
        try:
            return parse(text)
        except FieldError as exc:
            self.found.add(self.number, column, str(exc))
            self.ok = False
            return blank

    def required(self, column: str, parse: Callable[[str], Any]) -> Any:
        if not self.row[column]:
            self.found.add(self.number, column, f"Every row needs its {column}.")
            self.ok = False
            return None
        return self.read(column, parse)

    def problem(self, column: str, message: str) -> None:
        self.found.add(self.number, column, message)
        self.ok = False


def whole_number(text: str) -> int:
    return parse_whole(text, low=0, high=10**9, what="a whole number")


def _kind(text: str) -> str:
    return parse_choice(text, _KINDS)


# --- documents ---------------------------------------------------------------------------------


def import_documents(
    session: Session, folder: Path, shared: Paperwork, report: Callable[[int, int], None]
) -> StepOutcome:
    """Every document in documents.csv not yet in the books, with its lines and PDF."""
    records, found = records_by_name(folder / "documents.csv", DOCUMENT_COLUMNS)
    lines = rows_by_parent(folder, "document_lines.csv", LINE_COLUMNS, "document_id", found)
    charges = _ChargeMatcher(session, folder, found)
    added = 0
    for done, (number, row) in enumerate(records):
        report(done, len(records))
        cells = Cells(found, number, row)
        export_id = cells.required("document_id", whole_number)
        kind = cells.required("kind", _kind)
        version = cells.required("version", whole_number)
        held = _held_document(session, kind, row["number"], version) if cells.ok else None
        if held is not None:
            shared.documents[export_id] = held
            continue
        new = _new_document(session, folder, cells, shared, lines.get(export_id, []), charges)
        if new is None:
            shared.refused.add(export_id)
            continue
        issued = store(session, new, action="import")
        shared.documents[export_id] = issued.id
        added += 1
    return StepOutcome(len(records), added, found)


def _held_document(session: Session, kind: str, number: str, version: int) -> int | None:
    return session.scalar(
        select(Document.id).where(
            Document.kind == kind, Document.number == number, Document.version == version
        )
    )


def _new_document(
    session: Session,
    folder: Path,
    cells: Cells,
    shared: Paperwork,
    lines: list[tuple[int, Row]],
    charges: _ChargeMatcher,
) -> NewDocument | None:
    row = cells.row
    unit = find_unit_by_ref(session, row["client_ref"])
    if unit is None:
        cells.problem("client_ref", f"There is no client or couple '{row['client_ref']}'.")
    client_id = session.scalar(select(Client.id).where(Client.client_ref == row["client"]))
    if client_id is None:
        cells.problem("client", f"There is no client '{row['client']}'.")
    issued_on = cells.required("issued_on", parse_date)
    period = (cells.read("period_from", parse_date), cells.read("period_to", parse_date))
    totals = [cells.required(c, parse_amount) for c in ("total_charged", "total_paid")]
    balance = cells.required("balance", _signed_amount)
    supersedes = cells.read("supersedes_document_id", whole_number)
    if supersedes in shared.refused:
        return None  # that version's own problem says what to fix
    if supersedes is not None and supersedes not in shared.documents:
        cells.problem("supersedes_document_id", "The version this one replaces is not above it.")
    payment_id = _receipt_payment(session, unit.id, cells) if unit is not None else None
    pdf = _pdf(folder, cells)
    new_lines = [_line(cells.found, number, line, charges) for number, line in lines]
    if not cells.ok or unit is None or client_id is None or pdf is None or None in new_lines:
        return None
    return NewDocument(
        kind=DocumentKind(row["kind"]),
        number=row["number"],
        version=int(row["version"]),
        unit_id=unit.id,
        client_id=client_id,
        issued_on=issued_on,
        pdf=pdf,
        total_charged=totals[0],
        total_paid=totals[1],
        balance=balance,
        period_from=period[0],
        period_to=period[1],
        payment_id=payment_id,
        supersedes_id=shared.documents.get(supersedes) if supersedes is not None else None,
        acknowledged_warnings=tuple(w for w in row["acknowledged_warnings"].split("\n") if w),
        lines=tuple(line for line in new_lines if line is not None),
    )


def _signed_amount(text: str) -> Decimal:
    """A balance may be negative (credit); the amount parser takes only the size."""
    negative = text.strip().startswith("-")
    value = parse_amount(text.strip().removeprefix("-"))
    return -value if negative else value


def _pdf(folder: Path, cells: Cells) -> bytes | None:
    name = cells.row["pdf_file"]
    path = (folder / name).resolve()
    if not name or folder.resolve() not in path.parents:
        cells.problem("pdf_file", "Name the PDF inside the export folder, such as documents/….")
        return None
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        cells.problem("pdf_file", f"{name} could not be read ({exc.strerror or exc}).")
        return None
    if hashlib.sha256(pdf).hexdigest() != cells.row["sha256"].lower():
        cells.problem(
            "sha256",
            f"{name} is not the document that was issued (its SHA-256 differs); "
            "export the practice again.",
        )
        return None
    return pdf


def _receipt_payment(session: Session, unit_id: int, cells: Cells) -> int | None:
    """The payment a receipt is for, or None (the receipt still comes back)."""
    on = cells.read("payment_date", parse_date)
    amount = cells.read("payment_amount", parse_amount)
    if on is None or amount is None:
        return None
    return session.scalar(
        select(Payment.id)
        .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
        .where(
            Payment.unit_id == unit_id,
            Payment.received_date == on,
            Payment.amount == amount,
            func.lower(PaymentMethod.name) == cells.row["payment_method"].lower(),
            Payment.reference == cells.row["payment_reference"],
            Payment.void_txn_id.is_(None),
        )
        .order_by(Payment.id)
        .limit(1)
    )


def rows_by_parent(
    folder: Path, name: str, columns: tuple[str, ...], parent: str, found: Findings
) -> dict[int, list[tuple[int, Row]]]:
    """The rows of a child file (document lines, estimate lines), by their parent's export
    id in column ``parent``; none when the file is not in the folder."""
    path = folder / name
    if not path.is_file():
        return {}
    records, child_found = records_by_name(path, columns)
    by_parent: dict[int, list[tuple[int, Row]]] = defaultdict(list)
    for number, row in records:
        parent_id = Cells(child_found, number, row).required(parent, whole_number)
        if parent_id is not None:
            by_parent[parent_id].append((number, row))
    found.problems += child_found.problems
    return by_parent


def _line(found: Findings, number: int, row: Row, charges: _ChargeMatcher) -> DocumentLine | None:
    cells = Cells(Findings("document_lines.csv", found.problems), number, row)
    service_date = cells.required("service_date", parse_date)
    units = cells.required("units", whole_number)
    fee = cells.required("fee", parse_amount)
    paid = cells.required("paid", parse_amount)
    charge = cells.read("charge_id", whole_number)
    if not cells.ok:
        return None
    return DocumentLine(
        charge_id=charges.new_id(charge) if charge is not None else None,
        service_date=service_date,
        place_of_service=row["place_of_service"],
        code=row["code"],
        modifiers=row["modifiers"],
        pointers=row["pointers"],
        units=units,
        fee=fee,
        paid=paid,
    )


class _ChargeMatcher:
    """Export charge ids -> the new practice's charges, by client, date, code and amount."""

    def __init__(self, session: Session, folder: Path, found: Findings) -> None:
        self.session = session
        self.mapped: dict[int, int | None] | None = None
        self.path = folder / "charges.csv"
        self.found = found

    def new_id(self, export_id: int) -> int | None:
        if self.mapped is None:
            self.mapped = self._match()
        return self.mapped.get(export_id)

    def _match(self) -> dict[int, int | None]:
        if not self.path.is_file():
            return {}
        records, found = records_by_name(self.path, CHARGE_COLUMNS)
        self.found.problems += found.problems
        exported: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for number, row in records:
            cells = Cells(self.found, number, row)
            export_id = cells.required("charge_id", whole_number)
            on = cells.required("date", parse_date)
            amount = cells.required("amount", parse_amount)
            if cells.ok and not row["voided_on"]:
                exported[(row["client_ref"].lower(), on, row["service_code"], amount)].append(
                    export_id
                )
        held: dict[tuple[object, ...], list[int]] = defaultdict(list)
        query = (
            select(Charge.id, Charge.unit_id, Charge.service_date, Service.code, Charge.amount)
            .join(Service, Service.id == Charge.service_id)
            .where(Charge.void_txn_id.is_(None))
            .order_by(Charge.id)
        )
        refs = {unit_id: unit.ref.lower() for unit_id, unit in unit_names(self.session).items()}
        for charge_id, unit_id, on, code, amount in self.session.execute(query):
            held[(refs[unit_id], on, code, amount)].append(charge_id)
        mapped: dict[int, int | None] = {}
        for match_key, export_ids in exported.items():
            new_ids = held.get(match_key, [])
            for position, export_id in enumerate(export_ids):
                mapped[export_id] = new_ids[position] if position < len(new_ids) else None
        return mapped


# --- claims ------------------------------------------------------------------------------------


def import_claims(
    session: Session, folder: Path, shared: Paperwork, report: Callable[[int, int], None]
) -> StepOutcome:
    """Every claim in claims.csv whose superbill is in the books, with its history."""
    records, found = records_by_name(folder / "claims.csv", CLAIM_COLUMNS, CLAIM_OPTIONAL)
    events = _events_by_claim(folder, found)
    payers = {name.lower(): id_ for id_, name in session.execute(select(Payer.id, Payer.name))}
    added = 0
    for done, (number, row) in enumerate(records):
        report(done, len(records))
        cells = Cells(found, number, row)
        export_id = cells.required("claim_id", whole_number)
        version = cells.required("superbill_version", whole_number)
        line_no = cells.read("line_no", whole_number)
        document_id = None
        if cells.ok:
            document_id = _held_document(
                session, DocumentKind.SUPERBILL.value, row["superbill"], version
            )
            if document_id is None:
                cells.problem("superbill", f"Superbill {row['superbill']} v{version} is missing.")
        payer_id = payers.get(row["payer"].lower())
        if payer_id is None:
            cells.problem("payer", f"There is no insurer '{row['payer']}' in payers.csv.")
        values = _claim_values(cells)
        if not cells.ok or document_id is None or payer_id is None:
            continue
        if session.scalar(
            select(Claim.id).where(Claim.document_id == document_id, Claim.line_no == line_no)
        ):
            continue
        claim = Claim(document_id=document_id, line_no=line_no, payer_id=payer_id, **values)
        session.add(claim)
        session.flush()
        for event in events.get(export_id, []):
            session.add(ClaimEvent(claim_id=claim.id, **event))
        session.flush()
        audit.record(
            session,
            "import",
            "claim",
            claim.id,
            after={"superbill": row["superbill"], "version": version, "status": claim.status},
        )
        added += 1
    return StepOutcome(len(records), added, found)


def _claim_values(cells: Cells) -> dict[str, Any]:
    dates = ("first_service_date", "last_service_date", "created_on")
    optional_dates = (
        "submitted_on", "eob_date", "paid_on", "appeal_date", "appeal_deadline", "snoozed_until"
    )  # fmt: skip
    values: dict[str, Any] = {name: cells.required(name, parse_date) for name in dates}
    values |= {name: cells.read(name, parse_date) for name in optional_dates}
    values["billed"] = cells.required("billed", parse_amount)
    values["allowed"] = cells.read("allowed", parse_amount)
    values["reimbursed"] = cells.read("reimbursed", parse_amount)
    values["status"] = cells.required("status", lambda t: parse_choice(t, _STATUSES))
    values["denial_reason"] = cells.read("denial_reason", lambda t: parse_choice(t, _REASONS))
    for text in ("claim_number", "denial_note", "notes"):
        values[text] = cells.row[text]
    level = cells.read("appeal_level", _appeal_level)
    if level is None and values["appeal_date"] is not None:
        level = AppealLevel.FIRST
    values["appeal_level"] = int(level or AppealLevel.NONE)
    following = cells.read("next_appeal_level", _appeal_level)
    values["next_appeal_level"] = int(following) if following is not None else None
    return values


def _appeal_level(text: str) -> AppealLevel:
    try:
        return AppealLevel.named(text)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def _events_by_claim(folder: Path, found: Findings) -> dict[int, list[dict[str, Any]]]:
    path = folder / "claim_events.csv"
    if not path.is_file():
        return {}
    records, event_found = records_by_name(path, EVENT_COLUMNS)
    by_claim: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for number, row in records:
        cells = Cells(event_found, number, row)
        claim_id = cells.required("claim_id", whole_number)
        on: date | None = cells.required("date", parse_date)
        to_status = cells.required("to_status", lambda t: parse_choice(t, _STATUSES))
        from_status = cells.read("from_status", lambda t: parse_choice(t, _STATUSES))
        if cells.ok:
            by_claim[claim_id].append(
                {
                    "event_date": on,
                    "from_status": from_status,
                    "to_status": to_status,
                    "note": row["note"],
                }
            )
    found.problems += event_found.problems
    return by_claim
