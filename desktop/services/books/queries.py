"""Questions asked of the books, each "as of" a date: only activity dated on or before
it counts, so any past report can be rebuilt exactly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.models import Practice
from db.queries.aging import aging_cents
from db.queries.balances import SPLIT_TOTALS_SQL, balances_cents
from desktop.domain.aging import BUCKETS
from desktop.domain.kinds import AgingBasis
from desktop.domain.money import ZERO, from_cents
from desktop.services.errors import InvalidInput


@dataclass(frozen=True)
class Balance:
    owed: Decimal
    credit: Decimal

    @property
    def net(self) -> Decimal:
        """What the client owes after credit; negative when the practice owes them."""
        return self.owed - self.credit


NO_BALANCE = Balance(ZERO, ZERO)


def balances(session: Session, as_of: date | None = None) -> dict[int, Balance]:
    """Every unit's amount owed and credit on account."""
    rows = balances_cents(session, as_of or date.max)
    return {uid: Balance(from_cents(o), from_cents(c)) for uid, (o, c) in rows.items()}


def balance(session: Session, unit_id: int, as_of: date | None = None) -> Balance:
    rows = balances_cents(session, as_of or date.max, unit_id)
    owed, credit = rows.get(unit_id, (0, 0))
    return Balance(from_cents(owed), from_cents(credit))


# --- a client's ledger ----------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    txn_id: int
    on: date
    kind: str  # charge, payment, write_off, discount, refund, void
    description: str
    charges: Decimal  # increases what is owed
    credits: Decimal  # payments, write-offs
    balance: Decimal  # running: owed less credit
    record_kind: str  # the record a void action would name: charge, payment, ...
    record_id: int | None
    voided: bool


_LEDGER_SQL = text(
    """
    SELECT t.id, t.txn_date, t.kind, t.memo, t.reverses_id,
           SUM(CASE WHEN s.account IN ('receivable', 'client_credit')
                    THEN s.amount_cents ELSE 0 END) AS net,
           c.id AS charge_id, c.description AS charge_desc, c.session_id,
           p.id AS payment_id, m.name AS method, p.reference,
           a.id AS adjustment_id, a.kind AS adj_kind, a.reason, a.note,
           r.id AS refund_id, rm.name AS refund_method,
           (SELECT kind FROM ledger_txns WHERE id = t.reverses_id) AS reversed_kind,
           COALESCE(c.void_txn_id, p.void_txn_id, a.void_txn_id, r.void_txn_id) AS void_id
    FROM ledger_txns AS t
    JOIN ledger_splits AS s ON s.txn_id = t.id
    LEFT JOIN charges AS c ON c.txn_id = t.id
    LEFT JOIN payments AS p ON p.txn_id = t.id
    LEFT JOIN payment_methods AS m ON m.id = p.method_id
    LEFT JOIN adjustments AS a ON a.txn_id = t.id
    LEFT JOIN refunds AS r ON r.txn_id = t.id
    LEFT JOIN payment_methods AS rm ON rm.id = r.method_id
    WHERE t.unit_id = :unit_id AND t.txn_date <= :as_of AND t.kind <> 'allocation'
    GROUP BY t.id
    HAVING net <> 0
    ORDER BY t.txn_date, t.id
    """
)


def ledger_lines(session: Session, unit_id: int, as_of: date | None = None) -> list[LedgerLine]:
    """A client's account, line by line, with a running balance (owed less credit)."""
    running = 0
    lines: list[LedgerLine] = []
    params = {"unit_id": unit_id, "as_of": (as_of or date.max).isoformat()}
    for row in session.execute(_LEDGER_SQL, params).mappings():
        running += row["net"]
        amount = from_cents(abs(row["net"]))
        increases = row["net"] > 0
        kind, description, record_kind, record_id = _describe(row)
        lines.append(
            LedgerLine(
                txn_id=row["id"],
                on=row["txn_date"]
                if isinstance(row["txn_date"], date)
                else date.fromisoformat(row["txn_date"]),
                kind=kind,
                description=description,
                charges=amount if increases else ZERO,
                credits=ZERO if increases else amount,
                balance=from_cents(running),
                record_kind=record_kind,
                record_id=record_id,
                voided=row["void_id"] is not None,
            )
        )
    return lines


def _describe(row: dict) -> tuple[str, str, str, int | None]:
    kind = row["kind"]
    if kind == "charge":
        record = "session_charge" if row["session_id"] else "charge"
        return "charge", row["charge_desc"] or "Charge", record, row["charge_id"]
    if kind == "payment":
        ref = f" ({row['reference']})" if row["reference"] else ""
        return "payment", f"Payment, {row['method']}{ref}", "payment", row["payment_id"]
    if kind == "adjustment":
        label = "Discount" if row["adj_kind"] == "discount" else "Write-off"
        reason = (row["reason"] or "").replace("_", " ")
        note = f" ({row['note']})" if row["note"] else ""
        return row["adj_kind"], f"{label}: {reason}{note}", "adjustment", row["adjustment_id"]
    if kind == "refund":
        return "refund", f"Refund, {row['refund_method']}", "refund", row["refund_id"]
    return "void", f"Void of {row['reversed_kind']}: {row['memo']}", "void", None


