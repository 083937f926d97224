"""Issued documents (superbills, statements, receipts): numbered, immutable, versioned."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.domain.kinds import DocumentKind, values

from .base import Base, Cents, UtcDateTime, cents_check, one_of, utcnow


class Document(Base):
    """The exact PDF given to a client, kept so that a reprint is identical.

    A correction is a new version with the same number series that supersedes
    the old one; both are kept.
    """

    __tablename__ = "documents"
    __table_args__ = (
        one_of("kind", values(DocumentKind)),
        UniqueConstraint("number", "version", name="uq_documents_number_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        cents_check("total_charged_cents"),
        cents_check("total_paid_cents"),
        cents_check("balance_cents", minimum=None),
        Index("ix_documents_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), unique=True, nullable=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    period_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    total_charged: Mapped[Decimal] = mapped_column("total_charged_cents", Cents)
    total_paid: Mapped[Decimal] = mapped_column("total_paid_cents", Cents)
    balance: Mapped[Decimal] = mapped_column("balance_cents", Cents)
    acknowledged_warnings: Mapped[str] = mapped_column(Text, default="")
    # Deferred: lists of documents never need the PDFs themselves, and they are large.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))

    lines: Mapped[list[DocumentLine]] = relationship(
        back_populates="document", order_by="DocumentLine.line_no"
    )


class DocumentLine(Base):
    """A service line as it was printed on a superbill (for claims and payer history)."""

    __tablename__ = "document_lines"
    __table_args__ = (
        cents_check("fee_cents"),
        cents_check("paid_cents"),
        CheckConstraint("units >= 1", name="units_positive"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), nullable=True)
    service_date: Mapped[date] = mapped_column(Date)
    place_of_service: Mapped[str] = mapped_column(String(2))
    code: Mapped[str] = mapped_column(String(12))
    modifiers: Mapped[str] = mapped_column(String(20), default="")
    pointers: Mapped[str] = mapped_column(String(8), default="")
    units: Mapped[int] = mapped_column(Integer, default=1)
    fee: Mapped[Decimal] = mapped_column("fee_cents", Cents)
    paid: Mapped[Decimal] = mapped_column("paid_cents", Cents)

    document: Mapped[Document] = relationship(back_populates="lines")
