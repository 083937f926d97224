"""The double-entry ledger and the business records that post to it.

Every user action that moves money writes a ``LedgerTxn`` whose ``LedgerSplit``
amounts sum to zero (debits positive). Nothing here is ever deleted or edited:
a mistake is reversed by a void transaction that points at what it reverses.
Receivable splits carry the charge they affect, so aging is a sum per charge.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.domain.kinds import Account, AdjustmentKind, AdjustmentReason, TxnKind, values

from .base import Base, Cents, UtcDateTime, cents_check, one_of, utcnow


class LedgerTxn(Base):
    __tablename__ = "ledger_txns"
    __table_args__ = (
        one_of("kind", values(TxnKind)),
        CheckConstraint("(kind = 'void') = (reverses_id IS NOT NULL)", name="void_reverses"),
        CheckConstraint("kind <> 'void' OR length(trim(memo)) > 0", name="void_has_reason"),
        Index("ix_ledger_txns_date", "txn_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    txn_date: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    memo: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    splits: Mapped[list[LedgerSplit]] = relationship(back_populates="txn")


class LedgerSplit(Base):
    __tablename__ = "ledger_splits"
    __table_args__ = (
        one_of("account", values(Account)),
        cents_check("amount_cents", minimum=None),
        CheckConstraint("amount_cents <> 0", name="not_zero"),
        CheckConstraint("account <> 'receivable' OR charge_id IS NOT NULL", name="ar_has_charge"),
        CheckConstraint("account <> 'cash' OR method_id IS NOT NULL", name="cash_has_method"),
        Index("ix_ledger_splits_account_charge", "account", "charge_id"),
        Index("ix_ledger_splits_txn", "txn_id"),
        # A client's open charges, and a payment's credit, without scanning every split.
        Index("ix_ledger_splits_unit_account_charge", "unit_id", "account", "charge_id"),
        Index("ix_ledger_splits_payment", "payment_id"),
        # Every unit's balance (the client list) read from the index alone.
        Index("ix_ledger_splits_balances", "account", "unit_id", "amount_cents", "txn_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"))
    account: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), nullable=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"), nullable=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(16), nullable=True)

    txn: Mapped[LedgerTxn] = relationship(back_populates="splits")


class UnitBalance(Base):
    """A unit's receivable and credit totals over all its splits.

    Written only by the trigger ``trg_ledger_splits_unit_balance`` (migration 0004)
    as splits are inserted; the app reads it for today's balances and ``check``
    compares it with the splits.
    """

    __tablename__ = "unit_balances"

    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"), primary_key=True)
    owed: Mapped[Decimal] = mapped_column("owed_cents", Cents)
    credit: Mapped[Decimal] = mapped_column("credit_cents", Cents)


class ClosedBalance(Base):
    """What one charge still owed, or one payment still held as credit, when the books
    were last closed (``through``, the closed-through date).

    Nothing may be dated on or before the closed-through date, so these sums stay true
    while the books stay closed: a report as of a later day starts from them and reads
    only what came after. Written by ``periods.close_period``, cleared on reopening
    (derived from the splits, so never a financial record); ``check`` compares them
    with the splits. Charges settled and payments used up by then have no row.
    """

    __tablename__ = "closed_balances"
    __table_args__ = (
        one_of("account", (Account.RECEIVABLE.value, Account.CLIENT_CREDIT.value)),
        CheckConstraint("amount_cents <> 0", name="not_zero"),
        CheckConstraint(
            "(account = 'receivable') = (charge_id IS NOT NULL AND payment_id IS NULL)",
            name="names_charge_or_payment",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    through: Mapped[date] = mapped_column(Date)
    account: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), nullable=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)


class Charge(Base):
    """What a client owes for one billable line of a session (or another fee)."""

    __tablename__ = "charges"
    __table_args__ = (
        cents_check("amount_cents", minimum=1),
        Index("ix_charges_unit_date", "unit_id", "service_date"),
        Index("ix_charges_session", "session_id", "void_txn_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), nullable=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    description: Mapped[str] = mapped_column(String(200), default="")
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"), unique=True)
    void_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )


class Payment(Base):
    """Money received from a client, by method, with any processor fee kept back."""

    __tablename__ = "payments"
    __table_args__ = (
        cents_check("amount_cents", minimum=1),
        cents_check("fee_cents"),
        CheckConstraint("fee_cents <= amount_cents", name="fee_within_amount"),
        Index("ix_payments_unit_date", "unit_id", "received_date"),
        Index("ix_payments_date", "received_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    payer_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    received_date: Mapped[date] = mapped_column(Date)
    method_id: Mapped[int] = mapped_column(ForeignKey("payment_methods.id"))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    fee: Mapped[Decimal] = mapped_column("fee_cents", Cents, default=Decimal("0"))
    reference: Mapped[str] = mapped_column(String(80), default="")
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"), unique=True)
    void_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )


class Allocation(Base):
    """Part of a payment applied to a charge (credit moves to the receivable)."""

    __tablename__ = "allocations"
    __table_args__ = (
        cents_check("amount_cents", minimum=1),
        Index("ix_allocations_payment", "payment_id"),
        Index("ix_allocations_charge", "charge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    manual: Mapped[bool] = mapped_column(default=False)
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"), unique=True)
    void_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )


class Adjustment(Base):
    """A write-off or discount that reduces what is owed on a charge, with its reason."""

    __tablename__ = "adjustments"
    __table_args__ = (
        cents_check("amount_cents", minimum=1),
        one_of("kind", values(AdjustmentKind)),
        one_of("reason", values(AdjustmentReason)),
        Index("ix_adjustments_charge", "charge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"))
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"), unique=True)
    void_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )


class Refund(Base):
    """Client credit paid back out, against the payment it came from."""

    __tablename__ = "refunds"
    __table_args__ = (
        cents_check("amount_cents", minimum=1),
        Index("ix_refunds_payment", "payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("billing_units.id"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    refund_date: Mapped[date] = mapped_column(Date)
    method_id: Mapped[int] = mapped_column(ForeignKey("payment_methods.id"))
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents)
    reference: Mapped[str] = mapped_column(String(80), default="")
    txn_id: Mapped[int] = mapped_column(ForeignKey("ledger_txns.id"), unique=True)
    void_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_txns.id"), unique=True, nullable=True
    )


LEDGER_RECORDS = (Charge, Payment, Allocation, Adjustment, Refund)

__all__ = [
    "LEDGER_RECORDS",
    "Adjustment",
    "Allocation",
    "Charge",
    "LedgerSplit",
    "LedgerTxn",
    "Payment",
    "Refund",
]
