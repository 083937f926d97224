"""Issued documents: numbering, storing the exact PDF, listing, reprinting, superseding.

A document is issued once, numbered per kind and year (SB-2026-0001,
ST-2026-0001, RC-2026-0001, GFE-2026-0001), and never changed afterwards: a reprint returns
the stored bytes, and a correction is a new version of the same number that
points at the version it replaces. Both versions stay in the practice file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Client, Document, DocumentLine
from desktop.domain.kinds import DocumentKind
from desktop.services.audit import log as audit
from desktop.services.errors import NotAllowed, NotFound, ServiceError

PREFIXES = {
    DocumentKind.SUPERBILL: "SB",
    DocumentKind.STATEMENT: "ST",
    DocumentKind.RECEIPT: "RC",
    DocumentKind.ESTIMATE: "GFE",
    DocumentKind.CLAIM_FORM: "CF",
}


class DocumentDamaged(ServiceError):
    """The stored PDF no longer matches the fingerprint taken when it was issued."""


@dataclass(frozen=True)
class IssuedDocument:
    """A document just issued, or looked up: what the screen lists, and the PDF."""

    id: int
    kind: DocumentKind
    number: str
    version: int
    unit_id: int
    unit_ref: str
    client_name: str
    period_from: date | None
    period_to: date | None
    issued_on: date
    total_charged: Decimal
    total_paid: Decimal
    balance: Decimal
    supersedes_id: int | None
    superseded: bool
    acknowledged_warnings: tuple[str, ...]
    sha256: str

    @property
    def label(self) -> str:
        """How the document is named to a person: "SB-2026-0001 v2"."""
        return self.number if self.version == 1 else f"{self.number} v{self.version}"


@dataclass(frozen=True)
class NewDocument:
    """What a builder hands over to be stored."""

    kind: DocumentKind
    number: str
    version: int
    unit_id: int
    client_id: int
    issued_on: date
    pdf: bytes
    total_charged: Decimal
    total_paid: Decimal
    balance: Decimal
    period_from: date | None = None
    period_to: date | None = None
    payment_id: int | None = None
    supersedes_id: int | None = None
    acknowledged_warnings: tuple[str, ...] = ()
    lines: tuple[DocumentLine, ...] = ()


def next_number(session: Session, kind: DocumentKind, issued_on: date) -> str:
    """The next free number of ``kind`` in the year of ``issued_on``."""
    prefix = f"{PREFIXES[kind]}-{issued_on.year}-"
    last = session.execute(
        select(func.max(Document.number)).where(
            Document.kind == kind.value, Document.number.like(f"{prefix}%")
        )
    ).scalar_one_or_none()
    # Numbers are zero-padded, so the greatest string is the greatest number.
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def next_numbers(session: Session, kind: DocumentKind, issued_on: date, count: int) -> list[str]:
    """``count`` consecutive free numbers, for a batch stored only once every PDF exists."""
    prefix, _, first = next_number(session, kind, issued_on).rpartition("-")
    return [f"{prefix}-{int(first) + i:04d}" for i in range(count)]


def current_version(session: Session, document_id: int) -> Document:
    """The document, refusing one that a later version already replaced."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("That document is not in this practice file.")
    newer = session.execute(
        select(Document.number, Document.version).where(Document.supersedes_id == document_id)
    ).first()
    if newer is not None:
        raise NotAllowed(
            f"{document.number} version {document.version} was already replaced by version "
            f"{newer.version}; correct the latest version instead."
        )
    return document


def store(session: Session, new: NewDocument, *, action: str | None = None) -> IssuedDocument:
    """Keep the exact PDF and its fingerprint, with its lines, and audit the issue
    (or ``action``, such as bringing it in from an export)."""
    return store_many(session, [new], action=action)[0]


def store_many(
    session: Session, news: Sequence[NewDocument], *, action: str | None = None
) -> list[IssuedDocument]:
    """``store`` for many documents at once: their rows and lines written in one flush
    and their audit entries with one INSERT (a month's superbills), in order."""
    documents = [_document(new) for new in news]
    # Given to the documents, so they are written with them in one flush and their lines
    # are already there for whoever reads them next (the claim a superbill starts).
    session.add_all(documents)
    session.flush()
    audit.record_many(
        session,
        [
            audit.Pending(
                action or ("issue" if new.supersedes_id is None else "supersede"),
                "document",
                document.id,
                after=_audited(document, len(new.lines)),
                unit_id=document.unit_id,
            )
            for document, new in zip(documents, news, strict=True)
        ],
    )
    issued = []
    for document in documents:
        # Just stored, so nothing replaces it yet; the unit is already in the session.
        unit = session.get(BillingUnit, document.unit_id)
        assert unit is not None
        issued.append(_issued(document, unit.ref, unit.name, superseded=False))
    return issued


