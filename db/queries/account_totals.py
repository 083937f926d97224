"""What the receivable and client-credit accounts held through a day, in cents."""

from __future__ import annotations

from datetime import date

from db.queries.closed_balances import account_totals
from db.queries.reader import Source, reader

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
_THROUGH_SQL = _SPLITS_OF_TXNS.format(dates="<= :day")
_AFTER_SQL = _SPLITS_OF_TXNS.format(dates="> :day")
_ALL_SQL = """
    SELECT account, SUM(amount_cents) FROM ledger_splits
    WHERE account IN ('receivable', 'client_credit') GROUP BY account
"""
_COUNT_THROUGH_SQL = (
    "SELECT (SELECT COUNT(*) FROM ledger_txns WHERE txn_date <= :day), "
    "(SELECT COUNT(*) FROM ledger_txns)"
)


def totals_through(source: Source, day: date) -> dict[str, int]:
    """Cents by account (receivable, client credit), counting transactions dated on or
    before ``day``: from the balances kept at the last close when it is nearer. An
    account at zero is left out, whichever way the totals were read."""
    return {account: cents for account, cents in _totals_through(source, day).items() if cents}


def _totals_through(source: Source, day: date) -> dict[str, int]:
    read = reader(source)
    kept = account_totals(read, day)
    if kept is not None:
        return kept
    params = {"day": day.isoformat()}
    through, everything = read.rows(_COUNT_THROUGH_SQL, params)[0]
    if through <= everything - through:
        return dict(read.rows(_THROUGH_SQL, params))
    totals: dict[str, int] = dict(read.rows(_ALL_SQL, {}))
    for account, cents in read.rows(_AFTER_SQL, params):
        totals[account] = totals.get(account, 0) - cents
    return totals
