"""Audit review: the log filtered by day, client and kind of change, newest first, paged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from crash_writer import add_client, post_visit

from desktop.services.audit.review import (
    AuditFilter,
    chain_status,
    change_kinds,
    list_audit,
)
from desktop.services.errors import InvalidInput
from desktop.services.workspace import Workspace

TODAY = date.today()


@pytest.fixture
def logged(workspace: Workspace) -> tuple[Workspace, int, int]:
    """Two clients; three paid visits for the first, one unpaid for the second."""
    rivera = add_client(workspace, "Rivera")
    okafor = add_client(workspace, "Okafor")
    for days in (21, 14, 7):
        post_visit(workspace, rivera, TODAY - timedelta(days=days))
    post_visit(workspace, okafor, TODAY - timedelta(days=3), paid=False)
    return workspace, rivera, okafor


def test_everything_newest_first(logged: tuple[Workspace, int, int]) -> None:
    ws, _, _ = logged
    page = ws.read(list_audit)
    # practice, 2 clients, 4 sessions, 3 payments
    assert page.total == 10
    ids = [row.id for row in page.rows]
    assert ids == sorted(ids, reverse=True)
    assert page.rows[-1].entity == "practice"
    assert page.rows[0].entity == "session"
    assert not page.has_more


def test_filter_by_client(logged: tuple[Workspace, int, int]) -> None:
    ws, rivera, okafor = logged
    page = ws.read(list_audit, AuditFilter(unit_id=okafor))
    assert [(r.entity, r.action) for r in page.rows] == [
        ("session", "create"),
        ("client", "create"),
    ]
    assert {r.unit_name for r in page.rows} == {"Sam Okafor"}
    assert ws.read(list_audit, AuditFilter(unit_id=rivera)).total == 7


def test_filter_by_kind_of_change(logged: tuple[Workspace, int, int]) -> None:
    ws, rivera, _ = logged
    payments = ws.read(list_audit, AuditFilter(entity="payment"))
    assert payments.total == 3
    assert {(r.entity, r.action) for r in payments.rows} == {("payment", "create")}
    assert '"amount": "150.00"' in payments.rows[0].after
    both = ws.read(list_audit, AuditFilter(unit_id=rivera, entity="session", action="create"))
    assert both.total == 3
    assert ws.read(list_audit, AuditFilter(action="void")).total == 0
    assert ("payment", "create") in ws.read(change_kinds)


def test_filter_by_day_in_the_users_time_zone(logged: tuple[Workspace, int, int]) -> None:
    ws, _, _ = logged
    stamp = ws.read(list_audit).rows[0].at
    assert stamp.tzinfo is UTC
    day = stamp.date()
    assert ws.read(list_audit, AuditFilter(start=day, end=day), zone=UTC).total == 10
    before = day - timedelta(days=1)
    assert ws.read(list_audit, AuditFilter(end=before), zone=UTC).total == 0
    assert ws.read(list_audit, AuditFilter(start=day + timedelta(days=1)), zone=UTC).total == 0
    # The same moment is on another calendar day fourteen hours away: the zone decides.
    far = timezone(timedelta(hours=14)) if stamp.hour >= 10 else timezone(timedelta(hours=-12))
    local_day = stamp.astimezone(far).date()
    assert local_day != day
    assert ws.read(list_audit, AuditFilter(start=local_day, end=local_day), zone=far).total == 10
    assert ws.read(list_audit, AuditFilter(start=day, end=day), zone=far).total == 0
    with pytest.raises(InvalidInput):
        ws.read(list_audit, AuditFilter(start=day, end=before))


def test_paging(logged: tuple[Workspace, int, int]) -> None:
    ws, _, _ = logged
    first = ws.read(list_audit, page=0, page_size=4)
    second = ws.read(list_audit, page=1, page_size=4)
    last = ws.read(list_audit, page=2, page_size=4)
    assert (len(first.rows), len(second.rows), len(last.rows)) == (4, 4, 2)
    assert first.has_more
    assert not last.has_more
    everything = [r.id for p in (first, second, last) for r in p.rows]
    assert everything == [r.id for r in ws.read(list_audit).rows]
    with pytest.raises(InvalidInput):
        ws.read(list_audit, page_size=0)


def test_chain_status_sees_tampering(logged: tuple[Workspace, int, int]) -> None:
    ws, _, _ = logged
    report = ws.read(chain_status)
    assert report.intact
    assert report.entries == 10
    conn = ws.practice_file.raw_connection()
    try:
        conn.execute("DROP TRIGGER trg_audit_log_no_update")
        conn.execute("UPDATE audit_log SET after_json = '{}' WHERE id = 4")
    finally:
        conn.close()
    report = ws.read(chain_status)
    assert not report.intact
    [problem] = report.problems
    assert problem.startswith("audit entry 4 (")  # named as on the Audit page: what, when
    assert problem.endswith(" was altered after it was written")


def test_stamps_are_utc_moments(logged: tuple[Workspace, int, int]) -> None:
    ws, _, _ = logged
    stamp = ws.read(list_audit).rows[0].at
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=10)
