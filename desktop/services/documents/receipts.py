"""Receipts: proof of one payment, what it was applied to, and the credit left.

A receipt is made out to the member who paid (a partner who is not the
identified patient can have one), at their address, and names each service
in words a benefits (HSA/FSA) administrator accepts, with its procedure code
and the provider's NPI and tax id; never a diagnosis. One current receipt per
payment: a second copy is a reprint, a changed one a correction (a new version
of the same number).

Stored totals: charged is what the payment was applied to, paid is the
payment, balance is applied less paid (negative: the part left as credit).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Allocation,
    BillingUnit,
    Charge,
    Client,
    Document,
    LedgerTxn,
    Payment,
    PaymentMethod,
    Service,
)
from db.models import Session as TherapySession
from desktop.domain.kinds import DocumentKind
from desktop.domain.service_words import service_in_words
from desktop.reports import documents as renderers  # load on first use
from desktop.reports.documents.rows import AppliedTo, MailingAddress, ReceiptDoc
from desktop.services.books import dates
from desktop.services.books import queries as books
from desktop.services.documents.blocks import practice, practice_block
from desktop.services.documents.statements import addressee
from desktop.services.documents.store import (
    IssuedDocument,
    NewDocument,
    current_version,
    next_number,
    store,
)
from desktop.services.errors import InvalidInput, NotAllowed, NotFound


def build_receipt(
    session: Session, payment_id: int, *, issued_on: date | None = None, number: str = ""
) -> ReceiptDoc:
    """The receipt as it would print (a preview when ``number`` is empty)."""
    payment = _payment(session, payment_id)
    issued_on = issued_on or dates.today()
    if issued_on < payment.received_date:
        raise InvalidInput("A receipt cannot be dated before the payment.", field="issued_on")
    method = session.get(PaymentMethod, payment.method_id)
    applied = session.execute(
        select(
            Charge.service_date,
            Service.code,
            Charge.description,
            books.CHARGE_MINUTES,
            Allocation.amount,
        )
        .join(Charge, Charge.id == Allocation.charge_id)
        .join(Service, Service.id == Charge.service_id)
        .outerjoin(TherapySession, TherapySession.id == Charge.session_id)
        .join(LedgerTxn, LedgerTxn.id == Allocation.txn_id)
        .where(
            Allocation.payment_id == payment.id,
            Allocation.void_txn_id.is_(None),
            LedgerTxn.txn_date <= issued_on,
        )
        .order_by(Charge.service_date, Allocation.id)
    ).all()
    p = practice(session)
    payer = _paid_by(session, payment)
    return ReceiptDoc(
        number=number or "Preview",
        issued_on=issued_on,
        practice=practice_block(p),
        client_name=payer.legal_name,
        payment_date=payment.received_date,
        amount=payment.amount,
        method=method.name if method else "",
        reference=payment.reference,
        applied=[
            AppliedTo(day, service_in_words(code, text_, minutes), amount)
            for day, code, text_, minutes, amount in applied
        ],
        credit_remaining=books.balance(session, payment.unit_id, issued_on).credit,
        npi=p.npi,
        tax_id_kind=p.tax_id_kind,
        tax_id=p.tax_id,
        client_address=MailingAddress(
            payer.legal_name, payer.address, payer.city, payer.state, payer.zip
        ),
    )


def preview_receipt(session: Session, payment_id: int, *, issued_on: date | None = None) -> bytes:
    """The receipt as it would print, numbered "Preview" and not kept."""
    return renderers.render_receipt(build_receipt(session, payment_id, issued_on=issued_on))


def issue_receipt(
    session: Session, payment_id: int, *, issued_on: date | None = None
) -> IssuedDocument:
    """Issue and keep the receipt for a payment."""
    payment = _payment(session, payment_id)
    existing = session.execute(
        select(Document.number, Document.version).where(
            Document.payment_id == payment.id,
            Document.kind == DocumentKind.RECEIPT.value,
            Document.id.not_in(
                select(Document.supersedes_id).where(Document.supersedes_id.is_not(None))
            ),
        )
    ).first()
    if existing is not None:
        raise NotAllowed(
            f"{existing.number} is already the receipt for this payment; reprint it, "
            "or issue a correction of it."
        )
    issued_on = issued_on or dates.today()
    number = next_number(session, DocumentKind.RECEIPT, issued_on)
    doc = build_receipt(session, payment.id, issued_on=issued_on, number=number)
    return _store(session, payment, doc)


def correct_receipt(
    session: Session, document_id: int, *, issued_on: date | None = None
) -> IssuedDocument:
    """A new version of a receipt, from the payment as it stands now."""
    old = current_version(session, document_id)
    if old.kind != DocumentKind.RECEIPT.value or old.payment_id is None:
        raise InvalidInput("That document is not a receipt.")
    payment = _payment(session, old.payment_id)
    doc = build_receipt(session, payment.id, issued_on=issued_on, number=old.number)
    return _store(session, payment, doc, version=old.version + 1, supersedes_id=old.id)


def _payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"There is no payment number {payment_id} in this practice file.")
    if payment.void_txn_id is not None:
        raise NotAllowed("That payment was voided; there is nothing to give a receipt for.")
    return payment


def _paid_by(session: Session, payment: Payment) -> Client:
    if payment.payer_client_id is not None:
        client = session.get(Client, payment.payer_client_id)
        if client is not None:
            return client
    unit = session.get(BillingUnit, payment.unit_id)
    assert unit is not None
    return addressee(session, unit)


def _store(
    session: Session,
    payment: Payment,
    doc: ReceiptDoc,
    *,
    version: int = 1,
    supersedes_id: int | None = None,
) -> IssuedDocument:
    return store(
        session,
        NewDocument(
            kind=DocumentKind.RECEIPT,
            number=doc.number,
            version=version,
            unit_id=payment.unit_id,
            client_id=_paid_by(session, payment).id,
            issued_on=doc.issued_on,
            pdf=renderers.render_receipt(doc),
            total_charged=doc.applied_total,
            total_paid=doc.amount,
            balance=doc.applied_total - doc.amount,
            period_from=payment.received_date,
            period_to=payment.received_date,
            payment_id=payment.id,
            supersedes_id=supersedes_id,
        ),
    )
