"""Aging of receivables as of a date, in one SQL pass.

What is still owed on each charge is the sum of the receivable splits that name
it, counting only transactions dated on or before the as-of date. The age is
counted from the date of service (or from the due date, ``due_days`` later).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

_AGING_SQL = text(
    """
    WITH open_charges AS (
        SELECT s.charge_id AS charge_id, SUM(s.amount_cents) AS owed
        FROM ledger_splits AS s
        JOIN ledger_txns AS t ON t.id = s.txn_id
        WHERE s.account = 'receivable' AND t.txn_date <= :as_of
        GROUP BY s.charge_id
        HAVING SUM(s.amount_cents) <> 0
    ), aged AS (
        SELECT c.unit_id AS unit_id, o.owed AS owed,
               CAST(julianday(:as_of) - julianday(c.service_date) AS INTEGER) - :due_days
                   AS age
        FROM open_charges AS o JOIN charges AS c ON c.id = o.charge_id
    )
    SELECT unit_id,
           SUM(CASE WHEN age <= 30 THEN owed ELSE 0 END) AS b0,
           SUM(CASE WHEN age BETWEEN 31 AND 60 THEN owed ELSE 0 END) AS b1,
           SUM(CASE WHEN age BETWEEN 61 AND 90 THEN owed ELSE 0 END) AS b2,
           SUM(CASE WHEN age > 90 THEN owed ELSE 0 END) AS b3,
           SUM(owed) AS total
    FROM aged
    GROUP BY unit_id
    """
)


def aging_cents(session: Session, as_of: date, due_days: int = 0) -> list[tuple[int, ...]]:
    """(unit_id, 0-30, 31-60, 61-90, 91+, total) in cents, one row per unit that owes."""
    rows = session.execute(_AGING_SQL, {"as_of": as_of.isoformat(), "due_days": due_days})
    return [tuple(row) for row in rows]
