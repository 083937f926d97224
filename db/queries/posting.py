"""The statements every posting runs, in plain SQL on the session's connection.

Posting a session or a payment writes a transaction row and its splits and sums a
few splits, dozens of thousands of times when a practice's history is imported
or generated. Through SQLAlchemy's statement layer each of these costs several
times what SQLite takes to run it, so they go to the driver directly, in the
session's transaction. Values are stored exactly as the models' column types
store them: dates as ISO text, timestamps as naive UTC text with microseconds,
money as whole cents (``Cents``). The rules (balanced splits, closed periods,
what may be applied) stay in ``desktop.services.ledger``, which calls these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

# (account, amount in cents, charge id, payment id, method id, service id, reason)
SplitRow = tuple[str, int, int | None, int | None, int | None, int | None, str | None]

_INSERT_TXN = (
    "INSERT INTO ledger_txns (kind, txn_date, unit_id, memo, reverses_id, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_SPLIT = (
    "INSERT INTO ledger_splits (txn_id, unit_id, account, amount_cents, charge_id, "
    "payment_id, method_id, service_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SUMS = {
    column: "SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_splits "
    f"WHERE account = ? AND {column} = ?"
    for column in ("charge_id", "payment_id", "unit_id")
}


def _timestamp(at: datetime) -> str:
    """As ``UtcDateTime`` stores it (SQLAlchemy's SQLite DATETIME text, in UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_txn(
    session: Session,
    *,
    kind: str,
    on: date,
    unit_id: int,
    memo: str,
    reverses_id: int | None,
    created_at: datetime,
) -> int:
    """Insert one ledger transaction row; returns its id."""
    cursor = session.connection().exec_driver_sql(
        _INSERT_TXN,
        (kind, on.isoformat(), unit_id, memo, reverses_id, _timestamp(created_at)),
    )
    txn_id = cursor.lastrowid
    assert txn_id is not None
    return txn_id


def insert_splits(session: Session, txn_id: int, unit_id: int, rows: Sequence[SplitRow]) -> None:
    """Insert a transaction's splits."""
    session.connection().exec_driver_sql(_INSERT_SPLIT, [(txn_id, unit_id, *row) for row in rows])


def split_sum_cents(session: Session, account: str, column: str, ident: int) -> int:
    """The sum, in cents, of one account's splits naming a charge, payment or unit
    (``column`` is ``charge_id``, ``payment_id`` or ``unit_id``)."""
    result = session.connection().exec_driver_sql(_SUMS[column], (account, ident))
    return int(result.scalar_one())
