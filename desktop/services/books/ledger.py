"""Posting to the double-entry ledger: the only code that writes ledger rows.

Every function here writes one balanced ``LedgerTxn`` (splits sum to zero,
debits positive) plus the business record it belongs to, and refuses dates in
a closed period. Higher-level use cases (sessions, payments) compose these.

The accounts move like this::

    charge       Dr receivable (charge)      Cr income (service)
    payment      Dr cash (method), fees      Cr client credit (payment)
    allocation   Dr client credit (payment)  Cr receivable (charge)
    adjustment   Dr write-offs (reason)      Cr receivable (charge)
    refund       Dr client credit (payment)  Cr cash (method)
    void         the exact negation of the transaction it reverses
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, func, select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    Charge,
    LedgerSplit,
    LedgerTxn,
    Payment,
    Practice,
    Refund,
)
from db.models.base import utcnow
from db.queries import posting
from desktop.domain.allocation import Credit, Debt, Plan, oldest_first, receiving
from desktop.domain.kinds import Account, AdjustmentKind, AdjustmentReason, TxnKind
from desktop.domain.money import ZERO, format_money, from_cents, to_cents
from desktop.services.errors import InvalidInput, NotAllowed, PeriodClosed

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


# --- dates and the closed period ------------------------------------------------------


_CLOSED_KEY = "ledger.closed_through"


def closed_through(session: Session) -> date | None:
    """The closed-through date, read once per unit of work (periods.py refreshes it)."""
    if _CLOSED_KEY not in session.info:
        session.info[_CLOSED_KEY] = session.execute(
            select(Practice.closed_through)
        ).scalar_one_or_none()
    return session.info[_CLOSED_KEY]


def forget_closed_through(session: Session) -> None:
    session.info.pop(_CLOSED_KEY, None)


def first_open_day(session: Session) -> date | None:
    closed = closed_through(session)
    return closed + timedelta(days=1) if closed else None


def ensure_open(session: Session, on: date, what: str = "This entry") -> None:
    """Refuse a date on or before the closed-through date."""
    closed = closed_through(session)
    if closed is not None and on <= closed:
        raise PeriodClosed(
            f"{what} is dated {on.isoformat()}, but the books are closed through "
            f"{closed.isoformat()}; date it after {closed.isoformat()} or reopen the period."
        )


def today() -> date:
    return date.today()


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


# --- amounts still open -----------------------------------------------------------------
#
# Posting asks these for every entry. The sums go to the driver directly
# (``db.queries.posting``); the queries that return records are built once, with bound
# parameters: building a statement costs several times what SQLite takes to answer it.


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
    return -from_cents(
        posting.split_sum_cents(session, Account.CLIENT_CREDIT.value, "unit_id", unit_id)
    )


def open_charge_records(session: Session, unit_id: int) -> list[tuple[Charge, Decimal]]:
    """The unit's charges with something still owed, oldest date of service first."""
    return [(charge, owed) for charge, owed, _ in _open_charges_dated(session, unit_id)]


def payments_with_credit(session: Session, unit_id: int) -> list[tuple[Payment, Decimal]]:
    """The unit's payments with money not yet applied, oldest first."""
    return [(payment, left) for payment, left, _ in _payments_with_credit_dated(session, unit_id)]


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


def _open_charges_dated(session: Session, unit_id: int) -> list[tuple[Charge, Decimal, date]]:
    """Open charges, what is owed on each and the date its balance last moved."""
    rows = session.execute(_OPEN_CHARGES, {"unit_id": unit_id}).all()
    return [(charge, Decimal(cents), last) for charge, cents, last in rows]