def _document(new: NewDocument) -> Document:
    document = Document(
        kind=new.kind.value,
        number=new.number,
        version=new.version,
        supersedes_id=new.supersedes_id,
        unit_id=new.unit_id,
        client_id=new.client_id,
        payment_id=new.payment_id,
        period_from=new.period_from,
        period_to=new.period_to,
        issued_on=new.issued_on,
        total_charged=new.total_charged,
        total_paid=new.total_paid,
        balance=new.balance,
        acknowledged_warnings="\n".join(new.acknowledged_warnings),
        pdf=new.pdf,
        sha256=hashlib.sha256(new.pdf).hexdigest(),
    )
    for line_no, line in enumerate(new.lines, start=1):
        line.line_no = line_no
    document.lines = list(new.lines)
    return document


def _audited(document: Document, lines: int) -> dict[str, object]:
    """What the audit log keeps of an issued document."""
    return {
        "kind": document.kind,
        "number": document.number,
        "version": document.version,
        "supersedes_id": document.supersedes_id,
        "period_from": document.period_from,
        "period_to": document.period_to,
        "payment_id": document.payment_id,
        "total_charged": document.total_charged,
        "total_paid": document.total_paid,
        "balance": document.balance,
        "acknowledged_warnings": document.acknowledged_warnings,
        "sha256": document.sha256,
        "lines": lines,
    }


def reprint(session: Session, document_id: int) -> bytes:
    """The exact bytes that were issued; refuses bytes that no longer match their fingerprint."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("That document is not in this practice file.")
    if hashlib.sha256(document.pdf).hexdigest() != document.sha256:
        raise DocumentDamaged(
            f"The stored copy of {document.number} version {document.version} is damaged; "
            "run 'quietledger check' and restore a backup."
        )
    return document.pdf


def find_by_number(session: Session, number: str, version: int | None = None) -> IssuedDocument:
    """An issued document by its printed number (``SB-2026-0001``): the version asked
    for, else the current one (the last correction)."""
    wanted = number.strip().upper()
    query = select(Document.id, Document.version).where(func.upper(Document.number) == wanted)
    found = dict(session.execute(query).all())
    if not found:
        raise NotFound(
            f"No document is numbered {number.strip()}; the numbers are on the Documents "
            "page, such as SB-2026-0001."
        )
    versions = {v: doc_id for doc_id, v in found.items()}
    if version is None:
        version = max(versions)
    if version not in versions:
        kept = ", ".join(str(v) for v in sorted(versions))
        raise NotFound(f"{wanted} has no version {version}; its versions are {kept}.")
    return get_document(session, versions[version])


def get_document(session: Session, document_id: int) -> IssuedDocument:
    rows = list_documents(session, document_id=document_id)
    if not rows:
        raise NotFound("That document is not in this practice file.")
    return rows[0]


def list_documents(
    session: Session,
    *,
    kind: DocumentKind | None = None,
    unit_id: int | None = None,
    document_id: int | None = None,
) -> list[IssuedDocument]:
    """Issued documents, newest first; a replaced version is listed with ``superseded``."""
    newer = aliased(Document)
    query = (
        select(Document, BillingUnit.ref, BillingUnit.name, newer.id)
        .join(BillingUnit, BillingUnit.id == Document.unit_id)
        .outerjoin(newer, newer.supersedes_id == Document.id)
        .order_by(Document.issued_on.desc(), Document.number.desc(), Document.version.desc())
    )
    if kind is not None:
        query = query.where(Document.kind == kind.value)
    if unit_id is not None:
        query = query.where(Document.unit_id == unit_id)
    if document_id is not None:
        query = query.where(Document.id == document_id)
    return [
        _issued(doc, ref, name, superseded=newer_id is not None)
        for doc, ref, name, newer_id in session.execute(query)
    ]


def _issued(doc: Document, unit_ref: str, client_name: str, *, superseded: bool) -> IssuedDocument:
    return IssuedDocument(
        id=doc.id,
        kind=DocumentKind(doc.kind),
        number=doc.number,
        version=doc.version,
        unit_id=doc.unit_id,
        unit_ref=unit_ref,
        client_name=client_name,
        period_from=doc.period_from,
        period_to=doc.period_to,
        issued_on=doc.issued_on,
        total_charged=doc.total_charged,
        total_paid=doc.total_paid,
        balance=doc.balance,
        supersedes_id=doc.supersedes_id,
        superseded=superseded,
        acknowledged_warnings=tuple(w for w in doc.acknowledged_warnings.split("\n") if w),
        sha256=doc.sha256,
    )


def client_of(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("That client is not in this practice file.")
    return client
