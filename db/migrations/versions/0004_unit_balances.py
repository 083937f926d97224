"""Every billing unit's running balance, kept by a trigger as splits are written,
and an index for each unit's last session: the client list without full scans.

The client list shows every unit's balance; summing all of a practice's splits
for it grew with the years of books. Splits are never changed or deleted, so a
total kept by an insert trigger is exact, and ``quietledger check`` compares it
with the splits.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TRIGGER = """
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

BACKFILL = """
INSERT INTO unit_balances (unit_id, owed_cents, credit_cents)
SELECT unit_id,
       SUM(CASE WHEN account = 'receivable' THEN amount_cents ELSE 0 END),
       -SUM(CASE WHEN account = 'client_credit' THEN amount_cents ELSE 0 END)
FROM ledger_splits WHERE account IN ('receivable', 'client_credit')
GROUP BY unit_id
"""


def upgrade() -> None:
    op.create_table(
        "unit_balances",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("owed_cents", sa.Integer(), nullable=False),
        sa.Column("credit_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_unit_balances_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_balances")),
    )
    op.execute(BACKFILL)
    op.execute(TRIGGER)
    with op.batch_alter_table("sessions") as batch:
        batch.create_index("ix_sessions_unit_void_date", ["unit_id", "voided_at", "service_date"])


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_unit_void_date")
    op.execute("DROP TRIGGER IF EXISTS trg_ledger_splits_unit_balance")
    op.drop_table("unit_balances")