def _payments_with_credit_dated(
    session: Session, unit_id: int
) -> list[tuple[Payment, Decimal, date]]:
    """Payments with credit left, how much, and the date their credit last moved."""
    rows = session.execute(_PAYMENTS_WITH_CREDIT, {"unit_id": unit_id}).all()
    return [(payment, -Decimal(cents), last) for payment, cents, last in rows]


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
    ensure_open(session, service_date, "This charge")
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
    ensure_open(session, received_date, "This payment")
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
    opened = first_open_day(session)
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
    owed = charge_open_amount(session, charge.id)
    if amount > owed:
        raise NotAllowed(
            f"Only {format_money(owed)} is still owed on the {charge.service_date.isoformat()} "
            f"charge; {format_money(amount)} cannot be applied to it."
        )
    left = payment_unapplied(session, payment.id)
    if amount > left:
        raise NotAllowed(
            f"Only {format_money(left)} of this payment is left to apply; "
            f"{format_money(amount)} is more than that."
        )
    on = allocation_date(session, payment, charge)
    if not_before is not None and not_before > on:
        on = not_before
    return _write_allocation(session, payment, charge, amount, on, manual=manual)


def _write_allocation(
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
    ensure_open(session, on, "This write-off")
    if on < charge.service_date:
        raise InvalidInput(
            "A write-off cannot be dated before the service it reduces.", field="date"
        )
    owed = charge_open_amount(session, charge.id)
    if amount > owed:
        raise NotAllowed(f"Only {format_money(owed)} is still owed on this charge.")
    short = shortfall_from(_movements(session, Account.RECEIVABLE, charge_id=charge.id), on, amount)
    if short is not None:
        raise NotAllowed(
            f"On {short[0].isoformat()} only {format_money(short[1])} was owed on this charge; "
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
    ensure_open(session, on, "This refund")
    if on < payment.received_date:
        raise InvalidInput("A refund cannot be dated before the payment it returns.", field="date")
    left = payment_unapplied(session, payment.id)
    if amount > left:
        raise NotAllowed(f"Only {format_money(left)} of this payment is unapplied credit.")
    credit = [(d, -a) for d, a in _movements(session, Account.CLIENT_CREDIT, payment_id=payment.id)]
    short = shortfall_from(credit, on, amount)
    if short is not None:
        raise NotAllowed(
            f"On {short[0].isoformat()} only {format_money(short[1])} of this payment was "
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


def void_record(
    session: Session, record: LedgerRecord, reason: str, *, on: date | None = None
) -> int:
    """Reverse one record's transaction exactly, dated ``on`` (default today) or later;
    returns the void transaction's id."""
    if not reason.strip():
        raise InvalidInput("Say why this is being voided.", field="reason")
    if record.void_txn_id is not None:
        raise NotAllowed("This entry was already voided.")
    original = session.get(LedgerTxn, record.txn_id)
    assert original is not None
    when = max(on or today(), original.txn_date)
    ensure_open(session, when, "This void")
    legs = [
        Leg(
            Account(s.account),
            -s.amount,
            charge_id=s.charge_id,
            payment_id=s.payment_id,
            method_id=s.method_id,
            service_id=s.service_id,
            reason=s.reason,
        )
        for s in original.splits
    ]
    txn_id = write_txn(
        session,
        TxnKind.VOID,
        when,
        original.unit_id,
        legs,
        memo=reason.strip(),
        reverses_id=original.id,
    )
    record.void_txn_id = txn_id
    session.flush()
    return txn_id


# --- composite rules ------------------------------------------------------------------


@dataclass(frozen=True)
class OnAccount:
    """A unit's credit and open charges as the oldest-first rule sees them (in the books'
    order), with the records an allocation is written against."""

    credits: tuple[Credit, ...]
    debts: tuple[Debt, ...]
    payments: dict[int, Payment]
    charges: dict[int, Charge]


def _on_account(
    charges: list[tuple[Charge, Decimal, date]], payments: list[tuple[Payment, Decimal, date]]
) -> OnAccount:
    return OnAccount(
        credits=tuple(
            Credit(p.id, None, p.received_date, left, moved) for p, left, moved in payments
        ),
        debts=tuple(Debt(c.id, c.service_date, owed, moved) for c, owed, moved in charges),
        payments={p.id: p for p, _, _ in payments},
        charges={c.id: c for c, _, _ in charges},
    )


def on_account(session: Session, unit_id: int) -> OnAccount:
    """The unit's payments with credit left and its open charges, with their last movements."""
    return _on_account(
        _open_charges_dated(session, unit_id), _payments_with_credit_dated(session, unit_id)
    )


def plan_receipt(
    session: Session, unit_id: int, received_date: date, amounts: Sequence[Decimal]
) -> tuple[Plan, OnAccount]:
    """How money received now (one payment per amount, recorded in that order) and the
    credit already on account will be applied, oldest first: the one plan that both a
    payment's preview and its posting use."""
    if any(amount <= 0 for amount in amounts):
        raise InvalidInput("A payment must be more than zero.", field="amount")
    state = on_account(session, unit_id)
    plan = oldest_first(
        receiving(state.credits, received_date, amounts),
        state.debts,
        not_before=received_date,
        opened=first_open_day(session),
    )
    return plan, state


def write_plan(
    session: Session, plan: Plan, state: OnAccount, received: Sequence[Payment] = ()
) -> list[tuple[Allocation, Charge]]:
    """Write the allocations ``plan`` makes, in its order and with its dates; money received
    now is ``received[part]``. Returns each allocation with the charge it pays.

    The amounts and dates were worked out from the books' own sums and last movements
    (``on_account``), so each allocation gets exactly the checks and the date
    post_allocation would give it, without querying them again.
    """
    made: list[tuple[Allocation, Charge]] = []
    for step in plan.applied:
        if step.payment_id is not None:
            payment = state.payments[step.payment_id]
        else:
            assert step.part is not None
            payment = received[step.part]
        charge = state.charges[step.charge_id]
        allocation = _write_allocation(session, payment, charge, step.amount, step.on, manual=False)
        made.append((allocation, charge))
    return made


def apply_credit(
    session: Session, unit_id: int, not_before: date
) -> list[tuple[Allocation, Charge]]:
    """Apply the unit's unapplied money to its open charges, oldest first; returns each
    allocation made with the charge it pays.

    ``not_before`` is the date of the action that prompts this: money that sat unapplied
    until now is applied now, never back-dated, so earlier "as of" views do not move.
    """
    if unit_credit(session, unit_id) <= 0:  # the common case: nothing to apply
        return []
    charges = _open_charges_dated(session, unit_id)
    if not charges:
        return []
    state = _on_account(charges, _payments_with_credit_dated(session, unit_id))
    plan = oldest_first(
        state.credits, state.debts, not_before=not_before, opened=first_open_day(session)
    )
    return write_plan(session, plan, state)


def active_allocations(
    session: Session, *, charge_id: int | None = None, payment_id: int | None = None
) -> list[Allocation]:
    query = select(Allocation).where(Allocation.void_txn_id.is_(None))
    if charge_id is not None:
        query = query.where(Allocation.charge_id == charge_id)
    if payment_id is not None:
        query = query.where(Allocation.payment_id == payment_id)
    return list(session.execute(query.order_by(Allocation.id)).scalars())


def void_charge(session: Session, charge: Charge, reason: str, *, on: date | None = None) -> None:
    """Void a charge: its allocations and write-offs are reversed first, money becomes credit."""
    for allocation in active_allocations(session, charge_id=charge.id):
        void_record(session, allocation, f"Charge voided: {reason}", on=on)
    adjustments = session.execute(
        select(Adjustment).where(
            Adjustment.charge_id == charge.id, Adjustment.void_txn_id.is_(None)
        )
    ).scalars()
    for adjustment in adjustments:
        void_record(session, adjustment, f"Charge voided: {reason}", on=on)
    void_record(session, charge, reason, on=on)


def void_payment(
    session: Session, payment: Payment, reason: str, *, on: date | None = None
) -> None:
    """Void a payment; refunds must be voided first, allocations are reversed with it."""
    refunded = session.execute(
        select(func.count())
        .select_from(Refund)
        .where(Refund.payment_id == payment.id, Refund.void_txn_id.is_(None))
    ).scalar_one()
    if refunded:
        raise NotAllowed("Part of this payment was refunded; void the refund first.")
    for allocation in active_allocations(session, payment_id=payment.id):
        void_record(session, allocation, f"Payment voided: {reason}", on=on)
    void_record(session, payment, reason, on=on)
