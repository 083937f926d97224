"""The books as of a day, started from the balances kept when they were last closed.

Nothing may be dated on or before the closed-through date, so what each charge owed
and each payment held as credit on that date (``closed_balances``, kept at close)
stays true while the books stay closed. A question as of a later day is those kept
balances plus the transactions after the close; as of an earlier day, the kept
balances less the transactions between that day and the close. Either way it reads
a window of weeks, not the whole history. With nothing kept, or when the first
entries are nearer to the day than the close is, the whole history answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from db.queries.reader import Source, reader, write

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_WHOLE_HISTORY = "ledger.whole_history"
ACCOUNTS = "('receivable', 'client_credit')"

# What the books held through :through, one row per charge (receivable) or payment
# (credit) with anything left: settled charges and used-up payments have no row.
_KEEP_SQL = f"""
    INSERT INTO closed_balances (through, account, unit_id, charge_id, payment_id, amount_cents)
    SELECT :through, s.account, s.unit_id,
           CASE WHEN s.account = 'receivable' THEN s.charge_id END,
           CASE WHEN s.account = 'client_credit' THEN s.payment_id END,
           SUM(s.amount_cents)
    FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
    WHERE t.txn_date <= :through AND s.account IN {ACCOUNTS}
    GROUP BY s.account, s.unit_id,
             CASE WHEN s.account = 'receivable' THEN s.charge_id ELSE s.payment_id END
    HAVING SUM(s.amount_cents) <> 0
    """
_FORGET_SQL = "DELETE FROM closed_balances"
_STATE_SQL = (
    "SELECT (SELECT MIN(through) FROM closed_balances), (SELECT MAX(through) FROM "
    "closed_balances), (SELECT closed_through FROM practice WHERE id = 1), "
    "(SELECT MIN(txn_date) FROM ledger_txns)"
)

# Client accounts whose kept balances do not add up to what the ledger held on the
# closed-through date, as (unit, owed kept, credit kept, owed then, credit then): for
# ``check``. What the ledger held then is today's running totals (``unit_balances``,
# checked against the splits on their own) less what was dated after the close, so
# only the weeks since the close are read.
DIFFERENCES_SQL = f"""
    WITH closed AS (
        SELECT closed_through AS day FROM practice WHERE id = 1 AND closed_through IS NOT NULL
    ), kept AS (
        SELECT unit_id,
               SUM(CASE WHEN account = 'receivable' THEN amount_cents ELSE 0 END) AS owed,
               -SUM(CASE WHEN account = 'client_credit' THEN amount_cents ELSE 0 END) AS credit
        FROM closed_balances GROUP BY unit_id
    ), later AS (
        SELECT s.unit_id,
               SUM(CASE WHEN s.account = 'receivable' THEN s.amount_cents ELSE 0 END) AS owed,
               -SUM(CASE WHEN s.account = 'client_credit' THEN s.amount_cents ELSE 0 END)
                   AS credit
        FROM closed JOIN ledger_txns AS t ON t.txn_date > closed.day
        CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
        WHERE s.account IN {ACCOUNTS}
        GROUP BY s.unit_id
    ), then_held AS (
        SELECT b.unit_id, b.owed_cents - COALESCE(l.owed, 0) AS owed,
               b.credit_cents - COALESCE(l.credit, 0) AS credit
        FROM closed CROSS JOIN unit_balances AS b LEFT JOIN later AS l ON l.unit_id = b.unit_id
    )
    SELECT h.unit_id, COALESCE(k.owed, 0), COALESCE(k.credit, 0), h.owed, h.credit
    FROM then_held AS h LEFT JOIN kept AS k ON k.unit_id = h.unit_id
    WHERE COALESCE(k.owed, 0) <> h.owed OR COALESCE(k.credit, 0) <> h.credit
    UNION ALL
    SELECT k.unit_id, k.owed, k.credit, 0, 0 FROM kept AS k
    WHERE k.unit_id NOT IN (SELECT unit_id FROM unit_balances)
    """

# Kept balances of a date the books are not closed through.
STALE_SQL = (
    "SELECT DISTINCT c.through FROM closed_balances AS c JOIN practice AS p ON p.id = 1 "
    "WHERE p.closed_through IS NULL OR c.through <> p.closed_through"
)


# The same from the balances kept now and the transactions between their date and the
# new one (added, or taken away for an earlier date): a month's close reads the month.
_MOVE_SQL = f"""
    INSERT INTO closed_balances (through, account, unit_id, charge_id, payment_id, amount_cents)
    SELECT :through, account, unit_id,
           CASE WHEN account = 'receivable' THEN key_id END,
           CASE WHEN account = 'client_credit' THEN key_id END,
           SUM(amount_cents)
    FROM (
        SELECT account, unit_id, COALESCE(charge_id, payment_id) AS key_id, amount_cents
        FROM closed_balances
        UNION ALL
        SELECT s.account, s.unit_id,
               CASE WHEN s.account = 'receivable' THEN s.charge_id ELSE s.payment_id END,
               :sign * s.amount_cents
        FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
        WHERE t.txn_date > :low AND t.txn_date <= :high AND s.account IN {ACCOUNTS}
    )
    GROUP BY account, unit_id, key_id
    HAVING SUM(amount_cents) <> 0
    """
_DROP_OTHER_DATES_SQL = "DELETE FROM closed_balances WHERE through <> :through"


def keep_closed_balances(session: Session, through: date) -> None:
    """Replace the kept balances with the books' as of ``through``. Call it before the
    closed-through date moves there: the balances kept for the old date, when there are
    any, are the shorter road to the new one."""
    window = window_to(session, through)
    if window is None:
        write(session, _FORGET_SQL)
        write(session, _KEEP_SQL, {"through": through.isoformat()})
        return
    write(session, _MOVE_SQL, {"through": through.isoformat(), **window.params})
    write(session, _DROP_OTHER_DATES_SQL, {"through": through.isoformat()})


def forget_closed_balances(session: Session) -> None:
    """Drop the kept balances: the period they describe is open again."""
    write(session, _FORGET_SQL)


@contextmanager
def whole_history(session: Session) -> Iterator[None]:
    """Within the block, answer from every transaction and ignore the kept balances
    (the reference the kept balances are proven against)."""
    session.info[_WHOLE_HISTORY] = True
    try:
        yield
    finally:
        session.info.pop(_WHOLE_HISTORY, None)


@dataclass(frozen=True)
class Window:
    """The kept balances, and the transactions between the close and the day asked:
    dated after ``low`` and on or before ``high``, added (``sign`` 1, a day after the
    close) or taken away (``sign`` -1, a day before it)."""

    through: date
    low: date
    high: date
    sign: int

    @property
    def params(self) -> dict[str, object]:
        return {"low": self.low.isoformat(), "high": self.high.isoformat(), "sign": self.sign}


def _as_date(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def window_to(source: Source, day: date) -> Window | None:
    """How to reach ``day`` from the kept balances, or None to read the whole history."""
    read = reader(source)
    if read.info.get(_WHOLE_HISTORY):
        return None
    oldest, newest, closed, first = (_as_date(v) for v in read.rows(_STATE_SQL, {})[0])
    # Every close, reopening and the migration that added them keep the balances of the
    # closed-through date (none at all when nothing was owed or held): rows of another
    # date mean something else moved the date, and then only the whole history is sure.
    if closed is None or (newest is not None and not oldest == newest == closed):
        return None
    if day >= closed:
        return Window(closed, closed, day, 1)
    if first is None or (closed - day) >= (day - first):
        return None
    return Window(closed, day, closed, -1)


def kept_rows(account: str, key: str, *, one_unit: bool = False) -> str:
    """SQL for rows (unit_id, key_id, amount_cents) whose sums per ``key`` (charge_id or
    payment_id) are ``account`` as of the window's day; bind ``Window.params`` (and
    ``unit_id`` with ``one_unit``)."""
    unit = " AND unit_id = :unit_id" if one_unit else ""
    split_unit = " AND s.unit_id = :unit_id" if one_unit else ""
    return f"""
        SELECT unit_id, {key} AS key_id, amount_cents
        FROM closed_balances WHERE account = '{account}'{unit}
        UNION ALL
        SELECT s.unit_id, s.{key}, :sign * s.amount_cents
        FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
        WHERE t.txn_date > :low AND t.txn_date <= :high AND s.account = '{account}'{split_unit}
    """


_TOTALS_SQL = f"""
    SELECT account, SUM(amount_cents) FROM (
        SELECT account, amount_cents FROM closed_balances
        UNION ALL
        SELECT s.account, :sign * s.amount_cents
        FROM ledger_txns AS t CROSS JOIN ledger_splits AS s ON s.txn_id = t.id
        WHERE t.txn_date > :low AND t.txn_date <= :high AND s.account IN {ACCOUNTS}
    ) GROUP BY account
    """


def account_totals(source: Source, day: date) -> dict[str, int] | None:
    """Cents by account (receivable, client_credit) through ``day`` from the kept
    balances, or None when the whole history is the shorter road."""
    read = reader(source)
    window = window_to(read, day)
    if window is None:
        return None
    return dict(read.rows(_TOTALS_SQL, window.params))
