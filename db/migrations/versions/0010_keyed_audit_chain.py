"""The audit chain is keyed from here on: HMAC-SHA256 under a key derived from the data key.

No table changes. The revision marks the boundary: a file made at or after it is
keyed from its first entry, and a file upgraded across it gets one keyed entry
(action ``key``, entity ``audit_chain``) that seals its older, plain SHA-256
entries, written in the same transaction as this upgrade by the code that opens
the file (``desktop.services.audit.log.seal_chain``; this script has no key).
So a file at this revision whose chain has plain hashes and no such entry was
re-hashed without the app, and ``check`` says so.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
