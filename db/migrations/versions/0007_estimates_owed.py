"""Estimates owed: a Good Faith Estimate noted as due before it is issued.

When a first session is scheduled or a client asks for an estimate, the
deadline runs from that day (45 CFR 149.610(b)). ``estimates_owed`` keeps that
fact so the practice sees what is due before anything is issued. A row is
closed once (by the estimate that meets it, or with a reason) and never deleted;
the triggers say so.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TRIGGERS = (
    "CREATE TRIGGER trg_estimates_owed_no_delete BEFORE DELETE ON estimates_owed "
    "BEGIN SELECT RAISE(ABORT, 'estimates_owed rows are never deleted; close them'); END",
    # Closing is the one change: an open row may be closed, a closed row stays as it is.
    "CREATE TRIGGER trg_estimates_owed_close_once BEFORE UPDATE ON estimates_owed "
    "WHEN OLD.closed_on IS NOT NULL OR NEW.unit_id IS NOT OLD.unit_id "
    "OR NEW.client_id IS NOT OLD.client_id OR NEW.scheduled_on IS NOT OLD.scheduled_on "
    "OR NEW.requested IS NOT OLD.requested OR NEW.first_service IS NOT OLD.first_service "
    "OR NEW.due_by IS NOT OLD.due_by OR NEW.noted_on IS NOT OLD.noted_on "
    "BEGIN SELECT RAISE(ABORT, 'an owed estimate is only ever closed, once'); END",
)


def upgrade() -> None:
    op.create_table(
        "estimates_owed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("requested", sa.Boolean(), nullable=False),
        sa.Column("first_service", sa.Date(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=True),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("estimate_id", sa.Integer(), nullable=True),
        sa.Column("closed_reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "first_service >= scheduled_on",
            name=op.f("ck_estimates_owed_service_after_scheduling"),
        ),
        sa.CheckConstraint(
            "closed_on IS NOT NULL OR (estimate_id IS NULL AND closed_reason = '')",
            name=op.f("ck_estimates_owed_open_until_closed"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_estimates_owed_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"], ["estimates.id"], name=op.f("fk_estimates_owed_estimate_id_estimates")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_estimates_owed_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimates_owed")),
    )
    with op.batch_alter_table("estimates_owed") as batch:
        batch.create_index("ix_estimates_owed_unit", ["unit_id"], unique=False)
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    held = op.get_bind().exec_driver_sql("SELECT 1 FROM estimates_owed")
    if held.first() is not None:
        raise RuntimeError("This file notes estimates owed; it cannot go back before 0007.")
    for name in ("no_delete", "close_once"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_estimates_owed_{name}")
    with op.batch_alter_table("estimates_owed") as batch:
        batch.drop_index("ix_estimates_owed_unit")
    op.drop_table("estimates_owed")
