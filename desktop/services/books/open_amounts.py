"""What is still open on the books: what is owed on each charge, what of each payment is
still client credit, and a unit's credit on account.

Posting checks every entry against these sums (``ledger``), and ``applying`` plans
from the dated lists (with the date each balance last moved). The sums go to the
driver directly (``db.queries.posting``); the queries that return records are built
once, with bound parameters: building a statement costs several times what SQLite
takes to answer it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Subquery, bindparam, func, select
from sqlalchemy.orm import Session

from db.models import Charge, LedgerSplit, LedgerTxn, Payment
from db.queries import posting
from desktop.domain.kinds import Account
from desktop.domain.money import from_cents


def charge_open_amount(session: Session, charge_id: int) -> Decimal:
    """What is still owed on a charge (receivable splits that name it)."""
    return from_cents(
        posting.split_sum_cents(session, Account.RECEIVABLE.value, "charge_id", charge_id)
    )


def payment_unapplied(session: Session, payment_id: int) -> Decimal:
    """What of a payment is still client credit (not applied, not refunded)."""
    return -from_cents(
        posting.split_sum_cents(session, Account.CLIENT_CREDIT.value, "payment_id", payment_id)
    )


def unit_credit(session: Session, unit_id: int) -> Decimal:
    """A unit's credit on account: what of its payments is neither applied nor refunded."""
    return -from_cents(
        posting.split_sum_cents(session, Account.CLIENT_CREDIT.value, "unit_id", unit_id)
    )


def open_charge_records(session: Session, unit_id: int) -> list[tuple[Charge, Decimal]]:
    """The unit's charges with something still owed, oldest date of service first."""
    return [(charge, owed) for charge, owed, _ in open_charges_dated(session, unit_id)]


def payments_with_credit(session: Session, unit_id: int) -> list[tuple[Payment, Decimal]]:
    """The unit's payments with money not yet applied, oldest first."""
    return [(payment, left) for payment, left, _ in payments_with_credit_dated(session, unit_id)]


def _per_record(account: Account, key: Any) -> Subquery:
    """Per charge (or payment) of the unit ``:unit_id``: the sum of its splits on one
    account, and the date of its last movement there."""
    return (
        select(
            key,
            func.sum(LedgerSplit.amount).label("c"),
            func.max(LedgerTxn.txn_date).label("last"),
        )
        .join(LedgerTxn, LedgerTxn.id == LedgerSplit.txn_id)
        .where(LedgerSplit.account == account.value, LedgerSplit.unit_id == bindparam("unit_id"))
        .group_by(key)
        .subquery()
    )


_owed = _per_record(Account.RECEIVABLE, LedgerSplit.charge_id)
_OPEN_CHARGES = (
    select(Charge, _owed.c.c, _owed.c.last)
    .join(_owed, _owed.c.charge_id == Charge.id)
    .where(_owed.c.c > 0)
    .order_by(Charge.service_date, Charge.id)
)
_left = _per_record(Account.CLIENT_CREDIT, LedgerSplit.payment_id)
_PAYMENTS_WITH_CREDIT = (
    select(Payment, _left.c.c, _left.c.last)
    .join(_left, _left.c.payment_id == Payment.id)
    .where(_left.c.c < 0)
    .order_by(Payment.received_date, Payment.id)
)


def open_charges_dated(session: Session, unit_id: int) -> list[tuple[Charge, Decimal, date]]:
    """Open charges, what is owed on each and the date its balance last moved."""
    rows = session.execute(_OPEN_CHARGES, {"unit_id": unit_id}).all()
    return [(charge, Decimal(cents), last) for charge, cents, last in rows]


def payments_with_credit_dated(
    session: Session, unit_id: int
) -> list[tuple[Payment, Decimal, date]]:
    """Payments with credit left, how much, and the date their credit last moved."""
    rows = session.execute(_PAYMENTS_WITH_CREDIT, {"unit_id": unit_id}).all()
    return [(payment, -Decimal(cents), last) for payment, cents, last in rows]
