"""Posting to the double-entry ledger: the only code that writes ledger rows.

Every ``post_*`` function here writes one balanced ``LedgerTxn`` (splits sum to
zero, debits positive) plus the business record it belongs to, and refuses dates
in a closed period (``dates.ensure_open``); ``write_txn`` is the one way to write
any other transaction (a void). Use cases compose these: ``applying`` plans and
writes allocations, ``voids`` reverses transactions, and ``sessions``,
``payments``, ``refunds``, ``write_offs`` and ``fees`` record. What is still open
on a charge or payment, which posting checks against, is in ``open_amounts``.

The accounts move like this::

    charge       Dr receivable (charge)      Cr income (service)
    payment      Dr cash (method), fees      Cr client credit (payment)
    allocation   Dr client credit (payment)  Cr receivable (charge)
    adjustment   Dr write-offs (reason)      Cr receivable (charge)
    refund       Dr client credit (payment)  Cr cash (method)
    void         the exact negation of the transaction it reverses
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    Charge,
    LedgerSplit,
    LedgerTxn,
    Payment,
    Refund,
)
from db.models.base import utcnow
from db.queries import posting
from desktop.domain.dates import us_date
from desktop.domain.kinds import Account, AdjustmentKind, AdjustmentReason, TxnKind
from desktop.domain.money import ZERO, format_money, to_cents
from desktop.services.books import dates, open_amounts
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

LedgerRecord = Charge | Payment | Allocation | Adjustment | Refund


@dataclass(frozen=True)
class Leg:
    """One split of a transaction being written."""

    account: Account
    amount: Decimal
    charge_id: int | None = None
    payment_id: int | None = None
    method_id: int | None = None
    service_id: int | None = None
    reason: str | None = None


# --- records by id ---------------------------------------------------------------------


def charge_record(session: Session, charge_id: int) -> Charge:
    """The charge with this id; ``NotFound`` when there is none."""
    charge = session.get(Charge, charge_id)
    if charge is None:
        raise NotFound("That charge is not in this practice file.")
    return charge


def payment_record(session: Session, payment_id: int) -> Payment:
    """The payment with this id; ``NotFound`` when there is none."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("That payment is not in this practice file.")
    return payment


# --- transactions ---------------------------------------------------------------------


def write_txn(
    session: Session,
    kind: TxnKind,
    on: date,
    unit_id: int,
    legs: list[Leg],
    *,
    memo: str = "",
    reverses_id: int | None = None,
) -> int:
    """Write one balanced transaction and return its id. Zero legs are dropped; an
    unbalanced one is a bug."""
    txn = _placeholder_txn(session, kind, on, unit_id, memo, reverses_id=reverses_id)
    _add_legs(session, txn, legs)
    return txn.id


@dataclass(frozen=True)
class _TxnHead:
    """What the splits of a transaction just inserted need to know about it."""

    id: int
    kind: str
    unit_id: int


def _placeholder_txn(
    session: Session,
    kind: TxnKind,
    on: date,
    unit_id: int,
    memo: str,
    *,
    reverses_id: int | None = None,
) -> _TxnHead:
    """A transaction row whose splits are written once the record it serves has an id.

    A plain INSERT rather than an ORM object with a flush of its own: nothing reads the
    transaction back while posting, and this runs for every entry.
    """
    txn_id = posting.insert_txn(
        session,
        kind=kind.value,
        on=on,
        unit_id=unit_id,
        memo=memo,
        reverses_id=reverses_id,
        created_at=utcnow(),
    )
    return _TxnHead(txn_id, kind.value, unit_id)


def _add_legs(session: Session, txn: _TxnHead, legs: list[Leg]) -> None:
    legs = [leg for leg in legs if leg.amount != 0]
    if sum((leg.amount for leg in legs), ZERO) != 0 or not legs:
        raise AssertionError(f"unbalanced {txn.kind} transaction: {legs}")
    # Plain INSERTs: nothing needs the split objects back, and the transaction's
    # ``splits`` collection loads from the database when it is first read.
    posting.insert_splits(
        session,
        txn.id,
        txn.unit_id,
        [
            (
                leg.account.value,
                to_cents(leg.amount),
                leg.charge_id,
                leg.payment_id,
                leg.method_id,
                leg.service_id,
                leg.reason,
            )
            for leg in legs
        ],
    )


# --- the records ----------------------------------------------------------------------


