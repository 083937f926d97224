"""Closed balances: what each charge owed and each payment held when the books were closed.

Nothing may be dated on or before the closed-through date, so the receivable per
charge and the credit per payment at that date never change while the books stay
closed. Kept at close, they let month-end, aging and the roll-forward start there
instead of at the first entry. A file closed before this revision gets them now,
from its splits.

Revision ID: 0011_closed_month_balances
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_closed_month_balances"
down_revision = "0010"
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO closed_balances (through, account, unit_id, charge_id, payment_id, amount_cents)
SELECT p.closed_through, s.account, s.unit_id,
       CASE WHEN s.account = 'receivable' THEN s.charge_id END,
       CASE WHEN s.account = 'client_credit' THEN s.payment_id END,
       SUM(s.amount_cents)
FROM practice AS p
JOIN ledger_txns AS t ON t.txn_date <= p.closed_through
JOIN ledger_splits AS s ON s.txn_id = t.id
WHERE p.id = 1 AND s.account IN ('receivable', 'client_credit')
GROUP BY s.account, s.unit_id,
         CASE WHEN s.account = 'receivable' THEN s.charge_id ELSE s.payment_id END
HAVING SUM(s.amount_cents) <> 0
"""


def upgrade() -> None:
    op.create_table(
        "closed_balances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "account IN ('receivable', 'client_credit')",
            name=op.f("ck_closed_balances_account_valid"),
        ),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_closed_balances_not_zero")),
        sa.CheckConstraint(
            "(account = 'receivable') = (charge_id IS NOT NULL AND payment_id IS NULL)",
            name=op.f("ck_closed_balances_names_charge_or_payment"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_closed_balances_unit_id_billing_units")
        ),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_closed_balances_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_closed_balances_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_balances")),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("closed_balances")
