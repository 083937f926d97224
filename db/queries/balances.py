"""Per-unit totals of the receivable and client-credit accounts as of a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

_SUMS = """
    SELECT s.unit_id,
           SUM(CASE WHEN s.account = 'receivable' THEN s.amount_cents ELSE 0 END) AS owed,
           -SUM(CASE WHEN s.account = 'client_credit' THEN s.amount_cents ELSE 0 END) AS credit
    FROM ledger_splits AS s
"""
_ACCOUNTS = " s.account IN ('receivable', 'client_credit') "
_ONE_UNIT = " AND (:unit_id IS NULL OR s.unit_id = :unit_id) "
# Every unit's totals over all its splits (unit_id, owed, credit): what the kept
# totals in unit_balances must equal; ``quietledger check`` compares the two.
SPLIT_TOTALS_SQL = _SUMS + "WHERE" + _ACCOUNTS + "GROUP BY s.unit_id"
# As of a past date: only transactions dated on or before it count.
_AS_OF_SQL = text(
    _SUMS
    + "JOIN ledger_txns AS t ON t.id = s.txn_id WHERE t.txn_date <= :as_of AND"
    + _ACCOUNTS
    + _ONE_UNIT
    + "GROUP BY s.unit_id"
)
# As of a date after the last transaction (the usual case: today), every split counts:
# the running totals the insert trigger keeps (migration 0004) are the answer.
_ALL_SQL = text(
    "SELECT unit_id, owed_cents, credit_cents FROM unit_balances "
    "WHERE :unit_id IS NULL OR unit_id = :unit_id"
)
_LAST_DATE_SQL = text("SELECT MAX(txn_date) FROM ledger_txns")


def balances_cents(
    session: Session, as_of: date, unit_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """unit id -> (owed cents, credit cents) for units with any activity."""
    last = session.execute(_LAST_DATE_SQL).scalar()
    everything = last is None or date.fromisoformat(str(last)) <= as_of
    query = _ALL_SQL if everything else _AS_OF_SQL
    rows = session.execute(query, {"as_of": as_of.isoformat(), "unit_id": unit_id})
    return {row[0]: (row[1], row[2]) for row in rows}