def post_charge(
    session: Session,
    *,
    unit_id: int,
    service_id: int,
    service_date: date,
    amount: Decimal,
    session_id: int | None = None,
    description: str = "",
) -> Charge:
    if amount <= 0:
        raise InvalidInput("A charge must be more than zero.", field="fee")
    dates.ensure_open(session, service_date, "This charge")
    txn = _placeholder_txn(session, TxnKind.CHARGE, service_date, unit_id, description)
    charge = Charge(
        unit_id=unit_id,
        session_id=session_id,
        service_id=service_id,
        service_date=service_date,
        amount=amount,
        description=description,
        txn_id=txn.id,
    )
    session.add(charge)
    session.flush()
    _add_legs(
        session,
        txn,
        [
            Leg(Account.RECEIVABLE, amount, charge_id=charge.id, service_id=service_id),
            Leg(Account.INCOME, -amount, service_id=service_id),
        ],
    )
    return charge


def post_payment(
    session: Session,
    *,
    unit_id: int,
    received_date: date,
    amount: Decimal,
    fee: Decimal,
    method_id: int,
    reference: str = "",
    payer_client_id: int | None = None,
) -> Payment:
    if amount <= 0:
        raise InvalidInput("A payment must be more than zero.", field="amount")
    if fee < 0 or fee > amount:
        raise InvalidInput("The processing fee must be between zero and the amount.", field="fee")
    dates.ensure_open(session, received_date, "This payment")
    txn = _placeholder_txn(session, TxnKind.PAYMENT, received_date, unit_id, reference)
    payment = Payment(
        unit_id=unit_id,
        payer_client_id=payer_client_id,
        received_date=received_date,
        method_id=method_id,
        amount=amount,
        fee=fee,
        reference=reference,
        txn_id=txn.id,
    )
    session.add(payment)
    session.flush()
    _add_legs(
        session,
        txn,
        [
            Leg(Account.CASH, amount - fee, payment_id=payment.id, method_id=method_id),
            Leg(Account.PROCESSOR_FEES, fee, payment_id=payment.id, method_id=method_id),
            Leg(Account.CLIENT_CREDIT, -amount, payment_id=payment.id),
        ],
    )
    return payment


def _movements(
    session: Session,
    account: Account,
    *,
    charge_id: int | None = None,
    payment_id: int | None = None,
) -> list[tuple[date, Decimal]]:
    """(date, amount) of every split on one charge's receivable or one payment's credit."""
    if charge_id is not None:
        rows = session.execute(_MOVEMENTS_OF_CHARGE, {"account": account.value, "ident": charge_id})
    else:
        rows = session.execute(
            _MOVEMENTS_OF_PAYMENT, {"account": account.value, "ident": payment_id}
        )
    return [(on, amount) for on, amount in rows]


def _movements_of(column: Any) -> Select[tuple[date, Decimal]]:
    return (
        select(LedgerTxn.txn_date, LedgerSplit.amount)
        .join(LedgerTxn, LedgerTxn.id == LedgerSplit.txn_id)
        .where(LedgerSplit.account == bindparam("account"), column == bindparam("ident"))
    )


_MOVEMENTS_OF_CHARGE = _movements_of(LedgerSplit.charge_id)
_MOVEMENTS_OF_PAYMENT = _movements_of(LedgerSplit.payment_id)


def shortfall_from(
    movements: list[tuple[date, Decimal]], on: date, amount: Decimal
) -> tuple[date, Decimal] | None:
    """The first date on or after ``on`` when less than ``amount`` was available, with what
    was available then; None when ``amount`` was available on every such date.

    ``movements`` are (date, change in the available amount). Checking every later date,
    not only today, keeps every past "as of" report true after the posting.
    """
    checkpoints = sorted({on, *(d for d, _ in movements if d > on)})
    for day in checkpoints:
        available = sum((a for d, a in movements if d <= day), ZERO)
        if available < amount:
            return day, available
    return None


def allocation_date(session: Session, payment: Payment, charge: Charge) -> date:
    """When money is applied: once both exist, never in a closed period, and never before
    the last movement of the payment's credit or the charge's balance, so that no earlier
    "as of" view ever shows money applied twice."""
    candidates = [payment.received_date, charge.service_date]
    opened = dates.first_open_day(session)
    if opened:
        candidates.append(opened)
    candidates += [d for d, _ in _movements(session, Account.CLIENT_CREDIT, payment_id=payment.id)]
    candidates += [d for d, _ in _movements(session, Account.RECEIVABLE, charge_id=charge.id)]
    return max(candidates)


def post_allocation(
    session: Session,
    payment: Payment,
    charge: Charge,
    amount: Decimal,
    *,
    manual: bool = False,
    not_before: date | None = None,
) -> Allocation:
    if payment.unit_id != charge.unit_id:
        raise NotAllowed("A payment can be applied only to charges of the same client.")
    if payment.void_txn_id is not None or charge.void_txn_id is not None:
        raise NotAllowed("A voided payment or charge cannot be applied.")
    if amount <= 0:
        raise InvalidInput("An amount applied must be more than zero.", field="amount")
    owed = open_amounts.charge_open_amount(session, charge.id)
    if amount > owed:
        raise NotAllowed(
            f"Only {format_money(owed)} is still owed on the {us_date(charge.service_date)} "
            f"charge; {format_money(amount)} cannot be applied to it."
        )
    left = open_amounts.payment_unapplied(session, payment.id)
    if amount > left:
        raise NotAllowed(
            f"Only {format_money(left)} of this payment is left to apply; "
            f"{format_money(amount)} is more than that."
        )
    on = allocation_date(session, payment, charge)
    if not_before is not None and not_before > on:
        on = not_before
    return write_allocation(session, payment, charge, amount, on, manual=manual)


