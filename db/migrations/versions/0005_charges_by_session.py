"""An index from a session to its charges: a week's sessions without summing every charge.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("charges") as batch:
        batch.create_index("ix_charges_session", ["session_id", "void_txn_id"])


def downgrade() -> None:
    with op.batch_alter_table("charges") as batch:
        batch.drop_index("ix_charges_session")