# --- aging ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    unit_id: int
    client_ref: str
    client: str
    buckets: tuple[Decimal, Decimal, Decimal, Decimal]
    total: Decimal


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    basis: AgingBasis
    rows: tuple[AgingRow, ...]
    totals: tuple[Decimal, Decimal, Decimal, Decimal]
    total: Decimal
    bucket_names: tuple[str, ...] = BUCKETS


def aging(session: Session, as_of: date) -> AgingReport:
    """What each client owes, by how old it is, as of a date (one row per client who owes)."""
    practice = session.get(Practice, 1)
    basis = AgingBasis(practice.aging_basis) if practice else AgingBasis.SERVICE_DATE
    due_days = practice.due_days if practice and basis is AgingBasis.DUE_DATE else 0
    names = _unit_names(session)
    rows = []
    for unit_id, b0, b1, b2, b3, total in aging_cents(session, as_of, due_days):
        if total == 0:
            continue
        ref, name = names[unit_id]
        rows.append(
            AgingRow(
                unit_id,
                ref,
                name,
                tuple(from_cents(b) for b in (b0, b1, b2, b3)),  # type: ignore[arg-type]
                from_cents(total),
            )
        )
    rows.sort(key=lambda r: (r.client.lower(), r.client_ref))
    totals = tuple(sum((r.buckets[i] for r in rows), ZERO) for i in range(4))
    return AgingReport(
        as_of,
        basis,
        tuple(rows),
        totals,  # type: ignore[arg-type]
        sum((r.total for r in rows), ZERO),
    )


def _unit_names(session: Session) -> dict[int, tuple[str, str]]:
    rows = session.execute(text("SELECT id, ref, name FROM billing_units"))
    return {uid: (ref, name) for uid, ref, name in rows}


# --- period reports -------------------------------------------------------------------


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


_PERIOD_SQL = text(
    """
    SELECT s.account, t.kind, SUM(s.amount_cents)
    FROM ledger_splits AS s JOIN ledger_txns AS t ON t.id = s.txn_id
    WHERE s.account IN ('receivable', 'client_credit')
      AND t.txn_date BETWEEN :start AND :end
    GROUP BY s.account, t.kind
    """
)
# Totals of the two accounts through a day, from whichever side has fewer transactions:
# the transactions dated on or before it, or everything less those dated after it. Both
# walk the transactions' date index (CROSS JOIN keeps SQLite from starting at the splits),
# so a month early or late in a long history reads only a little of it.
_SPLITS_OF_TXNS = """
    SELECT s.account, SUM(s.amount_cents)
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    WHERE s.account IN ('receivable', 'client_credit') AND t.txn_date {dates}
    GROUP BY s.account
"""
_THROUGH_SQL = text(_SPLITS_OF_TXNS.format(dates="<= :day"))
_AFTER_SQL = text(_SPLITS_OF_TXNS.format(dates="> :day"))
_ALL_SQL = text(
    """
    SELECT account, SUM(amount_cents) FROM ledger_splits
    WHERE account IN ('receivable', 'client_credit') GROUP BY account
    """
)
_COUNT_THROUGH_SQL = text(
    "SELECT (SELECT COUNT(*) FROM ledger_txns WHERE txn_date <= :day), "
    "(SELECT COUNT(*) FROM ledger_txns)"
)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("The period ends before it starts.", field="end")


def _totals_through(session: Session, day: date) -> dict[str, int]:
    """Cents by account (receivable, client credit), counting transactions dated on or
    before ``day``."""
    params = {"day": day.isoformat()}
    through, everything = session.execute(_COUNT_THROUGH_SQL, params).one()
    if through <= everything - through:
        return dict(session.execute(_THROUGH_SQL, params).all())
    totals: dict[str, int] = dict(session.execute(_ALL_SQL).all())
    for account, cents in session.execute(_AFTER_SQL, params):
        totals[account] = totals.get(account, 0) - cents
    return totals


def rollforward(session: Session, start: date, end: date) -> RollForward:
    """Opening A/R + charges − payments applied − write-offs ± voids = closing A/R."""
    from datetime import timedelta

    _check_period(start, end)
    opening = _totals_through(session, start - timedelta(days=1))
    closing = _totals_through(session, end)
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
    FROM ledger_splits AS s
    JOIN ledger_txns AS t ON t.id = s.txn_id
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
    FROM ledger_splits AS s JOIN ledger_txns AS t ON t.id = s.txn_id
    JOIN services AS sv ON sv.id = s.service_id
    WHERE s.account = 'income' AND t.txn_date BETWEEN :start AND :end
    GROUP BY sv.code, sv.label ORDER BY sv.code
    """
)
_BY_REASON_SQL = text(
    """
    SELECT s.reason, SUM(s.amount_cents), SUM(CASE WHEN t.kind = 'adjustment' THEN 1 ELSE 0 END)
    FROM ledger_splits AS s JOIN ledger_txns AS t ON t.id = s.txn_id
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


