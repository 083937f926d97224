"""The rest of the practice, to read and for ``import all``: diagnoses, billing units,
documents with their PDFs and lines, Good Faith Estimates and their lines, claims and
their history, the practice profile, its settings and catalogs. Every function here
reads; nothing changes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    BillingUnit,
    Claim,
    ClaimEvent,
    Diagnosis,
    Document,
    DocumentLine,
    Estimate,
    EstimateLine,
    EstimateOwed,
    Payer,
    Payment,
    PaymentMethod,
    Practice,
    Service,
    Setting,
)
from desktop.domain.appeals import AppealLevel
from desktop.reports.tabular import Column, Table
from desktop.services.transfer.format import (
    DATE,
    INT,
    MONEY,
    format_flag,
    format_modifiers,
    format_time,
    table,
    text_columns,
)

DOCUMENTS = "documents"  # the folder the PDFs are written to


def diagnoses_table(session: Session, client_refs: dict[int, str]) -> tuple[str, Table]:
    """Every diagnosis with the dates it was in force."""
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
    return table("diagnoses", columns, rows)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def units_table(
    session: Session, client_refs: dict[int, str], codes: dict[int, str]
) -> tuple[str, Table]:
    """Every billing unit with its members and their shares, its usual service, place of
    service and modifiers (blank: the payer's or the practice's), and its regular slot."""
    rows = []
    for u in session.scalars(select(BillingUnit).order_by(BillingUnit.ref)):
        members = ";".join(
            f"{client_refs[m.client_id]}:{m.pays_share_bp / 100:g}%"
            for m in sorted(u.members, key=lambda m: m.client_id)
        )
        weekday = u.recurring_weekday
        rows.append(
            (
                u.ref,
                u.kind,
                u.name,
                client_refs[u.identified_patient_id],
                members,
                u.default_fee,
                format_flag(u.active),
                codes[u.default_service_id] if u.default_service_id else "",
                u.place_of_service or "",
                format_modifiers(u.modifiers),
                WEEKDAYS[weekday] if weekday is not None else "",
                format_time(u.recurring_time),
                u.recurring_every_weeks,
                u.recurring_start,
                u.recurring_minutes,
            )
        )
    columns = (
        *text_columns("ref", "kind", "name", "identified_patient", "members"),
        Column("default_fee", MONEY),
        *text_columns(
            "active",
            "usual_service",
            "place_of_service",
            "modifiers",
            "recurring_weekday",
            "recurring_time",
        ),
        Column("recurring_every_weeks", INT),
        Column("recurring_start", DATE),
        Column("recurring_minutes", INT),
    )
    return table("billing_units", columns, rows)


def documents_table(
    session: Session, refs: dict[int, str], client_refs: dict[int, str], methods: dict[int, str]
) -> tuple[tuple[str, Table], list[tuple[str, bytes]]]:
    """Every issued document (the table) and its PDF as stored (file name, bytes)."""
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
        *text_columns("kind", "number"),
        Column("version", INT),
        *text_columns("client_ref", "client"),
        Column("issued_on", DATE),
        Column("period_from", DATE),
        Column("period_to", DATE),
        Column("total_charged", MONEY),
        Column("total_paid", MONEY),
        Column("balance", MONEY),
        *text_columns("sha256", "pdf_file"),
        Column("supersedes_document_id", INT),
        Column("acknowledged_warnings"),
        Column("payment_date", DATE),
        Column("payment_amount", MONEY),
        *text_columns("payment_method", "payment_reference"),
    )
    return table("documents", columns, rows), pdfs


def document_lines_table(session: Session) -> tuple[str, Table]:
    """The lines of every issued document."""
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
        *text_columns("place_of_service", "code", "modifiers", "pointers"),
        Column("units", INT),
        Column("fee", MONEY),
        Column("paid", MONEY),
    )
    return table("document_lines", columns, rows)


def estimates_table(
    session: Session, refs: dict[int, str], client_refs: dict[int, str]
) -> tuple[str, Table]:
    """Every issued estimate version: the facts its follow-up and dispute meter need.

    ``document_id`` is the estimate's row in documents.csv (its number, version, PDF and
    the version it replaced live there); ``number`` and ``version`` repeat it to read."""
    rows = [
        (
            e.id,
            d.id,
            d.number,
            d.version,
            refs[e.unit_id],
            client_refs[e.client_id],
            e.scheduled_on,
            format_flag(e.requested),
            e.first_service,
            e.period_end,
            e.frequency,
            e.sessions,
            e.due_by,
            format_flag(e.show_diagnoses),
            e.total,
        )
        for e, d in session.execute(
            select(Estimate, Document)
            .join(Document, Document.id == Estimate.document_id)
            .order_by(Estimate.id)
        )
    ]
    columns = (
        Column("estimate_id", INT),
        Column("document_id", INT),
        Column("number"),
        Column("version", INT),
        *text_columns("client_ref", "client"),
        Column("scheduled_on", DATE),
        Column("requested"),
        Column("first_service", DATE),
        Column("period_end", DATE),
        Column("frequency"),
        Column("sessions", INT),
        Column("due_by", DATE),
        Column("show_diagnoses"),
        Column("total", MONEY),
    )
    return table("estimates", columns, rows)


def estimate_lines_table(session: Session) -> tuple[str, Table]:
    """The expected services of every estimate version, as they printed."""
    rows = [
        (line.estimate_id, line.service_code, line.label, line.quantity, line.unit_fee)
        for line in session.scalars(select(EstimateLine).order_by(EstimateLine.id))
    ]
    columns = (
        Column("estimate_id", INT),
        *text_columns("service_code", "label"),
        Column("quantity", INT),
        Column("unit_fee", MONEY),
    )
    return table("estimate_lines", columns, rows)


def estimates_owed_table(
    session: Session, refs: dict[int, str], client_refs: dict[int, str]
) -> tuple[str, Table]:
    """Estimates noted as owed, open or closed; ``estimate_id`` (the estimate that met
    one) is its row in estimates.csv."""
    rows = [
        (
            refs[o.unit_id],
            client_refs[o.client_id],
            o.scheduled_on,
            format_flag(o.requested),
            o.first_service,
            o.due_by,
            o.noted_on,
            o.closed_on,
            o.estimate_id,
            o.closed_reason,
        )
        for o in session.scalars(select(EstimateOwed).order_by(EstimateOwed.id))
    ]
    columns = (
        *text_columns("client_ref", "client"),
        Column("scheduled_on", DATE),
        Column("requested"),
        Column("first_service", DATE),
        Column("due_by", DATE),
        Column("noted_on", DATE),
        Column("closed_on", DATE),
        Column("estimate_id", INT),
        *text_columns("closed_reason"),
    )
    return table("estimates_owed", columns, rows)


def claims_table(session: Session, payers: dict[int, str]) -> tuple[str, Table]:
    """Every claim, named by its superbill's number and version."""
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
            AppealLevel(c.appeal_level).value_name,
            AppealLevel(c.next_appeal_level).value_name if c.next_appeal_level is not None else "",
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
        *text_columns("denial_reason", "denial_note"),
        Column("appeal_date", DATE),
        Column("appeal_deadline", DATE),
        Column("appeal_level"),
        Column("next_appeal_level"),
        Column("notes"),
        Column("created_on", DATE),
        Column("snoozed_until", DATE),
    )
    return table("claims", columns, rows)


