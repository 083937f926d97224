"""Good Faith Estimates: the ``estimate`` document kind and the estimates' own rows.

An issued estimate is a document like a superbill (numbered GFE-2026-0001, the
exact PDF kept, corrected only by a new version); ``estimates`` and
``estimate_lines`` keep its dates, deadline, total and expected services for
the follow-up. Neither is ever changed or deleted, and the schema says so.

SQLite cannot change a CHECK constraint with ALTER TABLE, and rebuilding
``documents`` is refused while other rows point at it (see ``_document_kinds``),
so the new kind is added to the stored CHECK itself, as SQLite documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KINDS_BEFORE = ("superbill", "statement", "receipt")
KINDS_AFTER = (*KINDS_BEFORE, "estimate")

NEW_TABLES = ("estimates", "estimate_lines")


def _append_only(table: str) -> tuple[str, str]:
    return (
        f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted; issue a new version'); END",
        f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed; issue a new version'); END",
    )


def _kinds_check(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _document_kinds(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Rewrite the CHECK on ``documents.kind`` in the stored schema, as SQLite's ALTER TABLE
    page describes for changing a CHECK constraint.

    A batch-mode rebuild would drop ``documents`` while claims and document lines point
    at it; with foreign keys on (they cannot be turned off inside the upgrade's
    transaction) SQLite counts every such row as a violation and refuses the commit.
    Only the list of kinds changes, and every stored row satisfies both lists.
    """
    conn = op.get_bind()
    before, after = _kinds_check(old), _kinds_check(new)
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'documents'"
    ).scalar_one()
    if sql.count(before) != 1:
        raise RuntimeError("The documents table is not as 0005 left it; restore a backup.")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'documents'",
            (sql.replace(before, after),),
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError("The practice file failed its check after upgrading; restore a backup.")


def upgrade() -> None:
    _document_kinds(KINDS_BEFORE, KINDS_AFTER)
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("requested", sa.Boolean(), nullable=False),
        sa.Column("first_service", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=True),
        sa.Column("show_diagnoses", sa.Boolean(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "typeof(total_cents) = 'integer' AND total_cents >= 0",
            name=op.f("ck_estimates_total_cents_cents"),
        ),
        sa.CheckConstraint(
            "first_service >= scheduled_on", name=op.f("ck_estimates_service_after_scheduling")
        ),
        sa.CheckConstraint(
            "period_end >= first_service", name=op.f("ck_estimates_period_in_order")
        ),
        sa.CheckConstraint("sessions >= 0", name=op.f("ck_estimates_sessions_not_negative")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_estimates_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_estimates_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_estimates_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimates")),
        sa.UniqueConstraint("document_id", name=op.f("uq_estimates_document_id")),
    )
    with op.batch_alter_table("estimates") as batch:
        batch.create_index("ix_estimates_unit", ["unit_id"], unique=False)
    op.create_table(
        "estimate_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_fee_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "typeof(unit_fee_cents) = 'integer' AND unit_fee_cents >= 0",
            name=op.f("ck_estimate_lines_unit_fee_cents_cents"),
        ),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_estimate_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["estimate_id"], ["estimates.id"], name=op.f("fk_estimate_lines_estimate_id_estimates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_lines")),
    )
    with op.batch_alter_table("estimate_lines") as batch:
        batch.create_index("ix_estimate_lines_estimate", ["estimate_id"], unique=False)
    for table in NEW_TABLES:
        for statement in _append_only(table):
            op.execute(statement)


def downgrade() -> None:
    # Estimates already issued cannot be written back as another kind: refuse rather than lose them.
    held = op.get_bind().exec_driver_sql("SELECT 1 FROM documents WHERE kind = 'estimate'")
    if held.first() is not None:
        raise RuntimeError("This file holds Good Faith Estimates; it cannot go back before 0006.")
    for table in NEW_TABLES:
        for suffix in ("no_delete", "no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{suffix}")
    with op.batch_alter_table("estimate_lines") as batch:
        batch.drop_index("ix_estimate_lines_estimate")
    op.drop_table("estimate_lines")
    with op.batch_alter_table("estimates") as batch:
        batch.drop_index("ix_estimates_unit")
    op.drop_table("estimates")
    _document_kinds(KINDS_AFTER, KINDS_BEFORE)
