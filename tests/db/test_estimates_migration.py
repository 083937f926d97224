"""Migration 0006 on books that already hold superbills and claims: the kinds widen in place."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import text

from db.migrate import alembic_config
from desktop.services.books import sessions
from desktop.services.documents import superbills
from desktop.services.errors import ServiceError
from desktop.services.estimates.issue import issue_estimate
from desktop.services.workspace import Workspace
from tests.services.documents.test_superbill_service import superbill_client, visit
from tests.services.estimates.test_estimate_service import ISSUED, plan


def migrate(workspace: Workspace, how: str, revision: str) -> None:
    config = alembic_config()
    with workspace.practice_file.engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, how)(config, revision)


def test_0006_keeps_documents_claims_and_triggers(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client)
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 3)))
    workspace.run(
        superbills.issue_superbill,
        unit,
        date(2026, 2, 1),
        date(2026, 2, 28),
        acknowledge=True,
        issued_on=date(2026, 3, 10),
    )
    migrate(workspace, "downgrade", "0005")
    migrate(workspace, "upgrade", "head")
    with workspace.practice_file.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("SELECT count(*) FROM claims").scalar_one() == 1
    issued = workspace.run(issue_estimate, plan(unit), ISSUED)
    assert issued.label == "GFE-2026-0001"
    with pytest.raises(ServiceError, match="never"):
        workspace.run(lambda s: s.execute(text("DELETE FROM documents")))
    with pytest.raises(RuntimeError, match="Good Faith Estimates"):
        migrate(workspace, "downgrade", "0005")
