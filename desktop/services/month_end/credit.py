"""Client credit and refunds: the two month-end questions ``books`` does not answer.

Client credit is money a client paid that is not yet applied to a charge or
refunded: the practice owes it back or will use it. Each credit split names the
payment it came from, so credit "as of" a date is a sum per payment of splits
dated on or before it, and the oldest payment still holding credit says how long
the money has been waiting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Result, text
from sqlalchemy.orm import Session

from db.queries.closed_balances import kept_rows, window_to
from desktop.domain.money import ZERO, from_cents
from desktop.services.errors import InvalidInput


def as_date(value: date | str) -> date:
    """A DATE column read through plain SQL comes back as ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- client credit --------------------------------------------------------------------


@dataclass(frozen=True)
class CreditRow:
    unit_id: int
    credit: Decimal
    oldest_payment: date  # the oldest payment with money still unapplied
    days_open: int  # from that payment to the as-of date
    payments: int  # how many payments still hold some of the credit


@dataclass(frozen=True)
class CreditReport:
    as_of: date
    rows: tuple[CreditRow, ...]  # in unit id order
    total: Decimal


_CREDIT_SQL = text(
    """
    SELECT s.payment_id, s.unit_id, p.received_date, -SUM(s.amount_cents) AS held
    FROM ledger_splits AS s
    JOIN ledger_txns AS t ON t.id = s.txn_id
    JOIN payments AS p ON p.id = s.payment_id
    WHERE s.account = 'client_credit' AND t.txn_date <= :as_of
    GROUP BY s.payment_id
    HAVING held <> 0
    """
)


# The same from the credit each payment held at the last close, and what came after.
_CREDIT_FROM_CLOSE_SQL = text(
    f"""
    SELECT x.key_id, x.unit_id, p.received_date, -SUM(x.amount_cents) AS held
    FROM ({kept_rows("client_credit", "payment_id")}) AS x
    JOIN payments AS p ON p.id = x.key_id
    GROUP BY x.key_id
    HAVING held <> 0
    """
)


def _credit_held(session: Session, as_of: date) -> Result:
    """(payment id, unit id, received date, cents held) for payments holding credit."""
    window = window_to(session, as_of)
    if window is None:
        return session.execute(_CREDIT_SQL, {"as_of": as_of.isoformat()})
    return session.execute(_CREDIT_FROM_CLOSE_SQL, window.params)


def client_credit(session: Session, as_of: date) -> CreditReport:
    """Each client's credit held as of a date, with its oldest unapplied payment."""
    held: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    oldest: dict[int, date] = {}
    for _payment_id, unit_id, received, cents in _credit_held(session, as_of):
        held[unit_id][0] += cents
        held[unit_id][1] += 1
        day = as_date(received)
        oldest[unit_id] = min(day, oldest.get(unit_id, day))
    rows = tuple(
        CreditRow(
            unit_id,
            from_cents(cents),
            oldest[unit_id],
            (as_of - oldest[unit_id]).days,
            count,
        )
        for unit_id, (cents, count) in sorted(held.items())
        if cents
    )
    return CreditReport(as_of, rows, sum((r.credit for r in rows), ZERO))


# --- refunds --------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundRow:
    refund_id: int
    on: date
    unit_id: int
    method: str
    reference: str
    amount: Decimal
    voided_on: date | None  # only when the void is dated within the period asked about


_REFUNDS_SQL = text(
    """
    SELECT r.id, t.txn_date, r.unit_id, m.name, r.reference, r.amount_cents, v.txn_date
    FROM refunds AS r
    JOIN ledger_txns AS t ON t.id = r.txn_id
    JOIN payment_methods AS m ON m.id = r.method_id
    LEFT JOIN ledger_txns AS v ON v.id = r.void_txn_id
    WHERE t.txn_date BETWEEN :start AND :end
    ORDER BY t.txn_date, r.id
    """
)


def refunds(session: Session, start: date, end: date) -> list[RefundRow]:
    """Refunds dated in a period, voided ones included (their voids count when dated)."""
    if end < start:
        raise InvalidInput("The period ends before it starts.", field="end")
    rows = []
    params = {"start": start.isoformat(), "end": end.isoformat()}
    for refund_id, on, unit_id, method, reference, cents, voided in session.execute(
        _REFUNDS_SQL, params
    ):
        void_day = as_date(voided) if voided is not None else None
        rows.append(
            RefundRow(
                refund_id,
                as_date(on),
                unit_id,
                method,
                reference or "",
                from_cents(cents),
                void_day if void_day is not None and void_day <= end else None,
            )
        )
    return rows


# --- credit from the records ----------------------------------------------------------

# What the business records say is still unapplied, ignoring the credit account: each
# payment received, less what was applied or refunded from it, unless it was voided.
# A record counts from its transaction's date until its void's date.
_LIVE = "t.txn_date <= :as_of AND (v.id IS NULL OR v.txn_date > :as_of)"
_UNAPPLIED_SQL = text(
    f"""
    WITH live_payments AS (
        SELECT p.id, p.amount_cents FROM payments AS p
        JOIN ledger_txns AS t ON t.id = p.txn_id
        LEFT JOIN ledger_txns AS v ON v.id = p.void_txn_id
        WHERE {_LIVE}
    )
    SELECT
      (SELECT COALESCE(SUM(amount_cents), 0) FROM live_payments)
      - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations AS a
         JOIN live_payments AS lp ON lp.id = a.payment_id
         JOIN ledger_txns AS t ON t.id = a.txn_id
         LEFT JOIN ledger_txns AS v ON v.id = a.void_txn_id
         WHERE {_LIVE})
      - (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds AS r
         JOIN live_payments AS lp ON lp.id = r.payment_id
         JOIN ledger_txns AS t ON t.id = r.txn_id
         LEFT JOIN ledger_txns AS v ON v.id = r.void_txn_id
         WHERE {_LIVE})
    """
)


def unapplied_from_records(session: Session, as_of: date) -> Decimal:
    """Payments received less what was applied or refunded, from the records alone."""
    cents = session.execute(_UNAPPLIED_SQL, {"as_of": as_of.isoformat()}).scalar_one()
    return from_cents(cents)
