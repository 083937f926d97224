"""Regular slots: which fall in a week, and recording them once."""

from __future__ import annotations

from datetime import date, time, timedelta

from desktop.services.books.recurring import due_in_week, record_week, set_slot
from desktop.services.books.sessions import list_sessions
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.workspace import Workspace

MONDAY = date(2026, 3, 2)


def _client(ws: Workspace, last: str) -> int:
    return ws.run(create_client, ClientInput(legal_last_name=last, legal_first_name="A")).unit_id


def test_weekly_and_fortnightly_slots_fall_in_their_weeks(workspace: Workspace) -> None:
    weekly = _client(workspace, "Weekly")
    fortnightly = _client(workspace, "Fortnightly")
    _client(workspace, "NoSlot")
    workspace.run(set_slot, weekly, 1, time(9, 0), start=MONDAY)
    workspace.run(set_slot, fortnightly, 3, time(15, 0), every_weeks=2, start=MONDAY, minutes=45)
    first = workspace.read(due_in_week, MONDAY)
    assert [(s.unit_id, s.on, s.start_time) for s in first] == [
        (weekly, MONDAY + timedelta(days=1), time(9, 0)),
        (fortnightly, MONDAY + timedelta(days=3), time(15, 0)),
    ]
    second = workspace.read(due_in_week, MONDAY + timedelta(days=7))
    assert [s.unit_id for s in second] == [weekly]
    assert workspace.read(due_in_week, MONDAY - timedelta(days=7)) == []  # before the start


def test_recording_a_week_twice_records_it_once(workspace: Workspace) -> None:
    unit = _client(workspace, "Weekly")
    workspace.run(set_slot, unit, 0, time(10, 0), start=MONDAY, minutes=45)
    rows = workspace.run(record_week, MONDAY)
    assert [(r.service_date, r.service_code, r.start_time) for r in rows] == [
        (MONDAY, "90834", time(10, 0))
    ]
    assert rows[0].charged > 0
    assert workspace.run(record_week, MONDAY) == []
    assert len(workspace.read(list_sessions)) == 1
    workspace.run(set_slot, unit, None)
    assert workspace.read(due_in_week, MONDAY + timedelta(days=7)) == []
