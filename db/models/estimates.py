"""Good Faith Estimates (45 CFR 149.610): what an issued estimate promised, line by line.

The PDF, its number and version, and which version it supersedes live on the
``documents`` row (kind ``estimate``); these rows keep the facts the follow-up
needs without reading the PDF back: the dates, the deadline, the total and the
expected services. Like the document, an estimate is never changed or deleted:
a correction is a new version with rows of its own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Cents, cents_check


class Estimate(Base):
    """One issued version of a Good Faith Estimate."""

    __tablename__ = "estimates"
    __table_args__ = (
        cents_check("total_cents"),
        CheckConstraint("first_service >= scheduled_on", name="service_after_scheduling"),
        CheckConstraint("period_end >= first_service", name="period_in_order"),
        CheckConstraint("sessions >= 0", name="sessions_not_negative"),
        Index("ix_estimates_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # The day the service was scheduled, or the day the client asked (``requested``).
    scheduled_on: Mapped[date] = mapped_column(Date)
    requested: Mapped[bool] = mapped_column(Boolean, default=False)
    first_service: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(40), default="")
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    # None when the rule sets no deadline (the service is under 3 business days away).
    due_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    show_diagnoses: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents)

    lines: Mapped[list[EstimateLine]] = relationship(
        back_populates="estimate", order_by="EstimateLine.id"
    )


class EstimateLine(Base):
    """An expected service as it printed: code, label, how many, and the fee for one."""

    __tablename__ = "estimate_lines"
    __table_args__ = (
        cents_check("unit_fee_cents"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        Index("ix_estimate_lines_estimate", "estimate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimates.id"))
    service_code: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_fee: Mapped[Decimal] = mapped_column("unit_fee_cents", Cents)

    estimate: Mapped[Estimate] = relationship(back_populates="lines")


class EstimateOwed(Base):
    """An estimate the practice owes a client but has not given yet.

    Noted when the first session is scheduled or the client asks for an estimate,
    so the deadline is known (and shown) before anything is issued. Closed once:
    by the estimate that meets it, or with the reason none is needed (the client
    did not go ahead). Never deleted.
    """

    __tablename__ = "estimates_owed"
    __table_args__ = (
        CheckConstraint("first_service >= scheduled_on", name="service_after_scheduling"),
        CheckConstraint(
            "closed_on IS NOT NULL OR (estimate_id IS NULL AND closed_reason = '')",
            name="open_until_closed",
        ),
        Index("ix_estimates_owed_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    scheduled_on: Mapped[date] = mapped_column(Date)
    requested: Mapped[bool] = mapped_column(Boolean, default=False)
    first_service: Mapped[date] = mapped_column(Date)
    # None when the rule sets no deadline (the service is under 3 business days away).
    due_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    noted_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    estimate_id: Mapped[int | None] = mapped_column(ForeignKey("estimates.id"), nullable=True)
    closed_reason: Mapped[str] = mapped_column(String(200), default="")
