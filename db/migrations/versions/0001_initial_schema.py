"""Initial schema: the practice, clients, sessions, the ledger, documents, claims, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:36:58.019816
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Nothing financial is ever deleted or rewritten: the schema itself refuses it.
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
# These may change only once, to record the void that reverses them.
VOID_ONCE = ("charges", "payments", "allocations", "adjustments", "refunds")


def _append_only_triggers() -> list[str]:
    statements = []
    for table in NEVER_DELETED:
        statements.append(
            f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted; void them instead'); END"
        )
    for table in NEVER_UPDATED:
        statements.append(
            f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed'); END"
        )
    for table in VOID_ONCE:
        statements.append(
            f"CREATE TRIGGER trg_{table}_void_only BEFORE UPDATE ON {table} "
            "WHEN OLD.void_txn_id IS NOT NULL OR NEW.void_txn_id IS NULL "
            "OR NEW.id IS NOT OLD.id OR NEW.amount_cents IS NOT OLD.amount_cents "
            "OR NEW.txn_id IS NOT OLD.txn_id "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows change only to record their void'); END"
        )
    statements.append(
        "CREATE TRIGGER trg_documents_immutable BEFORE UPDATE OF pdf, sha256, number, version, "
        "total_charged_cents, total_paid_cents, balance_cents ON documents "
        "BEGIN SELECT RAISE(ABORT, 'issued documents never change; issue a new version'); END"
    )
    return statements


def upgrade() -> None:

    op.create_table(
        "imported_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_rows")),
        sa.UniqueConstraint("source", "row_key", name="uq_imported_rows_source_key"),
    )
    op.create_table(
        "payers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("external_id", sa.String(length=40), nullable=False),
        sa.Column("timely_filing_days", sa.Integer(), nullable=False),
        sa.Column("usual_days_to_pay", sa.Integer(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=True),
        sa.Column("modifiers", sa.String(length=20), nullable=True),
        sa.Column("typical_allowed_cents", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "typical_allowed_cents IS NULL OR (typeof(typical_allowed_cents) = 'integer' AND typical_allowed_cents >= 0)",
            name=op.f("ck_payers_typical_allowed_cents_cents"),
        ),
        sa.CheckConstraint(
            "place_of_service IS NULL OR length(place_of_service) = 2",
            name=op.f("ck_payers_pos_two_digits"),
        ),
        sa.CheckConstraint(
            "timely_filing_days BETWEEN 1 AND 1095", name=op.f("ck_payers_filing_days_range")
        ),
        sa.CheckConstraint(
            "usual_days_to_pay BETWEEN 1 AND 365", name=op.f("ck_payers_usual_days_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payers")),
        sa.UniqueConstraint("name", name=op.f("uq_payers_name")),
    )
    op.create_table(
        "payment_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("fee_basis_points", sa.Integer(), nullable=False),
        sa.Column("fee_fixed_cents", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "typeof(fee_fixed_cents) = 'integer' AND fee_fixed_cents >= 0",
            name=op.f("ck_payment_methods_fee_fixed_cents_cents"),
        ),
        sa.CheckConstraint(
            "fee_basis_points BETWEEN 0 AND 10000", name=op.f("ck_payment_methods_fee_rate_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_methods")),
        sa.UniqueConstraint("name", name=op.f("uq_payment_methods_name")),
    )
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_name", sa.String(length=200), nullable=False),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("credentials", sa.String(length=100), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("organization_npi", sa.String(length=10), nullable=False),
        sa.Column("tax_id_kind", sa.String(length=3), nullable=False),
        sa.Column("tax_id", sa.String(length=11), nullable=False),
        sa.Column("license_number", sa.String(length=50), nullable=False),
        sa.Column("license_state", sa.String(length=2), nullable=False),
        sa.Column("taxonomy", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("default_place_of_service", sa.String(length=2), nullable=False),
        sa.Column("default_modifiers", sa.String(length=20), nullable=False),
        sa.Column("aging_basis", sa.String(length=20), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("autolock_minutes", sa.Integer(), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=True),
        sa.Column("statement_message", sa.Text(), nullable=False),
        sa.Column("superbill_unsubmitted_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "aging_basis IN ('service_date', 'due_date')",
            name=op.f("ck_practice_aging_basis_valid"),
        ),
        sa.CheckConstraint(
            "tax_id_kind IN ('ein', 'ssn')", name=op.f("ck_practice_tax_id_kind_valid")
        ),
        sa.CheckConstraint(
            "autolock_minutes BETWEEN 1 AND 240", name=op.f("ck_practice_autolock_range")
        ),
        sa.CheckConstraint("due_days BETWEEN 0 AND 120", name=op.f("ck_practice_due_days_range")),
        sa.CheckConstraint("id = 1", name=op.f("ck_practice_single_row")),
        sa.CheckConstraint(
            "length(default_place_of_service) = 2", name=op.f("ck_practice_pos_two_digits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("default_minutes", sa.Integer(), nullable=False),
        sa.Column("default_fee_cents", sa.Integer(), nullable=False),
        sa.Column("superbill", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "typeof(default_fee_cents) = 'integer' AND default_fee_cents >= 0",
            name=op.f("ck_services_default_fee_cents_cents"),
        ),
        sa.CheckConstraint("default_minutes >= 0", name=op.f("ck_services_minutes_not_negative")),
        sa.CheckConstraint("length(code) BETWEEN 1 AND 12", name=op.f("ck_services_code_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("code", name=op.f("uq_services_code")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_ref", sa.String(length=40), nullable=False),
        sa.Column("legal_first_name", sa.String(length=80), nullable=False),
        sa.Column("legal_middle_name", sa.String(length=80), nullable=False),
        sa.Column("legal_last_name", sa.String(length=80), nullable=False),
        sa.Column("preferred_name", sa.String(length=80), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("billing", sa.String(length=10), nullable=False),
        sa.Column("diagnosis_codes_only", sa.Boolean(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("group_number", sa.String(length=40), nullable=False),
        sa.Column("subscriber_relationship", sa.String(length=10), nullable=False),
        sa.Column("subscriber_name", sa.String(length=160), nullable=False),
        sa.Column("subscriber_date_of_birth", sa.Date(), nullable=True),
        sa.Column("est_allowed_cents", sa.Integer(), nullable=True),
        sa.Column("est_deductible_cents", sa.Integer(), nullable=True),
        sa.Column("est_coinsurance_bp", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "billing IN ('private', 'superbill')", name=op.f("ck_clients_billing_valid")
        ),
        sa.CheckConstraint(
            "est_allowed_cents IS NULL OR (typeof(est_allowed_cents) = 'integer' AND est_allowed_cents >= 0)",
            name=op.f("ck_clients_est_allowed_cents_cents"),
        ),
        sa.CheckConstraint(
            "est_deductible_cents IS NULL OR (typeof(est_deductible_cents) = 'integer' AND est_deductible_cents >= 0)",
            name=op.f("ck_clients_est_deductible_cents_cents"),
        ),
        sa.CheckConstraint(
            "subscriber_relationship IN ('self', 'spouse', 'child', 'other')",
            name=op.f("ck_clients_subscriber_relationship_valid"),
        ),
        sa.CheckConstraint(
            "est_coinsurance_bp IS NULL OR est_coinsurance_bp BETWEEN 0 AND 10000",
            name=op.f("ck_clients_coinsurance_range"),
        ),
        sa.CheckConstraint("length(trim(client_ref)) > 0", name=op.f("ck_clients_ref_required")),
        sa.CheckConstraint(
            "length(trim(legal_last_name)) > 0", name=op.f("ck_clients_last_name_required")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.id"], name=op.f("fk_clients_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("client_ref", name=op.f("uq_clients_client_ref")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clients_last_first", ["legal_last_name", "legal_first_name"], unique=False
        )

    op.create_table(
        "billing_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("identified_patient_id", sa.Integer(), nullable=False),
        sa.Column("default_service_id", sa.Integer(), nullable=True),
        sa.Column("default_fee_cents", sa.Integer(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=True),
        sa.Column("modifiers", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("recurring_weekday", sa.Integer(), nullable=True),
        sa.Column("recurring_time", sa.Time(), nullable=True),
        sa.Column("recurring_every_weeks", sa.Integer(), nullable=True),
        sa.Column("recurring_start", sa.Date(), nullable=True),
        sa.Column("recurring_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('individual', 'couple', 'family')", name=op.f("ck_billing_units_kind_valid")
        ),
        sa.CheckConstraint(
            "typeof(default_fee_cents) = 'integer' AND default_fee_cents >= 0",
            name=op.f("ck_billing_units_default_fee_cents_cents"),
        ),
        sa.CheckConstraint(
            "place_of_service IS NULL OR length(place_of_service) = 2",
            name=op.f("ck_billing_units_pos_two_digits"),
        ),
        sa.CheckConstraint(
            "recurring_every_weeks IS NULL OR recurring_every_weeks BETWEEN 1 AND 4",
            name=op.f("ck_billing_units_recurrence_range"),
        ),
        sa.CheckConstraint(
            "recurring_weekday IS NULL OR recurring_weekday BETWEEN 0 AND 6",
            name=op.f("ck_billing_units_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["default_service_id"],
            ["services.id"],
            name=op.f("fk_billing_units_default_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["identified_patient_id"],
            ["clients.id"],
            name=op.f("fk_billing_units_identified_patient_id_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_units")),
        sa.UniqueConstraint("ref", name=op.f("uq_billing_units_ref")),
    )
    op.create_table(
        "diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from",
            name=op.f("ck_diagnoses_dates_in_order"),
        ),
        sa.CheckConstraint("length(code) BETWEEN 3 AND 8", name=op.f("ck_diagnoses_code_length")),
        sa.CheckConstraint("rank BETWEEN 1 AND 12", name=op.f("ck_diagnoses_rank_range")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_diagnoses_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnoses")),
    )
    with op.batch_alter_table("diagnoses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_diagnoses_client_dates", ["client_id", "effective_from"], unique=False
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("before_json", sa.Text(), nullable=False),
        sa.Column("after_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_audit_log_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_audit_log_entry_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "ledger_txns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("txn_date", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'void') = (reverses_id IS NOT NULL)", name=op.f("ck_ledger_txns_void_reverses")
        ),
        sa.CheckConstraint(
            "kind <> 'void' OR length(trim(memo)) > 0", name=op.f("ck_ledger_txns_void_has_reason")
        ),
        sa.CheckConstraint(
            "kind IN ('charge', 'payment', 'allocation', 'adjustment', 'refund', 'void')",
            name=op.f("ck_ledger_txns_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["ledger_txns.id"], name=op.f("fk_ledger_txns_reverses_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_ledger_txns_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_txns")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_txns_reverses_id")),
    )
    with op.batch_alter_table("ledger_txns", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_txns_date", ["txn_date"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("addon_service_id", sa.Integer(), nullable=True),
        sa.Column("addon_fee_cents", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("modifiers", sa.String(length=20), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "addon_fee_cents IS NULL OR (typeof(addon_fee_cents) = 'integer' AND addon_fee_cents >= 0)",
            name=op.f("ck_sessions_addon_fee_cents_cents"),
        ),
        sa.CheckConstraint(
            "status IN ('attended', 'late_cancel', 'no_show', 'cancelled')",
            name=op.f("ck_sessions_status_valid"),
        ),
        sa.CheckConstraint(
            "typeof(fee_cents) = 'integer' AND fee_cents >= 0",
            name=op.f("ck_sessions_fee_cents_cents"),
        ),
        sa.CheckConstraint(
            "(addon_service_id IS NULL) = (addon_fee_cents IS NULL)",
            name=op.f("ck_sessions_addon_complete"),
        ),
        sa.CheckConstraint(
            "(voided_at IS NULL) = (void_reason IS NULL)", name=op.f("ck_sessions_void_has_reason")
        ),
        sa.CheckConstraint("length(place_of_service) = 2", name=op.f("ck_sessions_pos_two_digits")),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes BETWEEN 0 AND 600", name=op.f("ck_sessions_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["addon_service_id"],
            ["services.id"],
            name=op.f("fk_sessions_addon_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_sessions_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_sessions_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_date", ["service_date"], unique=False)
        batch_op.create_index("ix_sessions_unit_date", ["unit_id", "service_date"], unique=False)

    op.create_table(
        "unit_members",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("pays_share_bp", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "pays_share_bp BETWEEN 0 AND 10000", name=op.f("ck_unit_members_share_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_unit_members_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_unit_members_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", "client_id", name=op.f("pk_unit_members")),
    )
    op.create_table(
        "charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("void_txn_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer' AND amount_cents >= 1",
            name=op.f("ck_charges_amount_cents_cents"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_charges_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_charges_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_charges_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_charges_unit_id_billing_units")
        ),
        sa.ForeignKeyConstraint(
            ["void_txn_id"], ["ledger_txns.id"], name=op.f("fk_charges_void_txn_id_ledger_txns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charges")),
        sa.UniqueConstraint("txn_id", name=op.f("uq_charges_txn_id")),
        sa.UniqueConstraint("void_txn_id", name=op.f("uq_charges_void_txn_id")),
    )
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.create_index("ix_charges_unit_date", ["unit_id", "service_date"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("payer_client_id", sa.Integer(), nullable=True),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("void_txn_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer' AND amount_cents >= 1",
            name=op.f("ck_payments_amount_cents_cents"),
        ),
        sa.CheckConstraint(
            "typeof(fee_cents) = 'integer' AND fee_cents >= 0",
            name=op.f("ck_payments_fee_cents_cents"),
        ),
        sa.CheckConstraint("fee_cents <= amount_cents", name=op.f("ck_payments_fee_within_amount")),
        sa.ForeignKeyConstraint(
            ["method_id"],
            ["payment_methods.id"],
            name=op.f("fk_payments_method_id_payment_methods"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_client_id"], ["clients.id"], name=op.f("fk_payments_payer_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_payments_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_payments_unit_id_billing_units")
        ),
        sa.ForeignKeyConstraint(
            ["void_txn_id"], ["ledger_txns.id"], name=op.f("fk_payments_void_txn_id_ledger_txns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("txn_id", name=op.f("uq_payments_txn_id")),
        sa.UniqueConstraint("void_txn_id", name=op.f("uq_payments_void_txn_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_date", ["received_date"], unique=False)
        batch_op.create_index("ix_payments_unit_date", ["unit_id", "received_date"], unique=False)

    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("void_txn_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('write_off', 'discount')", name=op.f("ck_adjustments_kind_valid")
        ),
        sa.CheckConstraint(
            "reason IN ('sliding_scale', 'courtesy', 'bad_debt', 'other')",
            name=op.f("ck_adjustments_reason_valid"),
        ),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer' AND amount_cents >= 1",
            name=op.f("ck_adjustments_amount_cents_cents"),
        ),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_adjustments_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_adjustments_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["void_txn_id"], ["ledger_txns.id"], name=op.f("fk_adjustments_void_txn_id_ledger_txns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
        sa.UniqueConstraint("txn_id", name=op.f("uq_adjustments_txn_id")),
        sa.UniqueConstraint("void_txn_id", name=op.f("uq_adjustments_void_txn_id")),
    )
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.create_index("ix_adjustments_charge", ["charge_id"], unique=False)

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("void_txn_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer' AND amount_cents >= 1",
            name=op.f("ck_allocations_amount_cents_cents"),
        ),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_allocations_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_allocations_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_allocations_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["void_txn_id"], ["ledger_txns.id"], name=op.f("fk_allocations_void_txn_id_ledger_txns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sa.UniqueConstraint("txn_id", name=op.f("uq_allocations_txn_id")),
        sa.UniqueConstraint("void_txn_id", name=op.f("uq_allocations_void_txn_id")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index("ix_allocations_charge", ["charge_id"], unique=False)
        batch_op.create_index("ix_allocations_payment", ["payment_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("total_charged_cents", sa.Integer(), nullable=False),
        sa.Column("total_paid_cents", sa.Integer(), nullable=False),
        sa.Column("balance_cents", sa.Integer(), nullable=False),
        sa.Column("acknowledged_warnings", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('superbill', 'statement', 'receipt')", name=op.f("ck_documents_kind_valid")
        ),
        sa.CheckConstraint(
            "typeof(balance_cents) = 'integer'", name=op.f("ck_documents_balance_cents_cents")
        ),
        sa.CheckConstraint(
            "typeof(total_charged_cents) = 'integer' AND total_charged_cents >= 0",
            name=op.f("ck_documents_total_charged_cents_cents"),
        ),
        sa.CheckConstraint(
            "typeof(total_paid_cents) = 'integer' AND total_paid_cents >= 0",
            name=op.f("ck_documents_total_paid_cents_cents"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_documents_version_positive")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_documents_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_documents_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["documents.id"], name=op.f("fk_documents_supersedes_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_documents_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("number", "version", name="uq_documents_number_version"),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_documents_supersedes_id")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index("ix_documents_unit", ["unit_id"], unique=False)

    op.create_table(
        "ledger_splits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("method_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "account <> 'cash' OR method_id IS NOT NULL",
            name=op.f("ck_ledger_splits_cash_has_method"),
        ),
        sa.CheckConstraint(
            "account <> 'receivable' OR charge_id IS NOT NULL",
            name=op.f("ck_ledger_splits_ar_has_charge"),
        ),
        sa.CheckConstraint(
            "account IN ('receivable', 'client_credit', 'income', 'cash', 'processor_fees', 'write_offs')",
            name=op.f("ck_ledger_splits_account_valid"),
        ),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer'", name=op.f("ck_ledger_splits_amount_cents_cents")
        ),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_ledger_splits_not_zero")),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_ledger_splits_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["method_id"],
            ["payment_methods.id"],
            name=op.f("fk_ledger_splits_method_id_payment_methods"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_ledger_splits_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_ledger_splits_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_ledger_splits_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_ledger_splits_unit_id_billing_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_splits")),
    )
    with op.batch_alter_table("ledger_splits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_splits_account_charge", ["account", "charge_id"], unique=False
        )
        batch_op.create_index("ix_ledger_splits_txn", ["txn_id"], unique=False)
        batch_op.create_index("ix_ledger_splits_unit_account", ["unit_id", "account"], unique=False)

    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("refund_date", sa.Date(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("txn_id", sa.Integer(), nullable=False),
        sa.Column("void_txn_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "typeof(amount_cents) = 'integer' AND amount_cents >= 1",
            name=op.f("ck_refunds_amount_cents_cents"),
        ),
        sa.ForeignKeyConstraint(
            ["method_id"], ["payment_methods.id"], name=op.f("fk_refunds_method_id_payment_methods")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"], ["ledger_txns.id"], name=op.f("fk_refunds_txn_id_ledger_txns")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["billing_units.id"], name=op.f("fk_refunds_unit_id_billing_units")
        ),
        sa.ForeignKeyConstraint(
            ["void_txn_id"], ["ledger_txns.id"], name=op.f("fk_refunds_void_txn_id_ledger_txns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("txn_id", name=op.f("uq_refunds_txn_id")),
        sa.UniqueConstraint("void_txn_id", name=op.f("uq_refunds_void_txn_id")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("ix_refunds_payment", ["payment_id"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("first_service_date", sa.Date(), nullable=False),
        sa.Column("last_service_date", sa.Date(), nullable=False),
        sa.Column("billed_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("claim_number", sa.String(length=40), nullable=False),
        sa.Column("allowed_cents", sa.Integer(), nullable=True),
        sa.Column("reimbursed_cents", sa.Integer(), nullable=True),
        sa.Column("eob_date", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("denial_reason", sa.String(length=32), nullable=True),
        sa.Column("denial_note", sa.Text(), nullable=False),
        sa.Column("appeal_date", sa.Date(), nullable=True),
        sa.Column("appeal_deadline", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "allowed_cents IS NULL OR (typeof(allowed_cents) = 'integer' AND allowed_cents >= 0)",
            name=op.f("ck_claims_allowed_cents_cents"),
        ),
        sa.CheckConstraint(
            "denial_reason IS NULL OR denial_reason IN ('timely_filing', 'no_authorization', 'diagnosis_not_covered', 'not_medically_necessary', 'missing_information', 'out_of_network_not_covered', 'other')",
            name=op.f("ck_claims_denial_reason_valid"),
        ),
        sa.CheckConstraint(
            "reimbursed_cents IS NULL OR (typeof(reimbursed_cents) = 'integer' AND reimbursed_cents >= 0)",
            name=op.f("ck_claims_reimbursed_cents_cents"),
        ),
        sa.CheckConstraint(
            "status IN ('not_submitted', 'submitted', 'in_process', 'paid', 'partly_paid', 'denied', 'appealed', 'closed')",
            name=op.f("ck_claims_status_valid"),
        ),
        sa.CheckConstraint(
            "typeof(billed_cents) = 'integer' AND billed_cents >= 0",
            name=op.f("ck_claims_billed_cents_cents"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_claims_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.id"], name=op.f("fk_claims_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_document", ["document_id"], unique=False)
        batch_op.create_index("ix_claims_status", ["status"], unique=False)

    op.create_table(
        "document_lines",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("modifiers", sa.String(length=20), nullable=False),
        sa.Column("pointers", sa.String(length=8), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "typeof(fee_cents) = 'integer' AND fee_cents >= 0",
            name=op.f("ck_document_lines_fee_cents_cents"),
        ),
        sa.CheckConstraint(
            "typeof(paid_cents) = 'integer' AND paid_cents >= 0",
            name=op.f("ck_document_lines_paid_cents_cents"),
        ),
        sa.CheckConstraint("units >= 1", name=op.f("ck_document_lines_units_positive")),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_document_lines_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_lines_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("document_id", "line_no", name=op.f("pk_document_lines")),
    )
    op.create_table(
        "claim_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("from_status", sa.String(length=14), nullable=True),
        sa.Column("to_status", sa.String(length=14), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "from_status IS NULL OR from_status IN ('not_submitted', 'submitted', 'in_process', 'paid', 'partly_paid', 'denied', 'appealed', 'closed')",
            name=op.f("ck_claim_events_from_status_valid"),
        ),
        sa.CheckConstraint(
            "to_status IN ('not_submitted', 'submitted', 'in_process', 'paid', 'partly_paid', 'denied', 'appealed', 'closed')",
            name=op.f("ck_claim_events_to_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_events_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_events")),
    )
    for statement in _append_only_triggers():
        op.execute(statement)


def downgrade() -> None:
    for table in NEVER_DELETED + NEVER_UPDATED + VOID_ONCE:
        for suffix in ("no_delete", "no_update", "void_only"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{suffix}")
    op.execute("DROP TRIGGER IF EXISTS trg_documents_immutable")

    op.drop_table("claim_events")
    op.drop_table("document_lines")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_status")
        batch_op.drop_index("ix_claims_document")

    op.drop_table("claims")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_payment")

    op.drop_table("refunds")
    with op.batch_alter_table("ledger_splits", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_splits_unit_account")
        batch_op.drop_index("ix_ledger_splits_txn")
        batch_op.drop_index("ix_ledger_splits_account_charge")

    op.drop_table("ledger_splits")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_unit")

    op.drop_table("documents")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_allocations_payment")
        batch_op.drop_index("ix_allocations_charge")

    op.drop_table("allocations")
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.drop_index("ix_adjustments_charge")

    op.drop_table("adjustments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_unit_date")
        batch_op.drop_index("ix_payments_date")

    op.drop_table("payments")
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_index("ix_charges_unit_date")

    op.drop_table("charges")
    op.drop_table("unit_members")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_unit_date")
        batch_op.drop_index("ix_sessions_date")

    op.drop_table("sessions")
    with op.batch_alter_table("ledger_txns", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_txns_date")

    op.drop_table("ledger_txns")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")

    op.drop_table("audit_log")
    with op.batch_alter_table("diagnoses", schema=None) as batch_op:
        batch_op.drop_index("ix_diagnoses_client_dates")

    op.drop_table("diagnoses")
    op.drop_table("billing_units")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_last_first")

    op.drop_table("clients")
    op.drop_table("settings")
    op.drop_table("services")
    op.drop_table("practice")
    op.drop_table("payment_methods")
    op.drop_table("payers")
    op.drop_table("imported_rows")
