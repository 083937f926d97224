"""Questions asked of a period of the books (a month, a quarter): the receivable and
credit rolled forward, money in by day and method, charges by service and write-offs
by reason.

Each counts only activity dated within the period, so any past period's report can
be rebuilt exactly; balances and aging as of one day are in ``queries``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.queries.account_totals import totals_through
from desktop.domain.money import from_cents
from desktop.services.errors import InvalidInput


@dataclass(frozen=True)
class RollForward:
    start: date
    end: date
    opening: Decimal
    charges: Decimal
    payments_applied: Decimal
    write_offs: Decimal
    voids: Decimal  # net effect of voids on the receivable (usually negative)
    closing: Decimal
    credit_opening: Decimal
    credit_received: Decimal
    credit_applied: Decimal
    credit_refunded: Decimal
    credit_voids: Decimal
    credit_closing: Decimal

    @property
    def ties(self) -> bool:
        ar = self.opening + self.charges - self.payments_applied - self.write_offs + self.voids
        credit = (
            self.credit_opening
            + self.credit_received
            - self.credit_applied
            - self.credit_refunded
            + self.credit_voids
        )
        return ar == self.closing and credit == self.credit_closing


# Each period report walks the transactions' date index to the period and then their
# splits (CROSS JOIN keeps SQLite from starting at the splits): a month of a long
# history reads only that month.
_PERIOD_SQL = text(
    """
    SELECT s.account, t.kind, SUM(s.amount_cents)
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    WHERE s.account IN ('receivable', 'client_credit')
      AND t.txn_date BETWEEN :start AND :end
    GROUP BY s.account, t.kind
    """
)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("The period ends before it starts.", field="end")


def rollforward(session: Session, start: date, end: date) -> RollForward:
    """Opening A/R + charges − payments applied − write-offs ± voids = closing A/R."""
    _check_period(start, end)
    opening = totals_through(session, start - timedelta(days=1))
    closing = totals_through(session, end)
    moves: dict[tuple[str, str], int] = defaultdict(int)
    for account, kind, cents in session.execute(
        _PERIOD_SQL, {"start": start.isoformat(), "end": end.isoformat()}
    ):
        moves[(account, kind)] = cents
    ar, cc = "receivable", "client_credit"
    return RollForward(
        start=start,
        end=end,
        opening=from_cents(opening.get(ar, 0)),
        charges=from_cents(moves[(ar, "charge")]),
        payments_applied=from_cents(-moves[(ar, "allocation")]),
        write_offs=from_cents(-moves[(ar, "adjustment")]),
        voids=from_cents(moves[(ar, "void")]),
        closing=from_cents(closing.get(ar, 0)),
        credit_opening=from_cents(-opening.get(cc, 0)),
        credit_received=from_cents(-moves[(cc, "payment")]),
        credit_applied=from_cents(moves[(cc, "allocation")]),
        credit_refunded=from_cents(moves[(cc, "refund")]),
        credit_voids=from_cents(-moves[(cc, "void")]),
        credit_closing=from_cents(-closing.get(cc, 0)),
    )


@dataclass(frozen=True)
class IncomeRow:
    on: date
    method: str
    gross: Decimal
    fee: Decimal
    net: Decimal
    refunds: Decimal
    count: int


_INCOME_SQL = text(
    """
    SELECT t.txn_date, m.name,
           COALESCE(o.kind, t.kind) AS origin,
           SUM(CASE WHEN s.account = 'cash' THEN s.amount_cents ELSE 0 END) AS cash,
           SUM(CASE WHEN s.account = 'processor_fees' THEN s.amount_cents ELSE 0 END) AS fee,
           COUNT(DISTINCT t.id) AS n
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    LEFT JOIN ledger_txns AS o ON o.id = t.reverses_id
    JOIN payment_methods AS m ON m.id = s.method_id
    WHERE s.account IN ('cash', 'processor_fees') AND t.txn_date BETWEEN :start AND :end
    GROUP BY t.txn_date, m.name, origin
    """
)


def income(session: Session, start: date, end: date) -> list[IncomeRow]:
    """Money in by day and method: gross, processor fee, net (for matching deposits);
    refunds paid out beside it. Voids count on the day they were made."""
    _check_period(start, end)
    grouped: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for on, method, origin, cash, fee, count in session.execute(
        _INCOME_SQL, {"start": start.isoformat(), "end": end.isoformat()}
    ):
        day = on if isinstance(on, date) else date.fromisoformat(on)
        totals = grouped[(day, method)]
        if origin == "refund":
            totals[3] += -cash
        else:
            totals[0] += cash + fee
            totals[1] += fee
            totals[2] += count
    return [
        IncomeRow(
            day,
            method,
            from_cents(gross),
            from_cents(fee),
            from_cents(gross - fee),
            from_cents(refunds),
            count,
        )
        for (day, method), (gross, fee, count, refunds) in sorted(grouped.items())
    ]


@dataclass(frozen=True)
class AmountBy:
    key: str
    label: str
    amount: Decimal
    count: int


_BY_SERVICE_SQL = text(
    """
    SELECT sv.code, sv.label, -SUM(s.amount_cents), SUM(CASE WHEN t.kind = 'charge' THEN 1
                                                             ELSE 0 END)
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    JOIN services AS sv ON sv.id = s.service_id
    WHERE s.account = 'income' AND t.txn_date BETWEEN :start AND :end
    GROUP BY sv.code, sv.label ORDER BY sv.code
    """
)
_BY_REASON_SQL = text(
    """
    SELECT s.reason, SUM(s.amount_cents), SUM(CASE WHEN t.kind = 'adjustment' THEN 1 ELSE 0 END)
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    WHERE s.account = 'write_offs' AND t.txn_date BETWEEN :start AND :end
    GROUP BY s.reason ORDER BY s.reason
    """
)


def charges_by_service(session: Session, start: date, end: date) -> list[AmountBy]:
    """Charges net of voids, by service code."""
    _check_period(start, end)
    params = {"start": start.isoformat(), "end": end.isoformat()}
    return [
        AmountBy(code, label, from_cents(cents), count)
        for code, label, cents, count in session.execute(_BY_SERVICE_SQL, params)
    ]


def write_offs_by_reason(session: Session, start: date, end: date) -> list[AmountBy]:
    _check_period(start, end)
    params = {"start": start.isoformat(), "end": end.isoformat()}
    return [
        AmountBy(reason, reason.replace("_", " ").capitalize(), from_cents(cents), count)
        for reason, cents, count in session.execute(_BY_REASON_SQL, params)
    ]
