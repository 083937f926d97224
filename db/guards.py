"""The schema's own guards, and a check that a file still has every one of them.

The triggers refuse deleting or rewriting financial rows and keep the balance
table in step; the constraints (CHECKs, unique keys, foreign keys) are the
models'. Someone holding the data key can drop a trigger, change the books and
put nothing back: ``missing_guards`` names what is gone or changed, so
``quietledger check`` can say so. The trigger texts below are those the
migrations create (a test compares them with a new file's). The models' indexes
are checked too (table, columns, uniqueness): an index redefined over other
columns would give reads through it rows its table does not hold, which only
SQLite's full integrity check would otherwise notice.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, UniqueConstraint

from db.models import Base

NEVER_DELETED = (
    "ledger_txns",
    "ledger_splits",
    "charges",
    "payments",
    "allocations",
    "adjustments",
    "refunds",
    "documents",
    "document_lines",
    "audit_log",
    "claim_events",
    "sessions",
)
NEVER_UPDATED = ("ledger_txns", "ledger_splits", "audit_log", "document_lines", "claim_events")
VOID_ONCE = ("charges", "payments", "allocations", "adjustments", "refunds")
ISSUED_ONLY = ("estimates", "estimate_lines")

UNIT_BALANCE = """
CREATE TRIGGER trg_ledger_splits_unit_balance AFTER INSERT ON ledger_splits
WHEN NEW.account IN ('receivable', 'client_credit')
BEGIN
    INSERT INTO unit_balances (unit_id, owed_cents, credit_cents) VALUES (NEW.unit_id, 0, 0)
        ON CONFLICT (unit_id) DO NOTHING;
    UPDATE unit_balances SET
        owed_cents = owed_cents
            + CASE WHEN NEW.account = 'receivable' THEN NEW.amount_cents ELSE 0 END,
        credit_cents = credit_cents
            - CASE WHEN NEW.account = 'client_credit' THEN NEW.amount_cents ELSE 0 END
    WHERE unit_id = NEW.unit_id;
END
"""


def expected_triggers() -> dict[str, str]:
    """Every guard trigger by name, with the SQL the migrations give it."""
    found: dict[str, str] = {}
    for table in NEVER_DELETED:
        found[f"trg_{table}_no_delete"] = (
            f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted; void them instead'); END"
        )
    for table in NEVER_UPDATED:
        found[f"trg_{table}_no_update"] = (
            f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed'); END"
        )
    for table in VOID_ONCE:
        found[f"trg_{table}_void_only"] = (
            f"CREATE TRIGGER trg_{table}_void_only BEFORE UPDATE ON {table} "
            "WHEN OLD.void_txn_id IS NOT NULL OR NEW.void_txn_id IS NULL "
            "OR NEW.id IS NOT OLD.id OR NEW.amount_cents IS NOT OLD.amount_cents "
            "OR NEW.txn_id IS NOT OLD.txn_id "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows change only to record their void'); END"
        )
    found["trg_documents_immutable"] = (
        "CREATE TRIGGER trg_documents_immutable BEFORE UPDATE OF pdf, sha256, number, version, "
        "total_charged_cents, total_paid_cents, balance_cents ON documents "
        "BEGIN SELECT RAISE(ABORT, 'issued documents never change; issue a new version'); END"
    )
    for table in ISSUED_ONLY:
        found[f"trg_{table}_no_delete"] = (
            f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, '{table} rows are never deleted; issue a new version'); END"
        )
        found[f"trg_{table}_no_update"] = (
            f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, '{table} rows are never changed; issue a new version'); END"
        )
    found["trg_ledger_splits_unit_balance"] = UNIT_BALANCE
    return {name: _normal(sql) for name, sql in found.items()}


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def _constraints() -> Iterable[tuple[str, str, str]]:
    """(table, constraint name, the text its table's SQL must hold) for every named one."""
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                text = _normal(str(constraint.sqltext))
                yield (
                    table.name,
                    str(constraint.name),
                    f"CONSTRAINT {constraint.name} CHECK ({text})",
                )
            elif isinstance(constraint, UniqueConstraint | ForeignKeyConstraint):
                yield table.name, str(constraint.name), f"CONSTRAINT {constraint.name} "


def missing_guards(conn: sqlcipher.Connection) -> list[str]:
    """Every guard trigger or constraint the file lacks or has changed, one sentence each."""
    stored = {
        (kind, name): _normal(sql or "")
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
    }
    problems: list[str] = []
    for name, sql in expected_triggers().items():
        found = stored.get(("trigger", name))
        if found is None:
            problems.append(
                f"The protective trigger {name} is missing: the rows it guards could have "
                "been changed or deleted without the app; compare with a backup "
                "('quietledger check --against BACKUP')."
            )
        elif found != sql:
            problems.append(
                f"The protective trigger {name} was changed; compare with a backup "
                "('quietledger check --against BACKUP')."
            )
    for table in Base.metadata.sorted_tables:
        if ("table", table.name) not in stored:
            problems.append(
                f"The table {table.name} is missing; restore the file from a backup "
                "('quietledger restore')."
            )
    for table, name, text in _constraints():
        sql = stored.get(("table", table))
        if sql is not None and text not in sql + " ":
            problems.append(
                f"The constraint {name} on {table} is missing or was changed; compare with "
                "a backup ('quietledger check --against BACKUP')."
            )
    for index in _indexes():
        declared = _declared_shape(index)
        if _index_shape(conn, stored, str(index.name)) != declared:
            problems.append(
                f"The index {index.name} on {declared[0]} is missing or was changed: reads "
                "through it could disagree with the books; compare with a backup "
                "('quietledger check --against BACKUP')."
            )
    return problems


def _indexes() -> Iterable[Index]:
    for table in Base.metadata.sorted_tables:
        yield from sorted(table.indexes, key=lambda index: str(index.name))


def _declared_shape(index: Index) -> tuple[str, tuple[str, ...], bool]:
    table = "" if index.table is None else index.table.name
    return table, tuple(column.name for column in index.columns), bool(index.unique)


def _index_shape(
    conn: sqlcipher.Connection, stored: dict[tuple[str, str], str], name: str
) -> tuple[str, tuple[str, ...], bool] | None:
    """(table, columns, unique) of the file's index ``name``, or None when it has none."""
    sql = stored.get(("index", name))
    if sql is None:
        return None
    table = conn.execute("SELECT tbl_name FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    columns = tuple(
        str(column) for _seq, _cid, column in conn.execute(f"PRAGMA index_info('{name}')")
    )
    return str(table[0]), columns, sql.upper().startswith("CREATE UNIQUE")
