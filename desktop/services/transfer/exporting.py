"""Everything in the practice, out to a folder: CSV files, one XLSX, the issued PDFs.

``clients.csv``, ``sessions.csv`` and ``payments.csv`` are in the import
layouts (docs/IMPORT.md), so importing them into a new practice gives the same
balances, aging and reports. Voided sessions and payments are left out of
those three (they changed nothing that remains) and listed in ``voids.csv``;
write-offs ride on their session's row, refunds on their payment's row, and a
charge that is not a session (a report fee) is a session row of its own. The
rest (allocations, charges, write-offs, refunds, voids, diagnoses with their
dates, billing units, documents and their lines, claims and their history,
each client's balance and credit, the practice profile and catalogues) is
there to read, in ``export.xlsx`` as well as in CSV; the provider's signature
image is ``signature.png``. ``import all`` brings the settings, catalogues,
diagnoses, documents and claims back too.

The folder is built beside its final place and renamed into it only when every
file is on disk, so an export is complete or absent; every file is 0600.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    BillingUnit,
    Charge,
    Claim,
    ClaimEvent,
    Client,
    Diagnosis,
    Document,
    DocumentLine,
    LedgerTxn,
    Payer,
    Payment,
    PaymentMethod,
    Practice,
    Refund,
    Service,
    Setting,
)
from db.models import Session as SessionRecord
from desktop.domain.money import ZERO
from desktop.reports.atomic import atomic_output
from desktop.reports.tabular import Column, Kind, Table, write_csv, write_xlsx
from desktop.services.books import queries as books
from desktop.services.errors import ServiceError
from desktop.services.practice import signature
from desktop.services.transfer.importing.fields import format_time
from desktop.services.transfer.importing.layouts import LAYOUTS, ImportKind
from desktop.services.transfer.importing.payments import AppliedCharge, format_applied_to
from desktop.services.transfer.importing.units import COLUMNS as UNIT_COLUMNS
from desktop.services.transfer.importing.units import format_share

MONEY, DATE, INT = Kind.MONEY, Kind.DATE, Kind.INTEGER
WORKBOOK = "export.xlsx"
DOCUMENTS = "documents"


@dataclass(frozen=True)
class ExportBundle:
    """What an export holds, gathered in one read: tables by file stem, and PDFs."""

    tables: tuple[tuple[str, Table], ...]
    pdfs: tuple[tuple[str, bytes], ...]  # (file name under documents/, content)
    signature_png: bytes | None = None  # the provider's signature image, as kept


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    files: tuple[str, ...]  # relative to the folder
    rows: tuple[tuple[str, int], ...]  # (table, rows)


class ExportFailed(ServiceError):
    pass


class ExportCancelled(ExportFailed):
    """Cancel was pressed; nothing was written (the half-built folder is removed)."""


# (files done, files in all); returning False asks the export to stop.
Progress = Callable[[int, int], "bool | None"]


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise ExportCancelled("The export was cancelled; nothing was written.")


def _table(name: str, columns: tuple[Column, ...], rows: list[tuple]) -> tuple[str, Table]:
    return name, Table(title=name, columns=columns, rows=tuple(rows), sheet_name=name)


def _text(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n) for n in names)


# --- gathering ------------------------------------------------------------------------


def gather(session: Session, today: date | None = None) -> ExportBundle:
    """Every table and PDF of the practice (a read; nothing changes)."""
    today = today or date.today()
    refs = dict(session.execute(select(BillingUnit.id, BillingUnit.ref)).all())
    client_refs = dict(session.execute(select(Client.id, Client.client_ref)).all())
    codes = dict(session.execute(select(Service.id, Service.code)).all())
    methods = dict(session.execute(select(PaymentMethod.id, PaymentMethod.name)).all())
    payers = dict(session.execute(select(Payer.id, Payer.name)).all())
    tables = [
        _clients(session, payers, today),
        _sessions(session, refs, codes),
        _payments(session, refs, methods),
        _allocations(session),
        _charges(session, refs, codes),
        _write_offs(session, refs),
        _refunds(session, refs, methods),
        _voids(session, refs),
        _diagnoses(session, client_refs),
        _units(session, client_refs),
        *_settings(session),
    ]
    documents, pdfs = _documents(session, refs, client_refs, methods)
    tables += [
        documents,
        _document_lines(session),
        _claims(session, payers),
        _claim_events(session),
        _balances(session, refs),
    ]
    practice = session.get(Practice, 1)
    image = practice.signature_png if practice is not None else None
    return ExportBundle(tuple(tables), tuple(pdfs), image)


def _clients(session: Session, payers: dict[int, str], today: date) -> tuple[str, Table]:
    own = {
        u.identified_patient_id: u
        for u in session.scalars(select(BillingUnit).where(BillingUnit.kind == "individual"))
    }
    in_force: dict[int, list[Diagnosis]] = defaultdict(list)
    for d in session.scalars(select(Diagnosis).order_by(Diagnosis.rank)):
        if d.effective_from <= today and (d.effective_to is None or today <= d.effective_to):
            in_force[d.client_id].append(d)
    groups = _group_cells(session)
    rows = []
    for c in session.scalars(select(Client).order_by(Client.client_ref)):
        unit = own.get(c.id)
        fee = unit.default_fee if unit is not None and unit.default_fee > 0 else None
        rows.append(
            (
                c.client_ref,
                c.legal_first_name,
                c.legal_last_name,
                c.preferred_name,
                c.date_of_birth,
                c.email,
                c.phone,
                c.address,
                c.city,
                c.state,
                c.zip,
                c.billing,
                fee,
                payers.get(c.payer_id, "") if c.payer_id else "",
                c.member_id,
                c.group_number,
                ";".join(d.code for d in in_force[c.id]),
                *groups.get(c.id, ("", "", "", "")),
            )
        )
    layout = LAYOUTS[ImportKind.CLIENTS]
    kinds = {"date_of_birth": DATE, "default_fee": MONEY}
    order = (
        "client_ref",
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "city",
        "state",
        "zip",
        "billing",
        "default_fee",
        "payer",
        "member_id",
        "group_number",
        "diagnoses",
        *UNIT_COLUMNS,
    )
    assert set(order) == set(layout.columns)
    return _table("clients", tuple(Column(n, kinds.get(n, Kind.TEXT)) for n in order), rows)


def _group_cells(session: Session) -> dict[int, tuple[str, str, str, str]]:
    """Each client's couples and families as the clients layout lists them: unit_ref,
    unit_kind, identified_patient and pays_share, one entry per unit joined by ';'."""
    entries: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    groups = session.scalars(
        select(BillingUnit).where(BillingUnit.kind != "individual").order_by(BillingUnit.ref)
    )
    for unit in groups:
        for m in unit.members:
            patient = _yes(m.client_id == unit.identified_patient_id)
            entries[m.client_id].append(
                (unit.ref, unit.kind, patient, format_share(m.pays_share_bp))
            )
    return {
        client_id: tuple(";".join(e[i] for e in listed) for i in range(4))  # type: ignore[misc]
        for client_id, listed in entries.items()
    }


def _adjusted(session: Session) -> dict[int, tuple[Decimal, date, str]]:
    """Active write-offs per charge: total, latest date, reason (the first one's)."""
    result: dict[int, tuple[Decimal, date, str]] = {}
    query = (
        select(Adjustment, LedgerTxn.txn_date)
        .join(LedgerTxn, LedgerTxn.id == Adjustment.txn_id)
        .where(Adjustment.void_txn_id.is_(None))
        .order_by(Adjustment.id)
    )
    for adjustment, on in session.execute(query):
        total, last, reason = result.get(adjustment.charge_id, (ZERO, on, adjustment.reason))
        result[adjustment.charge_id] = (total + adjustment.amount, max(last, on), reason)
    return result


def _sessions(session: Session, refs: dict[int, str], codes: dict[int, str]) -> tuple[str, Table]:
    adjusted = _adjusted(session)
    by_session: dict[int, list[int]] = defaultdict(list)
    loose: list[Charge] = []
    for charge in session.scalars(
        select(Charge).where(Charge.void_txn_id.is_(None)).order_by(Charge.id)
    ):
        if charge.session_id is None:
            loose.append(charge)
        else:
            by_session[charge.session_id].append(charge.id)
    names = LAYOUTS[ImportKind.SESSIONS].columns
    rows = []
    for s in session.scalars(
        select(SessionRecord)
        .where(SessionRecord.voided_at.is_(None))
        .order_by(SessionRecord.service_date, SessionRecord.id)
    ):
        offs = [adjusted[c] for c in by_session[s.id] if c in adjusted]
        cells = {
            "client_ref": refs[s.unit_id],
            "date": s.service_date,
            "start_time": format_time(s.start_time),
            "minutes": s.minutes,
            "service_code": codes[s.service_id],
            "fee": s.fee,
            "status": s.status,
            "place_of_service": s.place_of_service,
            "modifiers": s.modifiers,
            "addon_code": codes[s.addon_service_id] if s.addon_service_id else "",
            "addon_fee": s.addon_fee,
            **_write_off_cells(offs),
        }
        rows.append(tuple(cells[n] for n in names))
    for charge in loose:
        offs = [adjusted[charge.id]] if charge.id in adjusted else []
        cells = {
            **dict.fromkeys(names, ""),
            "client_ref": refs[charge.unit_id],
            "date": charge.service_date,
            "minutes": None,
            "service_code": codes[charge.service_id],
            "fee": charge.amount,
            "status": "attended",
            "addon_fee": None,
            **_write_off_cells(offs),
        }
        rows.append(tuple(cells[n] for n in names))
    kinds = {
        "date": DATE,
        "minutes": INT,
        "fee": MONEY,
        "addon_fee": MONEY,
        "write_off": MONEY,
        "write_off_date": DATE,
    }
    return _table("sessions", tuple(Column(n, kinds.get(n, Kind.TEXT)) for n in names), rows)


def _write_off_cells(offs: list[tuple[Decimal, date, str]]) -> dict[str, object]:
    if not offs:
        return {"write_off": None, "write_off_date": None, "write_off_reason": ""}
    return {
        "write_off": sum((o[0] for o in offs), ZERO),
        "write_off_date": max(o[1] for o in offs),
        "write_off_reason": offs[0][2],
    }


def _payments(session: Session, refs: dict[int, str], methods: dict[int, str]) -> tuple[str, Table]:
    refunded: dict[int, tuple[Decimal, date]] = {}
    for r in session.scalars(select(Refund).where(Refund.void_txn_id.is_(None))):
        total, last = refunded.get(r.payment_id, (ZERO, r.refund_date))
        refunded[r.payment_id] = (total + r.amount, max(last, r.refund_date))
    by_hand_units, applied = _applied_by_hand(session)
    rows = []
    for p in session.scalars(
        select(Payment)
        .where(Payment.void_txn_id.is_(None))
        .order_by(Payment.received_date, Payment.id)
    ):
        back = refunded.get(p.id)
        rows.append(
            (
                refs[p.unit_id],
                p.received_date,
                p.amount,
                methods[p.method_id],
                p.reference,
                p.fee,
                back[0] if back else None,
                back[1] if back else None,
                format_applied_to(applied[p.id]) if p.unit_id in by_hand_units else "",
            )
        )
    kinds = {"date": DATE, "amount": MONEY, "fee": MONEY, "refunded": MONEY, "refund_date": DATE}
    names = LAYOUTS[ImportKind.PAYMENTS].columns
    return _table("payments", tuple(Column(n, kinds.get(n, Kind.TEXT)) for n in names), rows)


def _applied_by_hand(session: Session) -> tuple[set[int], dict[int, list[AppliedCharge]]]:
    """Units with any payment applied by hand, and what each payment is applied to now.

    Every payment of such a unit carries its allocations in ``applied_to``, so
    importing applies them exactly rather than oldest first."""
    live = (
        select(Allocation, Charge.unit_id, Charge.service_date, Service.code)
        .join(Charge, Charge.id == Allocation.charge_id)
        .join(Service, Service.id == Charge.service_id)
        .where(Allocation.void_txn_id.is_(None))
        .order_by(Allocation.id)
    )
    units: set[int] = set()
    applied: dict[int, list[AppliedCharge]] = defaultdict(list)
    for allocation, unit_id, service_date, code in session.execute(live):
        if allocation.manual:
            units.add(unit_id)
        applied[allocation.payment_id].append(AppliedCharge(service_date, code, allocation.amount))
    return units, applied


def _txn_dates(session: Session) -> dict[int, date]:
    return dict(session.execute(select(LedgerTxn.id, LedgerTxn.txn_date)).all())


def _allocations(session: Session) -> tuple[str, Table]:
    dates = _txn_dates(session)
    rows = [
        (
            a.id,
            a.payment_id,
            a.charge_id,
            dates[a.txn_id],
            a.amount,
            "yes" if a.manual else "no",
            dates.get(a.void_txn_id) if a.void_txn_id else None,
        )
        for a in session.scalars(select(Allocation).order_by(Allocation.id))
    ]
    columns = (
        Column("allocation_id", INT),
        Column("payment_id", INT),
        Column("charge_id", INT),
        Column("date", DATE),
        Column("amount", MONEY),
        Column("by_hand"),
        Column("voided_on", DATE),
    )
    return _table("allocations", columns, rows)


def _charges(session: Session, refs: dict[int, str], codes: dict[int, str]) -> tuple[str, Table]:
    dates = _txn_dates(session)
    rows = [
        (
            c.id,
            refs[c.unit_id],
            c.session_id,
            c.service_date,
            codes[c.service_id],
            c.amount,
            c.description,
            dates.get(c.void_txn_id) if c.void_txn_id else None,
        )
        for c in session.scalars(select(Charge).order_by(Charge.id))
    ]
    columns = (
        Column("charge_id", INT),
        Column("client_ref"),
        Column("session_id", INT),
        Column("date", DATE),
        Column("service_code"),
        Column("amount", MONEY),
        Column("description"),
        Column("voided_on", DATE),
    )
    return _table("charges", columns, rows)


def _write_offs(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    dates = _txn_dates(session)
    units = dict(session.execute(select(Charge.id, Charge.unit_id)).all())
    rows = [
        (
            a.id,
            a.charge_id,
            refs[units[a.charge_id]],
            dates[a.txn_id],
            a.kind,
            a.reason,
            a.note,
            a.amount,
            dates.get(a.void_txn_id) if a.void_txn_id else None,
        )
        for a in session.scalars(select(Adjustment).order_by(Adjustment.id))
    ]
    columns = (
        Column("write_off_id", INT),
        Column("charge_id", INT),
        Column("client_ref"),
        Column("date", DATE),
        Column("kind"),
        Column("reason"),
        Column("note"),
        Column("amount", MONEY),
        Column("voided_on", DATE),
    )
    return _table("write_offs", columns, rows)


def _refunds(session: Session, refs: dict[int, str], methods: dict[int, str]) -> tuple[str, Table]:
    dates = _txn_dates(session)
    rows = [
        (
            r.id,
            r.payment_id,
            refs[r.unit_id],
            r.refund_date,
            methods[r.method_id],
            r.amount,
            r.reference,
            dates.get(r.void_txn_id) if r.void_txn_id else None,
        )
        for r in session.scalars(select(Refund).order_by(Refund.id))
    ]
    columns = (
        Column("refund_id", INT),
        Column("payment_id", INT),
        Column("client_ref"),
        Column("date", DATE),
        Column("method"),
        Column("amount", MONEY),
        Column("reference"),
        Column("voided_on", DATE),
    )
    return _table("refunds", columns, rows)


def _voids(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    """Every void: of a ledger entry (with what it reversed), or of a whole session."""
    kinds = dict(session.execute(select(LedgerTxn.id, LedgerTxn.kind)).all())
    rows: list[tuple] = [
        (refs[t.unit_id], t.txn_date, kinds.get(t.reverses_id, ""), t.reverses_id, t.memo)
        for t in session.scalars(
            select(LedgerTxn).where(LedgerTxn.kind == "void").order_by(LedgerTxn.id)
        )
    ]
    for s in session.scalars(select(SessionRecord).where(SessionRecord.voided_at.is_not(None))):
        assert s.voided_at is not None
        rows.append((refs[s.unit_id], s.voided_at.date(), "session", s.id, s.void_reason or ""))
    columns = (
        Column("client_ref"),
        Column("date", DATE),
        Column("voided"),
        Column("voided_id", INT),
        Column("reason"),
    )
    return _table("voids", columns, rows)


def _diagnoses(session: Session, client_refs: dict[int, str]) -> tuple[str, Table]:
    rows = [
        (client_refs[d.client_id], d.code, d.description, d.rank, d.effective_from, d.effective_to)
        for d in session.scalars(
            select(Diagnosis).order_by(
                Diagnosis.client_id, Diagnosis.effective_from, Diagnosis.rank
            )
        )
    ]
    columns = (
        Column("client_ref"),
        Column("code"),
        Column("description"),
        Column("rank", INT),
        Column("effective_from", DATE),
        Column("effective_to", DATE),
    )
    return _table("diagnoses", columns, rows)


def _units(session: Session, client_refs: dict[int, str]) -> tuple[str, Table]:
    rows = []
    for u in session.scalars(select(BillingUnit).order_by(BillingUnit.ref)):
        members = ";".join(
            f"{client_refs[m.client_id]}:{m.pays_share_bp / 100:g}%"
            for m in sorted(u.members, key=lambda m: m.client_id)
        )
        rows.append(
            (
                u.ref,
                u.kind,
                u.name,
                client_refs[u.identified_patient_id],
                members,
                u.default_fee,
                "yes" if u.active else "no",
            )
        )
    columns = (
        *_text("ref", "kind", "name", "identified_patient", "members"),
        Column("default_fee", MONEY),
        Column("active"),
    )
    return _table("billing_units", columns, rows)


def _documents(
    session: Session, refs: dict[int, str], client_refs: dict[int, str], methods: dict[int, str]
) -> tuple[tuple[str, Table], list[tuple[str, bytes]]]:
    rows, pdfs = [], []
    receipts = {
        p.id: p
        for p in session.scalars(select(Payment).where(Payment.id.in_(select(Document.payment_id))))
    }
    for d in session.scalars(select(Document).order_by(Document.id)):
        file_name = f"{d.kind}-{d.number}-v{d.version}.pdf".replace("/", "-")
        pdfs.append((file_name, d.pdf))
        paid = receipts.get(d.payment_id) if d.payment_id is not None else None
        rows.append(
            (
                d.id,
                d.kind,
                d.number,
                d.version,
                refs[d.unit_id],
                client_refs[d.client_id],
                d.issued_on,
                d.period_from,
                d.period_to,
                d.total_charged,
                d.total_paid,
                d.balance,
                d.sha256,
                f"{DOCUMENTS}/{file_name}",
                d.supersedes_id,
                d.acknowledged_warnings,
                paid.received_date if paid else None,
                paid.amount if paid else None,
                methods[paid.method_id] if paid else "",
                paid.reference if paid else "",
            )
        )
    columns = (
        Column("document_id", INT),
        *_text("kind", "number"),
        Column("version", INT),
        *_text("client_ref", "client"),
        Column("issued_on", DATE),
        Column("period_from", DATE),
        Column("period_to", DATE),
        Column("total_charged", MONEY),
        Column("total_paid", MONEY),
        Column("balance", MONEY),
        *_text("sha256", "pdf_file"),
        Column("supersedes_document_id", INT),
        Column("acknowledged_warnings"),
        Column("payment_date", DATE),
        Column("payment_amount", MONEY),
        *_text("payment_method", "payment_reference"),
    )
    return _table("documents", columns, rows), pdfs


def _document_lines(session: Session) -> tuple[str, Table]:
    rows = [
        (
            line.document_id,
            line.line_no,
            line.charge_id,
            line.service_date,
            line.place_of_service,
            line.code,
            line.modifiers,
            line.pointers,
            line.units,
            line.fee,
            line.paid,
        )
        for line in session.scalars(
            select(DocumentLine).order_by(DocumentLine.document_id, DocumentLine.line_no)
        )
    ]
    columns = (
        Column("document_id", INT),
        Column("line_no", INT),
        Column("charge_id", INT),
        Column("service_date", DATE),
        *_text("place_of_service", "code", "modifiers", "pointers"),
        Column("units", INT),
        Column("fee", MONEY),
        Column("paid", MONEY),
    )
    return _table("document_lines", columns, rows)


def _claims(session: Session, payers: dict[int, str]) -> tuple[str, Table]:
    numbers = {
        row.id: (row.number, row.version)
        for row in session.execute(select(Document.id, Document.number, Document.version))
    }
    rows = [
        (
            c.id,
            numbers[c.document_id][0],
            numbers[c.document_id][1],
            c.line_no,
            payers.get(c.payer_id, ""),
            c.first_service_date,
            c.last_service_date,
            c.billed,
            c.status,
            c.submitted_on,
            c.claim_number,
            c.allowed,
            c.reimbursed,
            c.eob_date,
            c.paid_on,
            c.denial_reason or "",
            c.denial_note,
            c.appeal_date,
            c.appeal_deadline,
            c.notes,
            c.created_on,
            c.snoozed_until,
        )
        for c in session.scalars(select(Claim).order_by(Claim.id))
    ]
    columns = (
        Column("claim_id", INT),
        Column("superbill"),
        Column("superbill_version", INT),
        Column("line_no", INT),
        Column("payer"),
        Column("first_service_date", DATE),
        Column("last_service_date", DATE),
        Column("billed", MONEY),
        Column("status"),
        Column("submitted_on", DATE),
        Column("claim_number"),
        Column("allowed", MONEY),
        Column("reimbursed", MONEY),
        Column("eob_date", DATE),
        Column("paid_on", DATE),
        *_text("denial_reason", "denial_note"),
        Column("appeal_date", DATE),
        Column("appeal_deadline", DATE),
        Column("notes"),
        Column("created_on", DATE),
        Column("snoozed_until", DATE),
    )
    return _table("claims", columns, rows)


def _claim_events(session: Session) -> tuple[str, Table]:
    rows = [
        (e.claim_id, e.event_date, e.from_status or "", e.to_status, e.note)
        for e in session.scalars(select(ClaimEvent).order_by(ClaimEvent.id))
    ]
    columns = (
        Column("claim_id", INT),
        Column("date", DATE),
        *_text("from_status", "to_status", "note"),
    )
    return _table("claim_events", columns, rows)


def _balances(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    """What each client owes and holds as credit, to check an import against."""
    rows = [
        (refs[unit_id], balance.owed, balance.credit)
        for unit_id, balance in sorted(books.balances(session).items(), key=lambda i: refs[i[0]])
    ]
    columns = (Column("client_ref"), Column("owed", MONEY), Column("credit", MONEY))
    return _table("balances", columns, rows)


def _settings(session: Session) -> list[tuple[str, Table]]:
    practice = session.get(Practice, 1)
    profile = []
    if practice is not None:
        for field in Practice.__table__.columns:
            if field.key in ("id", "signature_png"):
                continue
            value = getattr(practice, field.key, None)
            profile.append((field.key, "" if value is None else str(value)))
    profile += [(s.key, s.value) for s in session.scalars(select(Setting).order_by(Setting.key))]
    services = [
        (s.code, s.label, s.default_minutes, s.default_fee, _yes(s.superbill), _yes(s.active))
        for s in session.scalars(select(Service).order_by(Service.code))
    ]
    methods = [
        (m.name, m.fee_basis_points, m.fee_fixed, _yes(m.active), m.sort_order)
        for m in session.scalars(select(PaymentMethod).order_by(PaymentMethod.sort_order))
    ]
    payers = [
        (
            p.name,
            p.external_id,
            p.timely_filing_days,
            p.usual_days_to_pay,
            p.place_of_service or "",
            p.modifiers or "",
            p.typical_allowed,
            _yes(p.active),
        )
        for p in session.scalars(select(Payer).order_by(Payer.name))
    ]
    return [
        _table("practice", _text("setting", "value"), profile),
        _table(
            "services",
            (
                *_text("code", "label"),
                Column("default_minutes", INT),
                Column("default_fee", MONEY),
                *_text("superbill", "active"),
            ),
            services,
        ),
        _table(
            "payment_methods",
            (
                Column("name"),
                Column("fee_basis_points", INT),
                Column("fee_fixed", MONEY),
                Column("active"),
                Column("sort_order", INT),
            ),
            methods,
        ),
        _table(
            "payers",
            (
                *_text("name", "external_id"),
                Column("timely_filing_days", INT),
                Column("usual_days_to_pay", INT),
                *_text("place_of_service", "modifiers"),
                Column("typical_allowed", MONEY),
                Column("active"),
            ),
            payers,
        ),
    ]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# --- writing --------------------------------------------------------------------------


def write_export(bundle: ExportBundle, out: Path, progress: Progress | None = None) -> ExportResult:
    """Write the bundle as a new folder ``out`` (which may exist only if empty).

    ``progress(done, total)`` hears of each file; when it returns False the export
    stops with ``ExportCancelled`` and the folder is not created."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportFailed(f"{out} already exists and is not an empty folder; choose a new one.")
    if not out.parent.is_dir():
        raise ExportFailed(f"The folder {out.parent} does not exist; create it first.")
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))  # 0700
    total = len(bundle.tables) + 1 + len(bundle.pdfs) + (bundle.signature_png is not None)
    try:
        files: list[str] = []
        for stem, table in bundle.tables:
            _step(progress, len(files), total)
            write_csv(table, staging / f"{stem}.csv")
            files.append(f"{stem}.csv")
        _step(progress, len(files), total)
        write_xlsx([table for _, table in bundle.tables], staging / WORKBOOK)
        files.append(WORKBOOK)
        if bundle.pdfs:
            (staging / DOCUMENTS).mkdir(mode=0o700)
            for name, content in bundle.pdfs:
                _step(progress, len(files), total)
                with atomic_output(staging / DOCUMENTS / name) as handle:
                    handle.write(content)
                files.append(f"{DOCUMENTS}/{name}")
        if bundle.signature_png is not None:
            _step(progress, len(files), total)
            with atomic_output(staging / signature.EXPORT_FILE) as handle:
                handle.write(bundle.signature_png)
            files.append(signature.EXPORT_FILE)
        _step(progress, total, total)
        if out.exists():
            out.rmdir()
        os.rename(staging, out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
    rows = tuple((stem, len(table.rows)) for stem, table in bundle.tables)
    return ExportResult(out, tuple(files), rows)


def export_all(session: Session, out: Path, today: date | None = None) -> ExportResult:
    """Gather and write everything (use ``gather`` and ``write_export`` to split the work)."""
    return write_export(gather(session, today), out)


__all__ = [
    "ExportBundle",
    "ExportCancelled",
    "ExportFailed",
    "ExportResult",
    "export_all",
    "gather",
    "write_export",
]
