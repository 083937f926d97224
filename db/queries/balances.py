"""Per-unit totals of the receivable and client-credit accounts as of a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

_BALANCES_SQL = text(
    """
    SELECT s.unit_id,
           SUM(CASE WHEN s.account = 'receivable' THEN s.amount_cents ELSE 0 END),
           -SUM(CASE WHEN s.account = 'client_credit' THEN s.amount_cents ELSE 0 END)
    FROM ledger_splits AS s
    JOIN ledger_txns AS t ON t.id = s.txn_id
    WHERE s.account IN ('receivable', 'client_credit') AND t.txn_date <= :as_of
      AND (:unit_id IS NULL OR s.unit_id = :unit_id)
    GROUP BY s.unit_id
    """
)


def balances_cents(
    session: Session, as_of: date, unit_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """unit id -> (owed cents, credit cents) for units with any activity."""
    rows = session.execute(_BALANCES_SQL, {"as_of": as_of.isoformat(), "unit_id": unit_id})
    return {row[0]: (row[1], row[2]) for row in rows}
