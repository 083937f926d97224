"""Appending many audit entries at once keeps the chain exactly as one at a time does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry
from desktop.services.audit import log as audit
from desktop.services.workspace import Workspace


def _append(session: Session) -> None:
    audit.record(session, "update", "practice", 1, after={"note": "one at a time"})
    audit.record_many(
        session,
        [audit.Pending("create", "session", n, after={"n": n}, unit_id=None) for n in range(3)],
    )
    audit.record(session, "update", "practice", 1, after={"note": "after the batch"})


def _entries(session: Session) -> list[tuple[str, str, str]]:
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    return [(e.action, e.entity, e.after_json) for e in rows]


def test_a_batch_chains_between_single_entries(workspace: Workspace) -> None:
    before = len(workspace.read(_entries))
    workspace.run(_append)
    # A batch in a later transaction chains onto the last entry written.
    workspace.run(
        audit.record_many, [audit.Pending("create", "payment", 9, after={"amount": "1.00"})]
    )
    entries = workspace.read(_entries)[before:]
    assert entries == [
        ("update", "practice", '{"note": "one at a time"}'),
        ("create", "session", '{"n": 0}'),
        ("create", "session", '{"n": 1}'),
        ("create", "session", '{"n": 2}'),
        ("update", "practice", '{"note": "after the batch"}'),
        ("create", "payment", '{"amount": "1.00"}'),
    ]
    assert workspace.read(audit.verify_chain).intact
