"""The practice profile, its catalogs (services, payment methods, payers) and settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.domain.kinds import AgingBasis, values

from .base import Base, Cents, cents_check, nullable_cents_check, one_of


class Practice(Base):
    """The one practice in a practice file (a single row, id 1)."""

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        one_of("aging_basis", values(AgingBasis)),
        one_of("tax_id_kind", ("ein", "ssn")),
        CheckConstraint("autolock_minutes BETWEEN 1 AND 240", name="autolock_range"),
        CheckConstraint("due_days BETWEEN 0 AND 120", name="due_days_range"),
        CheckConstraint("length(default_place_of_service) = 2", name="pos_two_digits"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    practice_name: Mapped[str] = mapped_column(String(200))
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    credentials: Mapped[str] = mapped_column(String(100), default="")
    npi: Mapped[str] = mapped_column(String(10), default="")
    organization_npi: Mapped[str] = mapped_column(String(10), default="")
    tax_id_kind: Mapped[str] = mapped_column(String(3), default="ein")
    tax_id: Mapped[str] = mapped_column(String(11), default="")
    license_number: Mapped[str] = mapped_column(String(50), default="")
    license_state: Mapped[str] = mapped_column(String(2), default="")
    taxonomy: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    default_place_of_service: Mapped[str] = mapped_column(String(2), default="11")
    default_modifiers: Mapped[str] = mapped_column(String(20), default="")
    aging_basis: Mapped[str] = mapped_column(String(20), default=AgingBasis.SERVICE_DATE.value)
    due_days: Mapped[int] = mapped_column(Integer, default=0)
    autolock_minutes: Mapped[int] = mapped_column(Integer, default=10)
    closed_through: Mapped[date | None] = mapped_column(Date, nullable=True)
    statement_message: Mapped[str] = mapped_column(Text, default="")
    superbill_unsubmitted_days: Mapped[int] = mapped_column(Integer, default=14)


class PaymentMethod(Base):
    """A way clients pay (cash, check, a card processor...), with its fee rule."""

    __tablename__ = "payment_methods"
    __table_args__ = (
        CheckConstraint("fee_basis_points BETWEEN 0 AND 10000", name="fee_rate_range"),
        cents_check("fee_fixed_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    fee_basis_points: Mapped[int] = mapped_column(Integer, default=0)
    fee_fixed: Mapped[Decimal] = mapped_column("fee_fixed_cents", Cents, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Service(Base):
    """A billable (or practice-only) service: a procedure code and the practice's label."""

    __tablename__ = "services"
    __table_args__ = (
        cents_check("default_fee_cents"),
        CheckConstraint("default_minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("length(code) BETWEEN 1 AND 12", name="code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    default_minutes: Mapped[int] = mapped_column(Integer, default=0)
    default_fee: Mapped[Decimal] = mapped_column("default_fee_cents", Cents, default=Decimal("0"))
    superbill: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Payer(Base):
    """An insurer clients claim out-of-network reimbursement from."""

    __tablename__ = "payers"
    __table_args__ = (
        CheckConstraint("timely_filing_days BETWEEN 1 AND 1095", name="filing_days_range"),
        CheckConstraint("usual_days_to_pay BETWEEN 1 AND 365", name="usual_days_range"),
        CheckConstraint(
            "place_of_service IS NULL OR length(place_of_service) = 2", name="pos_two_digits"
        ),
        nullable_cents_check("typical_allowed_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    external_id: Mapped[str] = mapped_column(String(40), default="")
    timely_filing_days: Mapped[int] = mapped_column(Integer, default=365)
    usual_days_to_pay: Mapped[int] = mapped_column(Integer, default=30)
    place_of_service: Mapped[str | None] = mapped_column(String(2), nullable=True)
    modifiers: Mapped[str | None] = mapped_column(String(20), nullable=True)
    typical_allowed: Mapped[Decimal | None] = mapped_column(
        "typical_allowed_cents", Cents, nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """Small practice settings that need no column of their own."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