def claim_events_table(session: Session) -> tuple[str, Table]:
    """Every step of every claim's history, claim by claim (as import all writes them, so
    the order survives a move)."""
    rows = [
        (e.claim_id, e.event_date, e.from_status or "", e.to_status, e.note)
        for e in session.scalars(select(ClaimEvent).order_by(ClaimEvent.claim_id, ClaimEvent.id))
    ]
    columns = (
        Column("claim_id", INT),
        Column("date", DATE),
        *text_columns("from_status", "to_status", "note"),
    )
    return table("claim_events", columns, rows)


def settings_tables(session: Session) -> list[tuple[str, Table]]:
    """The practice profile and settings, and the services, payment methods and payers."""
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
        (
            s.code,
            s.label,
            s.default_minutes,
            s.default_fee,
            format_flag(s.superbill),
            format_flag(s.active),
        )
        for s in session.scalars(select(Service).order_by(Service.code))
    ]
    methods = [
        (m.name, m.fee_basis_points, m.fee_fixed, format_flag(m.active), m.sort_order)
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
            format_flag(p.active),
        )
        for p in session.scalars(select(Payer).order_by(Payer.name))
    ]
    return [
        table("practice", text_columns("setting", "value"), profile),
        table(
            "services",
            (
                *text_columns("code", "label"),
                Column("default_minutes", INT),
                Column("default_fee", MONEY),
                *text_columns("superbill", "active"),
            ),
            services,
        ),
        table(
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
        table(
            "payers",
            (
                *text_columns("name", "external_id"),
                Column("timely_filing_days", INT),
                Column("usual_days_to_pay", INT),
                *text_columns("place_of_service", "modifiers"),
                Column("typical_allowed", MONEY),
                Column("active"),
            ),
            payers,
        ),
    ]
