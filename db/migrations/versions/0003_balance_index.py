"""An index that answers every unit's balance without reading the splits themselves.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_splits") as batch:
        batch.create_index(
            "ix_ledger_splits_balances", ["account", "unit_id", "amount_cents", "txn_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_splits") as batch:
        batch.drop_index("ix_ledger_splits_balances")
