"""What an estimate is owed before it is issued, one estimate at a time per client, a
change of frequency, and the client's 120 days to dispute."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from sqlalchemy import select, text

from db.models import AuditEntry, EstimateOwed
from desktop.reports.tabular import write_csv
from desktop.services.books import sessions
from desktop.services.books.sessions import SessionInput
from desktop.services.documents.blocks import CheckFailed
from desktop.services.errors import InvalidInput, ServiceError
from desktop.services.estimates import follow, owed, tables
from desktop.services.estimates.drafts import ExpectedService
from desktop.services.estimates.issue import correct_estimate, issue_estimate
from desktop.services.estimates.meter import DISPUTE_WINDOW_DAYS
from desktop.services.estimates.views import client_estimate_summary, estimates_page_view
from desktop.services.workspace import Workspace
from tests.services.estimates.test_estimate_service import FIRST, ISSUED, client_on_90834, plan

THANKSGIVING_EVE = date(2026, 11, 25)


@pytest.fixture
def unit(workspace: Workspace) -> int:
    return workspace.run(client_on_90834)


# --- owed before issued ---------------------------------------------------------------


def test_an_estimate_owed_shows_its_deadline_until_it_is_given(
    workspace: Workspace, unit: int
) -> None:
    # Scheduled the day before Thanksgiving, 3 weeks out: due in 3 business days.
    noted = workspace.run(
        owed.note_owed, unit, THANKSGIVING_EVE, date(2026, 12, 16), False, THANKSGIVING_EVE
    )
    assert (noted.due_by, noted.status) == (date(2026, 12, 1), "due")
    assert workspace.read(follow.estimates_needing_action, date(2026, 11, 30)) == 1
    (late,) = workspace.read(owed.owed_estimates, date(2026, 12, 2))
    assert late.status == "overdue"
    page = workspace.read(estimates_page_view, date(2026, 12, 2))
    assert (page.estimates, [o.owed_id for o in page.owed], page.needing_action) == (
        (),
        [noted.owed_id],
        1,
    )
    summary = workspace.read(client_estimate_summary, unit, date(2026, 12, 2))
    assert summary is not None
    assert summary.estimate is None
    assert summary.owed is not None
    assert summary.owed.status == "overdue"

    report = workspace.read(tables.estimates_table, date(2026, 12, 2))
    out = io.StringIO()
    write_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == [
        "A1", "", "2026-11-25", "2026-12-16", "2026-12-01", "", "", "", "", "", "no", "overdue"
    ]  # fmt: skip

    data = plan(unit, scheduled_on=THANKSGIVING_EVE, first_service=date(2026, 12, 16))
    issued = workspace.run(issue_estimate, data, date(2026, 12, 2))
    assert issued.late
    assert workspace.read(owed.owed_estimates, date(2026, 12, 2)) == []
    with workspace.practice_file.reading() as s:
        row = s.scalars(select(EstimateOwed)).one()
        assert (row.closed_on, row.estimate_id) == (date(2026, 12, 2), issued.estimate_id)
        actions = [
            (e.action, e.entity)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "estimate owed"))
        ]
    assert actions == [("note", "estimate owed"), ("close", "estimate owed")]


def test_an_estimate_not_needed_is_closed_with_its_reason(workspace: Workspace, unit: int) -> None:
    noted = workspace.run(owed.note_owed, unit, ISSUED, FIRST, False, ISSUED)
    with pytest.raises(InvalidInput, match="already owed an estimate"):
        workspace.run(owed.note_owed, unit, ISSUED, FIRST, False, ISSUED)
    with pytest.raises(InvalidInput, match="Say why"):
        workspace.run(owed.close_owed, noted.owed_id, "  ", ISSUED)
    workspace.run(owed.close_owed, noted.owed_id, "did not go ahead", ISSUED)
    assert workspace.read(owed.owed_estimates, ISSUED) == []
    with pytest.raises(InvalidInput, match="no longer owed"):
        workspace.run(owed.close_owed, noted.owed_id, "again", ISSUED)


def test_the_dates_are_checked_before_anything_is_noted(workspace: Workspace, unit: int) -> None:
    with pytest.raises(InvalidInput, match="before the day the client"):
        workspace.run(owed.note_owed, unit, FIRST, ISSUED, False, FIRST)
    with pytest.raises(InvalidInput, match="after today"):
        workspace.run(owed.note_owed, unit, FIRST, FIRST, False, ISSUED)
    assert workspace.read(owed.owed_estimates, ISSUED) == []


def test_an_owed_row_is_closed_once_and_never_deleted(workspace: Workspace, unit: int) -> None:
    noted = workspace.run(owed.note_owed, unit, ISSUED, FIRST, False, ISSUED)
    workspace.run(owed.close_owed, noted.owed_id, "did not go ahead", ISSUED)
    for statement in (
        "DELETE FROM estimates_owed",
        "UPDATE estimates_owed SET closed_reason = 'changed'",
        "UPDATE estimates_owed SET first_service = '2026-03-01'",
    ):
        with pytest.raises(ServiceError, match=r"never deleted|only ever closed"):
            workspace.run(lambda s, sql=statement: s.execute(text(sql)))


# --- one current estimate a client ------------------------------------------------------


def test_a_second_estimate_over_the_same_days_is_refused_and_offered_as_a_correction(
    workspace: Workspace, unit: int
) -> None:
    first = workspace.run(issue_estimate, plan(unit), ISSUED)
    again = plan(unit, ExpectedService("90834", 12), first_service=FIRST + timedelta(days=60))
    with pytest.raises(CheckFailed) as refused:
        workspace.run(issue_estimate, again, ISSUED)
    (sentence,) = refused.value.problems
    assert sentence == (
        "GFE-2026-0001 already covers 02/23/2026 to 02/22/2027 for this client. Issue a "
        "corrected version of GFE-2026-0001 instead, or start this estimate after 02/22/2027."
    )
    corrected = workspace.run(correct_estimate, first.estimate_id, again, ISSUED)
    assert corrected.label == "GFE-2026-0001 v2"
    after = replace(again, first_service=date(2027, 4, 27), scheduled_on=date(2027, 4, 1))
    assert workspace.run(issue_estimate, after, date(2027, 4, 1)).label == "GFE-2027-0001"
    assert [e.label for e in workspace.read(follow.current_estimates, date(2027, 4, 1))] == [
        "GFE-2026-0001 v2",
        "GFE-2027-0001",
    ]


# --- a change of frequency, and more sessions than expected ---------------------------


def test_sessions_more_often_than_weekly_change_the_scope(workspace: Workspace, unit: int) -> None:
    workspace.run(issue_estimate, plan(unit, ExpectedService("90834", 20, D("140.00"))), ISSUED)
    for offset in (0, 3, 7, 10, 14, 17):  # twice a week for three weeks
        day = FIRST + timedelta(days=offset)
        workspace.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=45))
    (row,) = workspace.read(follow.current_estimates, FIRST + timedelta(days=20))
    assert row.status == "scope-changed"
    assert row.scope_notes == (
        "6 sessions in the four weeks to 03/12/2026 is more often than weekly",
    )


def test_weekly_with_a_make_up_session_stays_in_scope_but_more_sessions_do_not(
    workspace: Workspace, unit: int
) -> None:
    workspace.run(issue_estimate, plan(unit, ExpectedService("90834", 3, D("140.00"))), ISSUED)
    for offset in (0, 3, 7):
        day = FIRST + timedelta(days=offset)
        workspace.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=45))
    (row,) = workspace.read(follow.current_estimates, FIRST + timedelta(days=8))
    assert (row.status, row.scope_notes) == ("issued", ())
    day = FIRST + timedelta(days=14)
    workspace.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=45))
    (row,) = workspace.read(follow.current_estimates, day)
    assert row.scope_notes == ("4 sessions were held; the estimate expects 3",)


# --- the client's 120 days to dispute ---------------------------------------------------


def test_the_dispute_window_runs_120_days_from_the_charge_that_went_400_over(
    workspace: Workspace, unit: int
) -> None:
    workspace.run(issue_estimate, plan(unit, ExpectedService("90834", 2, D("100.00"))), ISSUED)
    # $200 estimated; $250 billed, then $400 more: $450 over on the second session.
    workspace.run(sessions.record_session, SessionInput(unit, FIRST, "90834", fee=D("250.00")))
    crossing = FIRST + timedelta(days=7)
    workspace.run(sessions.record_session, SessionInput(unit, crossing, "90834", fee=D("400.00")))
    last_day = crossing + timedelta(days=DISPUTE_WINDOW_DAYS)
    (row,) = workspace.read(follow.current_estimates, last_day)
    assert (row.dispute_until, row.dispute_eligible, row.status) == (
        last_day,
        True,
        "dispute-eligible",
    )
    (row,) = workspace.read(follow.current_estimates, last_day + timedelta(days=1))
    assert (row.over_by, row.dispute_eligible, row.status) == (D("450.00"), False, "over")
