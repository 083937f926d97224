"""Questions asked of the books as of a date: balances, a client's account line by line,
and aging (in ``aging``, which reads without the ORM; its names are kept here); and
whether the ledger's invariants hold.

Only activity dated on or before the date counts, so any past report can be rebuilt
exactly. Reports over a period (roll-forward, income, charges by service, write-offs
by reason) are in ``period_reports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from db.models import Charge, LedgerSplit, LedgerTxn, Service
from db.models import Session as TherapySession
from db.queries.balances import SPLIT_TOTALS_SQL, balances_cents
from db.queries.closed_balances import DIFFERENCES_SQL, STALE_SQL
from desktop.domain.kinds import Account
from desktop.domain.money import ZERO, from_cents

# Aging reads plain SQL on a session or a raw connection; it lives on its own.
from desktop.services.books.aging import AgingReport as AgingReport
from desktop.services.books.aging import AgingRow as AgingRow
from desktop.services.books.aging import Buckets as Buckets
from desktop.services.books.aging import aging as aging
from desktop.services.books.aging import unit_aging as unit_aging


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


# --- open charges --------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    """A charge with something still owed on it as of a date."""

    charge_id: int
    service_date: date
    code: str
    description: str  # the charge's own text (the practice's label when it was made)
    minutes: int | None  # the session's length, for the session's own service only
    charged: Decimal
    owed: Decimal

    @property
    def paid(self) -> Decimal:
        """What payments, credits and write-offs have taken off the charge."""
        return self.charged - self.owed


# A charge's length in minutes: its session's, when the charge is for the session's own
# service (an add-on charge of the same session is not that long). Outer-join sessions.
CHARGE_MINUTES = case(
    (TherapySession.service_id == Charge.service_id, TherapySession.minutes), else_=None
)


def open_items(session: Session, unit_id: int, as_of: date) -> list[OpenItem]:
    """The unit's open charges as of a date, oldest date of service first."""
    owed = (
        select(LedgerSplit.charge_id, func.sum(LedgerSplit.amount).label("owed"))
        .join(LedgerTxn, LedgerTxn.id == LedgerSplit.txn_id)
        .where(
            LedgerSplit.account == Account.RECEIVABLE.value,
            LedgerSplit.unit_id == unit_id,
            LedgerTxn.txn_date <= as_of,
        )
        .group_by(LedgerSplit.charge_id)
        .having(func.sum(LedgerSplit.amount) > 0)
        .subquery()
    )
    rows = session.execute(
        select(
            Charge.id,
            Charge.service_date,
            Service.code,
            func.coalesce(func.nullif(Charge.description, ""), Service.label),
            CHARGE_MINUTES,
            Charge.amount,
            owed.c.owed,
        )
        .join(owed, owed.c.charge_id == Charge.id)
        .join(Service, Service.id == Charge.service_id)
        .outerjoin(TherapySession, TherapySession.id == Charge.session_id)
        .order_by(Charge.service_date, Charge.id)
    ).all()
    return [
        OpenItem(cid, day, code, text_, minutes, charged, Decimal(left))
        for cid, day, code, text_, minutes, charged, left in rows
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
        # Not ``b.payment_id IS a.payment_id``: with it SQLite looks ``b`` up by payment
        # and reads every split that has none (seconds at ten years), not by transaction.
        "AND b.amount_cents = -a.amount_cents "
        "AND (b.charge_id = a.charge_id OR (b.charge_id IS NULL AND a.charge_id IS NULL)) "
        "AND (b.payment_id = a.payment_id OR (b.payment_id IS NULL AND a.payment_id IS NULL))))",
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
_KEPT_AT_CLOSE = (
    "the balances kept at the last close for client account {0} ({1} cents owed, {2} of "
    "credit) differ from the ledger's through that day ({3} owed, {4} of credit); reopen the "
    "books and close them again"
)
_KEPT_STALE = (
    "balances are kept for a close through {0}, but the books are not closed through that "
    "day; reopen the books and close them again"
)
_VOID_LINKS = ("charges", "payments", "allocations", "adjustments", "refunds")


def ledger_problems(session: Session) -> list[str]:
    """Every broken ledger invariant, one sentence each; empty when the books hold."""
    problems: list[str] = []
    for message, sql in _INVARIANTS:
        for row in session.execute(text(sql)):
            problems.append(message.format(*row))
    for (through,) in session.execute(text(STALE_SQL)):
        problems.append(_KEPT_STALE.format(through))
    for row in session.execute(text(DIFFERENCES_SQL)):
        problems.append(_KEPT_AT_CLOSE.format(*row))
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
