"""The client's sex (CMS-1500 items 3 and 11a) and the ``claim_form`` document kind.

``sex`` is added with ALTER TABLE (a column constraint of its own is allowed
there); a batch rebuild of ``clients`` is refused while other rows point at it.

The new kind is appended to the stored CHECK on ``documents.kind`` as 0006 does
for estimates. The list is read from the schema rather than assumed, so this
revision applies whatever kinds earlier revisions added.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW_KIND = "claim_form"
SEXES = ("", "F", "M")
_KINDS = re.compile(r"kind IN \(([^)]*)\)")


def _rewrite_kinds(change: Callable[[list[str]], list[str]]) -> None:
    """Rewrite the list in ``documents``' CHECK on ``kind`` through ``change(kinds)``."""
    conn = op.get_bind()
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'documents'"
    ).scalar_one()
    found = _KINDS.findall(sql)
    if len(found) != 1:
        raise RuntimeError("The documents table is not as expected; restore a backup.")
    kinds = [part.strip().strip("'") for part in found[0].split(",")]
    listed = ", ".join(f"'{kind}'" for kind in change(kinds))
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'documents'",
            (_KINDS.sub(f"kind IN ({listed})", sql),),
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError("The practice file failed its check after upgrading; restore a backup.")


def upgrade() -> None:
    listed = ", ".join(f"'{sex}'" for sex in SEXES)
    op.execute(
        "ALTER TABLE clients ADD COLUMN sex VARCHAR(1) DEFAULT '' NOT NULL "
        f"CONSTRAINT ck_clients_sex_valid CHECK (sex IN ({listed}))"
    )
    _rewrite_kinds(lambda kinds: [*kinds, NEW_KIND] if NEW_KIND not in kinds else kinds)


def downgrade() -> None:
    # Claim forms already issued cannot be written back as another kind: refuse rather than lose them.
    held = op.get_bind().exec_driver_sql("SELECT 1 FROM documents WHERE kind = 'claim_form'")
    if held.first() is not None:
        raise RuntimeError("This file holds CMS-1500 claim forms; it cannot go back before 0008.")
    _rewrite_kinds(lambda kinds: [kind for kind in kinds if kind != NEW_KIND])
    op.execute("ALTER TABLE clients DROP COLUMN sex")