def write_allocation(
    session: Session, payment: Payment, charge: Charge, amount: Decimal, on: date, *, manual: bool
) -> Allocation:
    """The allocation itself, once its amount and date have been checked."""
    txn = _placeholder_txn(session, TxnKind.ALLOCATION, on, payment.unit_id, "")
    allocation = Allocation(
        payment_id=payment.id, charge_id=charge.id, amount=amount, manual=manual, txn_id=txn.id
    )
    session.add(allocation)
    session.flush()
    _add_legs(
        session,
        txn,
        [
            Leg(Account.CLIENT_CREDIT, amount, payment_id=payment.id),
            Leg(Account.RECEIVABLE, -amount, charge_id=charge.id),
        ],
    )
    return allocation


def post_adjustment(
    session: Session,
    charge: Charge,
    amount: Decimal,
    *,
    on: date,
    kind: AdjustmentKind,
    reason: AdjustmentReason,
    note: str = "",
) -> Adjustment:
    if charge.void_txn_id is not None:
        raise NotAllowed("A voided charge cannot be written off.")
    if amount <= 0:
        raise InvalidInput("A write-off must be more than zero.", field="amount")
    if reason is AdjustmentReason.OTHER and not note.strip():
        raise InvalidInput("Say why, when the reason is Other.", field="note")
    dates.ensure_open(session, on, "This write-off")
    if on < charge.service_date:
        raise InvalidInput(
            "A write-off cannot be dated before the service it reduces.", field="date"
        )
    owed = open_amounts.charge_open_amount(session, charge.id)
    if amount > owed:
        raise NotAllowed(f"Only {format_money(owed)} is still owed on this charge.")
    short = shortfall_from(_movements(session, Account.RECEIVABLE, charge_id=charge.id), on, amount)
    if short is not None:
        raise NotAllowed(
            f"On {us_date(short[0])} only {format_money(short[1])} was owed on this charge; "
            "date the write-off later."
        )
    txn = _placeholder_txn(session, TxnKind.ADJUSTMENT, on, charge.unit_id, note)
    adjustment = Adjustment(
        charge_id=charge.id,
        kind=kind.value,
        reason=reason.value,
        note=note,
        amount=amount,
        txn_id=txn.id,
    )
    session.add(adjustment)
    session.flush()
    _add_legs(
        session,
        txn,
        [
            Leg(Account.WRITE_OFFS, amount, charge_id=charge.id, reason=reason.value),
            Leg(Account.RECEIVABLE, -amount, charge_id=charge.id),
        ],
    )
    return adjustment


def post_refund(
    session: Session,
    payment: Payment,
    amount: Decimal,
    *,
    on: date,
    method_id: int,
    reference: str = "",
) -> Refund:
    if payment.void_txn_id is not None:
        raise NotAllowed("A voided payment cannot be refunded.")
    if amount <= 0:
        raise InvalidInput("A refund must be more than zero.", field="amount")
    dates.ensure_open(session, on, "This refund")
    if on < payment.received_date:
        raise InvalidInput("A refund cannot be dated before the payment it returns.", field="date")
    left = open_amounts.payment_unapplied(session, payment.id)
    if amount > left:
        raise NotAllowed(f"Only {format_money(left)} of this payment is unapplied credit.")
    credit = [(d, -a) for d, a in _movements(session, Account.CLIENT_CREDIT, payment_id=payment.id)]
    short = shortfall_from(credit, on, amount)
    if short is not None:
        raise NotAllowed(
            f"On {us_date(short[0])} only {format_money(short[1])} of this payment was "
            "unapplied credit; date the refund later."
        )
    txn = _placeholder_txn(session, TxnKind.REFUND, on, payment.unit_id, reference)
    refund = Refund(
        unit_id=payment.unit_id,
        payment_id=payment.id,
        refund_date=on,
        method_id=method_id,
        amount=amount,
        reference=reference,
        txn_id=txn.id,
    )
    session.add(refund)
    session.flush()
    _add_legs(
        session,
        txn,
        [
            Leg(Account.CLIENT_CREDIT, amount, payment_id=payment.id),
            Leg(Account.CASH, -amount, payment_id=payment.id, method_id=method_id),
        ],
    )
    return refund
