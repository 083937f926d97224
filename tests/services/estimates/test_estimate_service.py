"""Good Faith Estimates: defaults, the check, numbering, versions, deadlines, the meter."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Document, Estimate, EstimateLine, Practice, Service
from desktop.domain.kinds import SessionStatus
from desktop.reports.tabular import heading, write_csv, write_xlsx
from desktop.services.books import sessions
from desktop.services.books.sessions import SessionInput
from desktop.services.changes import Topic
from desktop.services.documents.blocks import CheckFailed
from desktop.services.documents.store import reprint
from desktop.services.errors import InvalidInput, NotAllowed, ServiceError
from desktop.services.estimates import follow, tables
from desktop.services.estimates.drafts import EstimateInput, ExpectedService, default_estimate
from desktop.services.estimates.issue import correct_estimate, issue_estimate
from desktop.services.practice.settings import (
    EstimateSettings,
    get_estimate_settings,
    update_estimate_settings,
)
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit

SCHEDULED, FIRST = date(2026, 2, 2), date(2026, 2, 23)  # a Monday; three weeks ahead
ISSUED = date(2026, 2, 3)


def client_on_90834(session: Session, ref: str = "A1", name: str = "Ana Lopez") -> int:
    """A client whose usual service is 90834 at $140."""
    unit_id = add_unit(session, ref, name, fee="140.00")
    unit = session.get(BillingUnit, unit_id)
    assert unit is not None
    service = session.execute(select(Service).where(Service.code == "90834")).scalar_one()
    unit.default_service_id = service.id
    session.flush()
    return unit_id


def plan(unit: int, *items: ExpectedService, **changes: object) -> EstimateInput:
    data = EstimateInput(unit, SCHEDULED, FIRST, items=items or (ExpectedService("90834", 2),))
    return replace(data, **changes)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def documents(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Document)).scalar_one()


@pytest.fixture
def unit(workspace: Workspace) -> int:
    return workspace.run(client_on_90834)


# --- defaults -------------------------------------------------------------------------


def test_the_defaults_come_from_the_client_and_the_practice(
    workspace: Workspace, unit: int
) -> None:
    data = workspace.read(default_estimate, unit, SCHEDULED, FIRST)
    assert data.items == (ExpectedService("90834", 24, D("140.00")),)
    assert (data.frequency, data.requested, data.through) == ("weekly", False, None)
    assert data.period_end == date(2027, 2, 22)  # 12 months from the first session

    workspace.run(update_estimate_settings, EstimateSettings(default_sessions=30))
    assert workspace.read(default_estimate, unit, SCHEDULED, FIRST).items[0].count == 30
    issued = workspace.run(issue_estimate, workspace.read(default_estimate, unit, SCHEDULED, FIRST))
    assert (issued.sessions, issued.total) == (30, D("4200.00"))


def test_a_fee_left_out_is_the_clients_usual_fee(workspace: Workspace, unit: int) -> None:
    data = plan(unit, ExpectedService("90834", 2), ExpectedService("90791", 1, D("200.00")))
    issued = workspace.run(issue_estimate, data, ISSUED)
    assert issued.total == D("480.00")
    with workspace.practice_file.reading() as s:
        lines = s.scalars(select(EstimateLine).order_by(EstimateLine.id)).all()
        assert [(x.service_code, x.quantity, x.unit_fee) for x in lines] == [
            ("90834", 2, D("140.00")),
            ("90791", 1, D("200.00")),
        ]


def test_the_settings_refuse_nonsense(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput, match="working day"):
        workspace.run(update_estimate_settings, EstimateSettings(workdays=frozenset()))
    with pytest.raises(InvalidInput, match=r"\$400"):
        workspace.run(update_estimate_settings, EstimateSettings(warn_over=D("400.01")))
    assert workspace.read(get_estimate_settings) == EstimateSettings()


# --- the check ------------------------------------------------------------------------


def _without_dob(s: Session) -> None:
    s.execute(select(Client).where(Client.client_ref == "A1")).scalar_one().date_of_birth = None


def _without_npi(s: Session) -> None:
    practice = s.get(Practice, 1)
    assert practice is not None
    practice.npi = ""


def _without_tin(s: Session) -> None:
    practice = s.get(Practice, 1)
    assert practice is not None
    practice.tax_id = ""


@pytest.mark.parametrize(
    ("spoil", "changes", "reason"),
    [
        (_without_dob, {}, "Add Ana Lopez's date of birth"),
        (_without_npi, {}, "Add the provider's NPI"),
        (_without_tin, {}, "Add the practice's tax ID"),
        (None, {"items": (ExpectedService("90834", 2, D("0")),)}, "90834 (Therapy session"),
        (None, {"items": (ExpectedService("99999", 2),)}, "no service with code '99999'"),
        (None, {"through": date(2027, 2, 23)}, "at most 12 months: end this one by 02/22/2027"),
        (None, {"first_service": date(2026, 1, 30)}, "The first session (01/30/2026) is before"),
        (None, {"through": date(2026, 2, 20)}, "ends (02/20/2026) before the first session"),
        (None, {"frequency": " "}, "how often"),
    ],
)
def test_each_problem_refuses_with_a_sentence_and_issues_nothing(
    workspace: Workspace, unit: int, spoil: object, changes: dict[str, object], reason: str
) -> None:
    if spoil is not None:
        workspace.run(spoil)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed) as refused:
        workspace.run(issue_estimate, plan(unit, **changes), ISSUED)
    assert any(reason in problem for problem in refused.value.problems), refused.value.problems
    assert all(problem.endswith(".") for problem in refused.value.problems)
    assert workspace.read(documents) == 0


def test_a_service_with_no_fee_in_the_catalogue_is_refused(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "Z1", "Zoe Park", fee="0")

    def free(s: Session) -> None:
        s.execute(select(Service).where(Service.code == "90837")).scalar_one().default_fee = D(0)

    workspace.run(free)
    with pytest.raises(CheckFailed, match=r"90837 .* has no fee"):
        workspace.run(issue_estimate, workspace.read(default_estimate, unit, SCHEDULED, FIRST))


def test_twelve_months_is_the_limit_to_the_day(workspace: Workspace, unit: int) -> None:
    issued = workspace.run(issue_estimate, plan(unit, through=date(2027, 2, 22)), ISSUED)
    assert issued.document.period_to == date(2027, 2, 22)


# --- numbering and versions -----------------------------------------------------------


def test_numbers_run_per_year_and_the_pdf_is_kept_as_issued(
    workspace: Workspace, unit: int
) -> None:
    first = workspace.run(issue_estimate, plan(unit), ISSUED)
    other = workspace.run(client_on_90834, "B2", "Bo Lind")
    second = workspace.run(issue_estimate, plan(other), ISSUED)
    later = workspace.run(  # the client's next estimate, once the first one's period is over
        issue_estimate,
        plan(unit, scheduled_on=date(2027, 1, 4), first_service=date(2027, 2, 23)),
        date(2027, 1, 5),
    )
    assert [first.label, second.label, later.label] == [
        "GFE-2026-0001",
        "GFE-2026-0002",
        "GFE-2027-0001",
    ]
    pdf = workspace.read(reprint, first.document.id)
    assert pdf.startswith(b"%PDF")
    words = text_of(pdf)
    for expected in ("Ana Lopez", "1234567893", "280.00", "GFE-2026-0001"):
        assert expected in words


def test_a_correction_is_a_new_version_and_only_it_is_current(
    workspace: Workspace, unit: int
) -> None:
    old = workspace.run(issue_estimate, plan(unit), ISSUED)
    new = workspace.run(
        correct_estimate, old.estimate_id, plan(unit, ExpectedService("90834", 10)), ISSUED
    )
    assert (new.label, new.document.version, new.document.supersedes_id) == (
        "GFE-2026-0001 v2",
        2,
        old.document.id,
    )
    assert new.total == D("1400.00")
    current = workspace.read(follow.current_estimates, ISSUED)
    assert [(c.label, c.total) for c in current] == [("GFE-2026-0001 v2", D("1400.00"))]
    with pytest.raises(NotAllowed, match="already replaced by version 2"):
        workspace.run(correct_estimate, old.estimate_id, plan(unit), ISSUED)
    other = workspace.run(add_unit, "B1", "Ben Ross")
    with pytest.raises(InvalidInput, match="same client"):
        workspace.run(correct_estimate, new.estimate_id, plan(other), ISSUED)
    assert "GFE-2026-0001" in text_of(workspace.read(reprint, new.document.id))


def test_estimates_are_never_changed_or_deleted(workspace: Workspace, unit: int) -> None:
    workspace.run(issue_estimate, plan(unit), ISSUED)
    for statement in ("DELETE FROM estimates", "UPDATE estimate_lines SET quantity = 9"):
        with pytest.raises(ServiceError, match="never"):
            workspace.run(lambda s, sql=statement: s.execute(text(sql)))


def test_issuing_tells_the_screens_about_estimates(workspace: Workspace, unit: int) -> None:
    performed = workspace.perform(issue_estimate, plan(unit), ISSUED)
    assert {Topic.ESTIMATES, Topic.DOCUMENTS, Topic.AUDIT} <= performed.changes


# --- deadlines ------------------------------------------------------------------------

THANKSGIVING_EVE = date(2026, 11, 25)  # Wednesday; Thursday 26 is a federal holiday


def test_the_deadline_skips_the_holiday_and_a_late_estimate_is_flagged(
    workspace: Workspace, unit: int
) -> None:
    def client(ref: str) -> int:  # one client a case: a client has one estimate at a time
        return workspace.run(client_on_90834, ref, f"Client {ref}")

    far = plan(unit, scheduled_on=THANKSGIVING_EVE, first_service=date(2026, 12, 14))
    # 10+ business days ahead: due in 3 business days (Fri 27, Mon 30, Tue 1).
    on_time = workspace.run(issue_estimate, far, date(2026, 12, 1))
    assert (on_time.due_by, on_time.late) == (date(2026, 12, 1), False)
    late = workspace.run(issue_estimate, replace(far, unit_id=client("L1")), date(2026, 12, 2))
    assert late.late is True
    near = plan(client("N1"), scheduled_on=THANKSGIVING_EVE, first_service=date(2026, 12, 2))
    assert workspace.run(issue_estimate, near, date(2026, 11, 27)).due_by == date(2026, 11, 27)
    asked = plan(
        client("R1"),
        scheduled_on=THANKSGIVING_EVE,
        first_service=date(2026, 11, 25),
        requested=True,
    )
    assert workspace.run(issue_estimate, asked, date(2026, 11, 25)).due_by == date(2026, 12, 1)
    soon = plan(client("S1"), scheduled_on=THANKSGIVING_EVE, first_service=date(2026, 11, 30))
    assert workspace.run(issue_estimate, soon, date(2026, 11, 30)).due_by is None

    statuses = {
        c.label: c.status for c in workspace.read(follow.current_estimates, date(2026, 12, 3))
    }
    assert statuses[late.label] == "late"
    assert statuses[on_time.label] == "issued"


def test_the_practices_workdays_decide_the_deadline(workspace: Workspace, unit: int) -> None:
    workspace.run(update_estimate_settings, EstimateSettings(workdays=frozenset({0, 1, 2, 3})))
    far = plan(unit, scheduled_on=THANKSGIVING_EVE, first_service=date(2026, 12, 21))
    # Fridays are off: Mon 30, Tue 1, Wed 2.
    assert workspace.run(issue_estimate, far, THANKSGIVING_EVE).due_by == date(2026, 12, 2)


# --- the dispute meter and the follow-up ----------------------------------------------


def billed_unit(ws: Workspace, ref: str, amount: str) -> int:
    """A client with an estimate of $200 (2 x $100) and one charge of ``amount`` in it."""
    unit = ws.run(client_on_90834, ref, f"Client {ref}")
    ws.run(issue_estimate, plan(unit, ExpectedService("90834", 2, D("100.00"))), ISSUED)
    ws.run(sessions.record_session, SessionInput(unit, FIRST, "90834", minutes=45, fee=D(amount)))
    return unit


def test_the_meter_at_the_dispute_and_warning_thresholds(workspace: Workspace) -> None:
    for ref, amount in (("D1", "599.99"), ("D2", "600.00"), ("W1", "499.99"), ("W2", "500.00")):
        billed_unit(workspace, ref, amount)
    today = FIRST + timedelta(days=30)
    rows = {c.client_ref: c for c in workspace.read(follow.current_estimates, today)}
    assert {ref: (r.over_by, r.dispute_eligible, r.status) for ref, r in rows.items()} == {
        "D1": (D("399.99"), False, "over"),
        "D2": (D("400.00"), True, "dispute-eligible"),
        # Under the warning line, but billed at $499.99 a session against $100 expected.
        "W1": (D("299.99"), False, "scope-changed"),
        "W2": (D("300.00"), False, "over"),
    }
    assert workspace.read(follow.estimates_needing_action, today) == 4
    workspace.run(update_estimate_settings, EstimateSettings(warn_over=D("100.00")))
    assert workspace.read(follow.current_estimates, today)[2].status == "over"  # W1


def test_voided_charges_and_charges_outside_the_period_are_not_billed(
    workspace: Workspace,
) -> None:
    unit = billed_unit(workspace, "V1", "150.00")
    before = FIRST - timedelta(days=7)
    workspace.run(sessions.record_session, SessionInput(unit, before, "90834", minutes=45))
    (row,) = workspace.read(follow.current_estimates, FIRST)
    assert (row.billed, row.over_by) == (D("150.00"), D("0.00"))


def test_expiring_and_expired_and_who_needs_action(workspace: Workspace, unit: int) -> None:
    workspace.run(issue_estimate, plan(unit, through=date(2026, 3, 31)), ISSUED)
    gone = workspace.run(client_on_90834, "G1", "Gil Moss")
    workspace.run(issue_estimate, plan(gone, through=date(2026, 3, 31)), ISSUED)

    def statuses(day: date) -> list[str]:
        return [c.status for c in workspace.read(follow.current_estimates, day)]

    assert statuses(date(2026, 2, 28)) == ["issued", "issued"]
    assert statuses(date(2026, 3, 1)) == ["expiring", "expiring"]
    assert workspace.read(follow.estimates_needing_action, date(2026, 3, 1)) == 2
    assert statuses(date(2026, 4, 1)) == ["expired", "expired"]

    def leaves(s: Session) -> None:
        s.execute(select(Client).where(Client.client_ref == "G1")).scalar_one().active = False

    workspace.run(leaves)
    assert workspace.read(follow.estimates_needing_action, date(2026, 4, 1)) == 1


# --- a change of scope -----------------------------------------------------------------


def scoped_unit(ws: Workspace, ref: str = "S1") -> int:
    """A client with an estimate of 90834 x 10 at $140 for a year (nothing over it yet)."""
    unit = ws.run(client_on_90834, ref, f"Client {ref}")
    ws.run(issue_estimate, plan(unit, ExpectedService("90834", 10, D("140.00"))), ISSUED)
    return unit


def seen(ws: Workspace, unit: int, code: str, fee: str, **more: object) -> None:
    ws.run(sessions.record_session, SessionInput(unit, FIRST, code, fee=D(fee), **more))  # type: ignore[arg-type]


def test_a_code_the_estimate_does_not_list_changes_its_scope(workspace: Workspace) -> None:
    unit = scoped_unit(workspace)
    seen(workspace, unit, "90847", "150.00", minutes=50)
    (row,) = workspace.read(follow.current_estimates, FIRST)
    assert row.status == "scope-changed"
    assert row.scope_notes == ("90847 was billed but is not on the estimate",)
    assert row.needs_action
    assert workspace.read(follow.estimates_needing_action, FIRST) == 1


def test_a_higher_fee_changes_its_scope(workspace: Workspace) -> None:
    unit = scoped_unit(workspace)
    seen(workspace, unit, "90834", "160.00", minutes=45)
    (row,) = workspace.read(follow.current_estimates, FIRST)
    assert (row.status, row.over_by) == ("scope-changed", D("0.00"))
    assert row.scope_notes == ("90834 was billed at $160.00; the estimate expects $140.00",)


@pytest.mark.parametrize("fee", ["140.00", "120.00"])
def test_an_equal_or_lower_fee_is_within_scope(workspace: Workspace, fee: str) -> None:
    unit = scoped_unit(workspace)
    seen(workspace, unit, "90834", fee, minutes=45)
    (row,) = workspace.read(follow.current_estimates, FIRST)
    assert (row.status, row.scope_notes) == ("issued", ())
    assert workspace.read(follow.estimates_needing_action, FIRST) == 0


def test_a_late_cancel_fee_is_not_a_service(workspace: Workspace) -> None:
    unit = scoped_unit(workspace)
    # Charged under the session's code, above the estimated fee, but nothing was provided.
    for status in (SessionStatus.LATE_CANCEL, SessionStatus.NO_SHOW):
        seen(workspace, unit, "90837", "200.00", status=status)
    (row,) = workspace.read(follow.current_estimates, FIRST)
    assert row.billed == D("400.00")
    assert (row.status, row.scope_notes) == ("issued", ())


def test_over_comes_before_a_change_of_scope_and_that_before_expiring(
    workspace: Workspace,
) -> None:
    over = scoped_unit(workspace, "O1")
    seen(workspace, over, "90847", "1750.00", minutes=50)  # $350 over a $1,400 estimate
    near = workspace.run(client_on_90834, "E1", "Client E1")
    workspace.run(
        issue_estimate,
        plan(near, ExpectedService("90834", 2, D("140.00")), through=date(2026, 3, 31)),
        ISSUED,
    )
    seen(workspace, near, "90837", "200.00", minutes=55)
    day = date(2026, 3, 15)  # within 30 days of E1's end
    rows = {c.client_ref: c for c in workspace.read(follow.current_estimates, day)}
    assert rows["O1"].status == "over"
    assert rows["O1"].scope_notes == ("90847 was billed but is not on the estimate",)
    assert (rows["E1"].status, rows["E1"].scope_notes) == (
        "scope-changed",
        ("90837 was billed but is not on the estimate",),
    )
    assert workspace.read(follow.estimates_needing_action, day) == 2


# --- the report -----------------------------------------------------------------------

REPORT_COLUMNS = [
    "client_ref",
    "number",
    "scheduled_on",
    "first_service",
    "due_by",
    "issued_on",
    "period_end",
    "estimate_total",
    "billed_to_date",
    "over_by",
    "dispute_eligible",
    "status",
]


def test_the_report_lists_current_estimates_as_csv_and_xlsx(
    workspace: Workspace, tmp_path: Path
) -> None:
    unit = billed_unit(workspace, "D2", "600.00")
    (old,) = workspace.read(follow.current_estimates, ISSUED)
    workspace.run(
        correct_estimate,
        old.estimate_id,
        plan(unit, ExpectedService("90834", 2, D("100.00"))),
        ISSUED,
    )
    table = workspace.read(tables.estimates_table, FIRST + timedelta(days=30))
    assert [c.name for c in table.columns] == REPORT_COLUMNS
    out = io.StringIO()
    write_csv(table, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        REPORT_COLUMNS,
        [
            "D2",
            "GFE-2026-0001 v2",
            "2026-02-02",
            "2026-02-23",
            "2026-02-05",
            "2026-02-03",
            "2027-02-22",
            "200.00",
            "600.00",
            "400.00",
            "yes",
            "dispute-eligible",
        ],
    ]
    path = tmp_path / "gfe.xlsx"
    write_xlsx([table], path)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # The workbook's headings are words; the CSV keeps the machine names.
    header = next(i for i, row in enumerate(values) if row[0] == "Client ref.")
    assert values[header][: len(REPORT_COLUMNS)] == [heading(c) for c in REPORT_COLUMNS]
    assert values[header + 1][1] == "GFE-2026-0001 v2"
    assert values[header + 1][9] == 400


def test_no_estimate_in_the_file_leaves_the_estimates_alone(workspace: Workspace) -> None:
    with workspace.practice_file.reading() as s:
        assert s.execute(select(func.count()).select_from(Estimate)).scalar_one() == 0
    assert workspace.read(follow.estimates_needing_action) == 0
    assert workspace.read(tables.estimates_table).rows == ()
