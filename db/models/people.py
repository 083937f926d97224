"""Clients (people), billing units (an individual, couple or family) and diagnoses."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.domain.kinds import BillingPreference, Relationship, Sex, UnitKind, values

from .base import Base, Cents, UtcDateTime, cents_check, nullable_cents_check, one_of, utcnow


class Client(Base):
    """A person seen by the practice. Legal name prints on superbills; preferred name never."""

    __tablename__ = "clients"
    __table_args__ = (
        one_of("billing", values(BillingPreference)),
        one_of("subscriber_relationship", values(Relationship)),
        one_of("sex", values(Sex)),
        CheckConstraint("length(trim(legal_last_name)) > 0", name="last_name_required"),
        CheckConstraint("length(trim(client_ref)) > 0", name="ref_required"),
        nullable_cents_check("est_allowed_cents"),
        nullable_cents_check("est_deductible_cents"),
        CheckConstraint(
            "est_coinsurance_bp IS NULL OR est_coinsurance_bp BETWEEN 0 AND 10000",
            name="coinsurance_range",
        ),
        Index("ix_clients_last_first", "legal_last_name", "legal_first_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_ref: Mapped[str] = mapped_column(String(40), unique=True)
    legal_first_name: Mapped[str] = mapped_column(String(80), default="")
    legal_middle_name: Mapped[str] = mapped_column(String(80), default="")
    legal_last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    # As the insurer has it (CMS-1500 items 3 and 11a); empty when not recorded.
    sex: Mapped[str] = mapped_column(String(1), default=Sex.NOT_RECORDED.value)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    billing: Mapped[str] = mapped_column(String(10), default=BillingPreference.PRIVATE.value)
    diagnosis_codes_only: Mapped[bool] = mapped_column(Boolean, default=False)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"), nullable=True)
    member_id: Mapped[str] = mapped_column(String(40), default="")
    group_number: Mapped[str] = mapped_column(String(40), default="")
    subscriber_relationship: Mapped[str] = mapped_column(
        String(10), default=Relationship.SELF.value
    )
    subscriber_name: Mapped[str] = mapped_column(String(160), default="")
    subscriber_date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Reimbursement estimator inputs, saved with the client.
    est_allowed: Mapped[Decimal | None] = mapped_column("est_allowed_cents", Cents, nullable=True)
    est_deductible: Mapped[Decimal | None] = mapped_column(
        "est_deductible_cents", Cents, nullable=True
    )
    est_coinsurance_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    diagnoses: Mapped[list[Diagnosis]] = relationship(
        back_populates="client", order_by="Diagnosis.effective_from, Diagnosis.rank"
    )

    @property
    def legal_name(self) -> str:
        parts = (self.legal_first_name, self.legal_middle_name, self.legal_last_name)
        return " ".join(p for p in parts if p)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}".strip()


class BillingUnit(Base):
    """Who is billed: one client, or a couple or family with an identified patient.

    Sessions, charges and payments belong to a billing unit. An individual client's
    unit shares the client's ``client_ref``.
    """

    __tablename__ = "billing_units"
    __table_args__ = (
        one_of("kind", values(UnitKind)),
        cents_check("default_fee_cents"),
        CheckConstraint(
            "recurring_weekday IS NULL OR recurring_weekday BETWEEN 0 AND 6",
            name="weekday_range",
        ),
        CheckConstraint(
            "recurring_every_weeks IS NULL OR recurring_every_weeks BETWEEN 1 AND 4",
            name="recurrence_range",
        ),
        CheckConstraint(
            "place_of_service IS NULL OR length(place_of_service) = 2", name="pos_two_digits"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=UnitKind.INDIVIDUAL.value)
    name: Mapped[str] = mapped_column(String(200))
    identified_patient_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    default_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    default_fee: Mapped[Decimal] = mapped_column("default_fee_cents", Cents, default=Decimal("0"))
    place_of_service: Mapped[str | None] = mapped_column(String(2), nullable=True)
    modifiers: Mapped[str | None] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    recurring_weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recurring_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    recurring_every_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recurring_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    recurring_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    identified_patient: Mapped[Client] = relationship(foreign_keys=[identified_patient_id])
    members: Mapped[list[UnitMember]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitMember(Base):
    """A client's place in a billing unit and their share of what it pays."""

    __tablename__ = "unit_members"
    __table_args__ = (CheckConstraint("pays_share_bp BETWEEN 0 AND 10000", name="share_range"),)

    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), default="")
    pays_share_bp: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[BillingUnit] = relationship(back_populates="members")
    client: Mapped[Client] = relationship()


class Diagnosis(Base):
    """An ICD-10-CM code in force for a client from ``effective_from`` (to ``effective_to``)."""

    __tablename__ = "diagnoses"
    __table_args__ = (
        CheckConstraint("rank BETWEEN 1 AND 12", name="rank_range"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"
        ),
        CheckConstraint("length(code) BETWEEN 3 AND 8", name="code_length"),
        Index("ix_diagnoses_client_dates", "client_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    code: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(Integer, default=1)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)

    client: Mapped[Client] = relationship(back_populates="diagnoses")
