"""Appeal levels on claims: which step of the appeal chain a claim is at, and which is next.

``appeal_level`` is the step last taken (0 the claim itself, 1 the first-level
internal appeal, 2 the second level, 3 external review); ``next_appeal_level``
is the step a denial opened (none once an external review has decided). Added
as plain columns so ``claims`` is not rebuilt under its events; existing
appealed claims are taken to be at the first level, and their denials to open
the next step the chain allows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "claims", sa.Column("appeal_level", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("claims", sa.Column("next_appeal_level", sa.Integer(), nullable=True))
    op.execute("UPDATE claims SET appeal_level = 1 WHERE appeal_date IS NOT NULL")
    op.execute(
        "UPDATE claims SET next_appeal_level = CASE WHEN appeal_level = 0 THEN 1 ELSE 3 END "
        "WHERE status IN ('denied', 'partly_paid')"
    )


def downgrade() -> None:
    # ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch rebuild of ``claims`` is refused
    # while claim events point at it.
    op.drop_column("claims", "next_appeal_level")
    op.drop_column("claims", "appeal_level")
