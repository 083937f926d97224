"""Aging of receivables as of a date, in one SQL pass.

What is still owed on each charge is the sum of the receivable splits that name
it, counting only transactions dated on or before the as-of date. A charge is
due ``terms`` days after its date of service; until then (the due date itself
included) it is Current. Past due, it is bucketed by days past its due date or,
when ``from_service`` is set, by days since its date of service. The rule is
``desktop.domain.aging.bucket_index``, written here in SQL. Once the books are
closed, the sums start from the balances kept at the close (``closed_balances``).
"""

from __future__ import annotations

from datetime import date

from db.queries.closed_balances import kept_rows, window_to
from db.queries.reader import Source, reader

# What each charge owes as of the day: from every transaction through it, or from the
# balances kept at the last close and the transactions between the close and the day.
_OPEN_FROM_HISTORY = """
        SELECT s.charge_id AS charge_id, SUM(s.amount_cents) AS owed
        FROM ledger_splits AS s
        JOIN ledger_txns AS t ON t.id = s.txn_id
        WHERE s.account = 'receivable' AND t.txn_date <= :as_of {unit_filter}
        GROUP BY s.charge_id
        HAVING SUM(s.amount_cents) <> 0
"""
_OPEN_FROM_CLOSE = """
        SELECT key_id AS charge_id, SUM(amount_cents) AS owed FROM ({rows})
        GROUP BY key_id
        HAVING SUM(amount_cents) <> 0
"""
_AGING_SQL = """
    WITH open_charges AS ({open_charges}), dated AS (
        SELECT c.unit_id AS unit_id, o.owed AS owed,
               CAST(julianday(:as_of) - julianday(c.service_date) AS INTEGER) AS since
        FROM open_charges AS o JOIN charges AS c ON c.id = o.charge_id
    ), aged AS (
        SELECT unit_id, owed, since - :terms AS past_due,
               CASE WHEN :from_service = 1 THEN since ELSE since - :terms END AS age
        FROM dated
    )
    SELECT unit_id,
           SUM(CASE WHEN past_due <= 0 THEN owed ELSE 0 END) AS current_owed,
           SUM(CASE WHEN past_due > 0 AND age <= 30 THEN owed ELSE 0 END) AS b1,
           SUM(CASE WHEN past_due > 0 AND age BETWEEN 31 AND 60 THEN owed ELSE 0 END) AS b2,
           SUM(CASE WHEN past_due > 0 AND age BETWEEN 61 AND 90 THEN owed ELSE 0 END) AS b3,
           SUM(CASE WHEN past_due > 0 AND age > 90 THEN owed ELSE 0 END) AS b4,
           SUM(owed) AS total
    FROM aged
    GROUP BY unit_id
"""


def _aging(open_charges: str) -> str:
    return _AGING_SQL.format(open_charges=open_charges)


_ALL_UNITS = _aging(_OPEN_FROM_HISTORY.format(unit_filter=""))
_ONE_UNIT = _aging(_OPEN_FROM_HISTORY.format(unit_filter="AND s.unit_id = :unit_id"))
_ALL_UNITS_FROM_CLOSE = _aging(_OPEN_FROM_CLOSE.format(rows=kept_rows("receivable", "charge_id")))
_ONE_UNIT_FROM_CLOSE = _aging(
    _OPEN_FROM_CLOSE.format(rows=kept_rows("receivable", "charge_id", one_unit=True))
)


def aging_cents(
    source: Source,
    as_of: date,
    terms: int = 0,
    *,
    from_service: bool = False,
    unit_id: int | None = None,
) -> list[tuple[int, ...]]:
    """(unit_id, current, 1-30, 31-60, 61-90, 91+, total) in cents, one row per unit that
    owes (only ``unit_id``'s row when one is named)."""
    params: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "terms": terms,
        "from_service": int(from_service),
        "unit_id": unit_id,
    }
    read = reader(source)
    window = window_to(read, as_of)
    if window is None:
        query = _ALL_UNITS if unit_id is None else _ONE_UNIT
    else:
        query = _ALL_UNITS_FROM_CLOSE if unit_id is None else _ONE_UNIT_FROM_CLOSE
        params.update(window.params)
    return read.rows(query, params)
