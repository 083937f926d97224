"""Out-of-network claims a client files with a superbill, tracked beside the ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.domain.kinds import ClaimStatus, DenialReason, values

from .base import Base, Cents, UtcDateTime, cents_check, nullable_cents_check, one_of, utcnow


class Claim(Base):
    """One claim per issued superbill, or per line where the payer pays lines separately."""

    __tablename__ = "claims"
    __table_args__ = (
        one_of("status", values(ClaimStatus)),
        one_of("denial_reason", values(DenialReason), nullable=True),
        cents_check("billed_cents"),
        nullable_cents_check("allowed_cents"),
        nullable_cents_check("reimbursed_cents"),
        Index("ix_claims_status", "status"),
        Index("ix_claims_document", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    first_service_date: Mapped[date] = mapped_column(Date)
    last_service_date: Mapped[date] = mapped_column(Date)
    billed: Mapped[Decimal] = mapped_column("billed_cents", Cents)
    status: Mapped[str] = mapped_column(String(14), default=ClaimStatus.NOT_SUBMITTED.value)
    submitted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    claim_number: Mapped[str] = mapped_column(String(40), default="")
    allowed: Mapped[Decimal | None] = mapped_column("allowed_cents", Cents, nullable=True)
    reimbursed: Mapped[Decimal | None] = mapped_column("reimbursed_cents", Cents, nullable=True)
    eob_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    denial_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    denial_note: Mapped[str] = mapped_column(Text, default="")
    appeal_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    appeal_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The appeal chain (``desktop.domain.appeals.AppealLevel``): the step last taken, and
    # the one a denial opened (None when none is open).
    appeal_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_appeal_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    snoozed_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_on: Mapped[date] = mapped_column(Date)

    events: Mapped[list[ClaimEvent]] = relationship(
        back_populates="claim", order_by="ClaimEvent.id"
    )


class ClaimEvent(Base):
    """One step in a claim's story: a status change, with its date and note."""

    __tablename__ = "claim_events"
    __table_args__ = (
        one_of("to_status", values(ClaimStatus)),
        one_of("from_status", values(ClaimStatus), nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    event_date: Mapped[date] = mapped_column(Date)
    from_status: Mapped[str | None] = mapped_column(String(14), nullable=True)
    to_status: Mapped[str] = mapped_column(String(14))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="events")