# --- invariants -----------------------------------------------------------------------

_INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "client account {0} shows a balance its ledger entries do not add up to",
        f"SELECT s.unit_id FROM ({SPLIT_TOTALS_SQL}) s "
        "LEFT JOIN unit_balances b ON b.unit_id = s.unit_id "
        "WHERE b.unit_id IS NULL OR b.owed_cents <> s.owed OR b.credit_cents <> s.credit "
        f"UNION SELECT b.unit_id FROM unit_balances b LEFT JOIN ({SPLIT_TOTALS_SQL}) s "
        "ON s.unit_id = b.unit_id WHERE s.unit_id IS NULL",
    ),
    (
        "ledger transaction {0} does not balance (off by {1} cents)",
        "SELECT txn_id, SUM(amount_cents) FROM ledger_splits GROUP BY txn_id "
        "HAVING SUM(amount_cents) <> 0",
    ),
    (
        "ledger transaction {0} has no splits",
        "SELECT t.id FROM ledger_txns t LEFT JOIN ledger_splits s ON s.txn_id = t.id "
        "WHERE s.id IS NULL",
    ),
    (
        "charge {0} has more paid or written off than it was ({1} cents owed)",
        "SELECT charge_id, SUM(amount_cents) FROM ledger_splits WHERE account = 'receivable' "
        "GROUP BY charge_id HAVING SUM(amount_cents) < 0",
    ),
    (
        "charge {0} is owed more than its amount",
        "SELECT s.charge_id FROM ledger_splits s JOIN charges c ON c.id = s.charge_id "
        "WHERE s.account = 'receivable' GROUP BY s.charge_id "
        "HAVING SUM(s.amount_cents) > MAX(c.amount_cents)",
    ),
    (
        "payment {0} has more applied or refunded than was received",
        "SELECT payment_id, SUM(amount_cents) FROM ledger_splits WHERE account = 'client_credit' "
        "GROUP BY payment_id HAVING SUM(amount_cents) > 0",
    ),
    (
        "client account {0} has negative credit",
        "SELECT unit_id FROM ledger_splits WHERE account = 'client_credit' "
        "GROUP BY unit_id HAVING SUM(amount_cents) > 0",
    ),
    (
        "credit split {0} names no payment",
        "SELECT id FROM ledger_splits WHERE account = 'client_credit' AND payment_id IS NULL",
    ),
    (
        "voided entry's transaction {0} is reversed by a transaction that does not negate it",
        "SELECT o.id FROM ledger_txns v JOIN ledger_txns o ON o.id = v.reverses_id "
        "JOIN ledger_splits so ON so.txn_id = o.id GROUP BY o.id, v.id "
        "HAVING (SELECT COUNT(*) FROM ledger_splits a WHERE a.txn_id = v.id) <> COUNT(*) "
        "OR EXISTS (SELECT 1 FROM ledger_splits a WHERE a.txn_id = o.id AND NOT EXISTS ("
        "SELECT 1 FROM ledger_splits b WHERE b.txn_id = v.id AND b.account = a.account "
        "AND b.amount_cents = -a.amount_cents AND b.charge_id IS a.charge_id "
        "AND b.payment_id IS a.payment_id))",
    ),
    (
        "charge {0}'s amount differs from what its transaction posted",
        "SELECT c.id FROM charges c JOIN ledger_splits s ON s.txn_id = c.txn_id "
        "AND s.account = 'receivable' WHERE s.amount_cents <> c.amount_cents",
    ),
    (
        "payment {0}'s amount differs from what its transaction posted",
        "SELECT p.id FROM payments p JOIN ledger_splits s ON s.txn_id = p.txn_id "
        "AND s.account = 'client_credit' WHERE -s.amount_cents <> p.amount_cents",
    ),
)
_VOID_LINKS = ("charges", "payments", "allocations", "adjustments", "refunds")


def ledger_problems(session: Session) -> list[str]:
    """Every broken ledger invariant, one sentence each; empty when the books hold."""
    problems: list[str] = []
    for message, sql in _INVARIANTS:
        for row in session.execute(text(sql)):
            problems.append(message.format(*row))
    for table in _VOID_LINKS:
        sql = (
            f"SELECT r.id FROM {table} r LEFT JOIN ledger_txns v ON v.id = r.void_txn_id "
            "WHERE r.void_txn_id IS NOT NULL AND (v.reverses_id IS NOT r.txn_id) "
            f"UNION SELECT r.id FROM {table} r JOIN ledger_txns v ON v.reverses_id = r.txn_id "
            "WHERE r.void_txn_id IS NULL"
        )
        for (record_id,) in session.execute(text(sql)):
            problems.append(f"{table[:-1]} {record_id} and its void do not point at each other")
    return problems
