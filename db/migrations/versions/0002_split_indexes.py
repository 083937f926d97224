"""Indexes for posting: a client's open charges and a payment's credit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_splits") as batch:
        batch.drop_index("ix_ledger_splits_unit_account")
        batch.create_index(
            "ix_ledger_splits_unit_account_charge", ["unit_id", "account", "charge_id"]
        )
        batch.create_index("ix_ledger_splits_payment", ["payment_id"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_splits") as batch:
        batch.drop_index("ix_ledger_splits_payment")
        batch.drop_index("ix_ledger_splits_unit_account_charge")
        batch.create_index("ix_ledger_splits_unit_account", ["unit_id", "account"])
