"""Appointments: what happened, for whom, and at what fee."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.domain.kinds import SessionStatus, values

from .base import Base, Cents, UtcDateTime, cents_check, nullable_cents_check, one_of, utcnow
from .people import BillingUnit
from .practice import Service


class Session(Base):
    """One appointment of a billing unit. Voided sessions stay, with their reason."""

    __tablename__ = "sessions"
    __table_args__ = (
        one_of("status", values(SessionStatus)),
        cents_check("fee_cents"),
        nullable_cents_check("addon_fee_cents"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 600", name="minutes_range"),
        CheckConstraint("length(place_of_service) = 2", name="pos_two_digits"),
        CheckConstraint(
            "(addon_service_id IS NULL) = (addon_fee_cents IS NULL)", name="addon_complete"
        ),
        CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"),
        Index("ix_sessions_unit_date", "unit_id", "service_date"),
        Index("ix_sessions_date", "service_date"),
        # A unit's last session (the client list) in one seek.
        Index("ix_sessions_unit_void_date", "unit_id", "voided_at", "service_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    service_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    fee: Mapped[Decimal] = mapped_column("fee_cents", Cents)
    addon_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    addon_fee: Mapped[Decimal | None] = mapped_column("addon_fee_cents", Cents, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default=SessionStatus.ATTENDED.value)
    place_of_service: Mapped[str] = mapped_column(String(2), default="11")
    modifiers: Mapped[str] = mapped_column(String(20), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    unit: Mapped[BillingUnit] = relationship()
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    addon_service: Mapped[Service | None] = relationship(foreign_keys=[addon_service_id])
