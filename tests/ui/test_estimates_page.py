"""The Estimates page, the estimate dialog, and the client page's line about the estimate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the figures

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client
from desktop.services.books import sessions
from desktop.services.books.sessions import SessionInput
from desktop.services.estimates.drafts import EstimateInput, ExpectedService
from desktop.services.estimates.issue import issue_estimate
from desktop.services.estimates.owed import note_owed
from desktop.services.workspace import Workspace
from desktop.ui import style
from desktop.ui.dialogs.estimate import CloseOwedDialog, EstimateDialog
from desktop.ui.formatting import format_date
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGE_IDS
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.estimates import EstimatesPage
from tests.services.estimates.test_estimate_service import client_on_90834
from tests.ui.conftest import RecordingInteraction

TODAY = date.today()
ESTIMATES_ROW = PAGE_IDS.index("estimates")
# Scheduled three weeks before a first session a week ago, given the day after scheduling:
# on time, its 12 months far from over.
SCHEDULED = TODAY - timedelta(days=28)
FIRST = TODAY - timedelta(days=7)


def estimates_page(window: MainWindow) -> EstimatesPage:
    window.show_page("estimates")
    page = window.page("estimates")
    assert isinstance(page, EstimatesPage)
    return page


def estimated_and_billed(session: Session, ref: str, name: str, billed: str | None) -> int:
    """A client with an estimate of 2 x $100, and one session at ``billed`` (if any)."""
    unit = client_on_90834(session, ref, name)
    plan = EstimateInput(unit, SCHEDULED, FIRST, items=(ExpectedService("90834", 2, D("100")),))
    issue_estimate(session, plan, SCHEDULED + timedelta(days=1))
    if billed is not None:
        sessions.record_session(
            session, SessionInput(unit, FIRST, "90834", minutes=45, fee=D(billed))
        )
    return unit


def cells(page: EstimatesPage, row: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    return [page.proxy.index(row, c).data(role) for c in range(page.proxy.columnCount())]


def test_the_page_lists_current_estimates_and_marks_those_needing_action(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, qtmodeltester: object
) -> None:
    ui_workspace.run(estimated_and_billed, "A1", "Ana Lopez", None)
    ui_workspace.run(estimated_and_billed, "B1", "Ben Ortiz", "520.00")  # $320 over
    page = estimates_page(window)
    number = f"GFE-{(SCHEDULED + timedelta(days=1)).year}"
    assert page.proxy.rowCount() == 2
    ana, ben = cells(page, 0), cells(page, 1)
    assert ana[0] == "Ana Lopez"
    assert str(ana[1]).startswith(f"{number}-")
    assert ana[2:] == [
        format_date(FIRST),
        format_date(FIRST.replace(year=FIRST.year + 1) - timedelta(days=1)),
        ana[4],
        format_date(SCHEDULED + timedelta(days=1)),
        "$200.00",
        "$0.00",
        "",
        "Issued",
    ]
    assert ben[6:] == ["$200.00", "$520.00", "$320.00", "⚠ Over"]
    tip = page.proxy.index(1, 9).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Billed $320.00 over the estimate")
    assert "$400.00" in tip
    assert page.proxy.index(1, 9).data(Qt.ItemDataRole.ForegroundRole) == style.error_color()
    assert page.proxy.index(0, 9).data(Qt.ItemDataRole.ForegroundRole) is None
    alignment = page.proxy.index(0, 6).data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    assert page.count.text() == "2 current estimates · 1 needs action"
    page.filter_box.setCurrentIndex(1)
    assert [cells(page, r)[0] for r in range(page.proxy.rowCount())] == ["Ben Ortiz"]
    qtmodeltester.check(page.model, force_py=True)  # type: ignore[attr-defined]
    window._show_counts()
    assert window.nav.item(ESTIMATES_ROW).text() == "Estimates  (1)"


def test_a_change_of_scope_is_marked_with_what_changed(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    ui_workspace.run(estimated_and_billed, "C1", "Cy Park", "180.00")  # $100 expected
    page = estimates_page(window)
    assert cells(page, 0)[9] == "⚠ Scope changed"
    assert page.proxy.index(0, 9).data(Qt.ItemDataRole.ToolTipRole) == (
        "The services billed have changed from this estimate: 90834 was billed at $180.00; "
        "the estimate expects $100.00. Issue a corrected version."
    )
    assert page.proxy.index(0, 9).data(Qt.ItemDataRole.ForegroundRole) == style.error_color()
    window._show_counts()
    assert window.nav.item(ESTIMATES_ROW).text() == "Estimates  (1)"


def _without_dob(session: Session) -> None:
    client = session.execute(select(Client).where(Client.client_ref == "C1")).scalar_one()
    client.date_of_birth = None


def _with_dob(session: Session) -> None:
    client = session.execute(select(Client).where(Client.client_ref == "C1")).scalar_one()
    client.date_of_birth = date(1990, 5, 17)


def test_the_dialog_proposes_refuses_then_issues_and_corrects(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit = ui_workspace.run(client_on_90834, "C1", "Cara Diaz")
    ui_workspace.run(_without_dob)
    page = estimates_page(window)
    nav = window.nav.item(ESTIMATES_ROW)
    assert nav.text() == "Estimates"
    offered: list[str] = []
    page.choose_output = lambda text: offered.append(text)  # type: ignore[method-assign]
    # Asked for 40 days ago and given only now: late, so it needs action.
    asked = TODAY - timedelta(days=40)
    seen: dict[str, object] = {}

    def work(dialog: EstimateDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.client.setCurrentIndex(dialog.client.findData(unit))
        code, count, fee = dialog.line_widgets[0]
        seen["defaults"] = (code.currentData(), count.value(), fee.text())
        dialog.requested.setChecked(True)
        dialog.scheduled.set_value(asked)
        dialog.first.set_value(TODAY + timedelta(days=7))
        seen["through"] = dialog.through.value()
        seen["due"] = dialog.due.text()
        dialog.run_check()
        seen["problems"] = dialog.problem_texts()
        seen["issue_enabled"] = dialog.issue_button.isEnabled()
        ui_workspace.run(_with_dob)  # fixed on the client's page meanwhile
        dialog.check_button.click()
        seen["after"] = dialog.problem_texts()
        dialog.issue_button.click()
        return dialog.result() == EstimateDialog.DialogCode.Accepted

    page.open_dialog = work  # type: ignore[method-assign]
    page.new_estimate()
    assert seen["defaults"] == ("90834", 24, "140.00")
    first = TODAY + timedelta(days=7)
    assert seen["through"] == first.replace(year=first.year + 1) - timedelta(days=1)
    assert str(seen["due"]).startswith("Due by ")
    assert str(seen["due"]).endswith("3 business days after the request.")
    assert seen["problems"] == [
        "Add Cara Diaz's date of birth on the client's page; the estimate must show it."
    ]
    assert seen["issue_enabled"] is False
    assert seen["after"] == []
    assert interaction.errors == []
    assert page.proxy.rowCount() == 1
    row = cells(page, 0)
    assert row[0] == "Cara Diaz"
    assert row[6] == "$3,360.00"
    assert row[9] == "⚠ Late"
    assert page.selected() is not None
    assert offered
    assert offered[0].startswith("Good Faith Estimate GFE-")
    assert "shown as late" in offered[0]
    assert nav.text() == "Estimates  (1)"  # told by the broadcast, not by a refresh

    def correct(dialog: EstimateDialog) -> bool:
        qtbot.addWidget(dialog)
        seen["client_enabled"] = dialog.client.isEnabled()
        _code, count, _fee = dialog.line_widgets[0]
        count.setValue(12)
        dialog.issue_button.click()
        return dialog.result() == EstimateDialog.DialogCode.Accepted

    page.open_dialog = correct  # type: ignore[method-assign]
    page.correct_selected()
    assert seen["client_enabled"] is False
    assert page.proxy.rowCount() == 1
    row = cells(page, 0)
    assert str(row[1]).endswith(" v2")
    assert row[6] == "$1,680.00"


def test_the_client_page_warns_when_billing_runs_over_the_estimate(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    unit = ui_workspace.run(estimated_and_billed, "W1", "Wes Hale", "560.00")  # $360 over
    window.show_page("clients")
    clients = window.page("clients")
    assert isinstance(clients, ClientsPage)
    clients.open_unit(unit)
    detail = clients.detail
    line = detail.good_faith.text()
    assert line.startswith("Estimate GFE-")
    assert line.endswith(
        f": $200.00 through "
        f"{format_date(FIRST.replace(year=FIRST.year + 1) - timedelta(days=1))}"
        " · billed $560.00"
    )
    warning = detail.good_faith_warning.text()
    assert warning.startswith("Billed $360.00 over the estimate, past the practice's $300.00")
    assert "at $400.00 over the client may dispute" in warning
    assert not detail.good_faith_warning.isHidden()
    # Another session tips it past $400: the page follows, and says the client may dispute.
    window.runner.run(
        sessions.record_session, SessionInput(unit, FIRST, "90834", minutes=45, fee=D("50.00"))
    )
    assert detail.good_faith_warning.text().startswith("Billed $410.00 over the estimate: at")
    assert "may start the patient-provider dispute process" in detail.good_faith_warning.text()


def test_an_estimate_noted_as_owed_waits_above_the_list_and_enter_gives_it(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit = ui_workspace.run(client_on_90834, "O1", "Omar Reyes")
    page = estimates_page(window)
    assert page.owed_box.isHidden()
    first = TODAY + timedelta(days=21)

    def note(dialog: EstimateDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.client.setCurrentIndex(dialog.client.findData(unit))
        dialog.scheduled.set_value(TODAY)
        dialog.first.set_value(first)
        dialog.owed_button.click()
        return dialog.result() == EstimateDialog.DialogCode.Accepted

    page.open_dialog = note  # type: ignore[method-assign]
    page.new_estimate()
    assert interaction.errors == []
    assert not page.owed_box.isHidden()
    assert page.owed_model.rowCount() == 1
    row = [page.owed_model.index(0, c).data() for c in range(page.owed_model.columnCount())]
    assert row[:3] == ["Omar Reyes", format_date(TODAY), format_date(first)]
    assert row[4] == "⚠ Due"
    assert window.nav.item(ESTIMATES_ROW).text() == "Estimates  (1)"
    seen: dict[str, object] = {}

    def give(dialog: EstimateDialog) -> bool:
        qtbot.addWidget(dialog)
        seen["dates"] = (picked(dialog), dialog.scheduled.value(), dialog.first.value())
        seen["owed_button"] = dialog.owed_button.isHidden()
        dialog.issue_button.click()
        return dialog.result() == EstimateDialog.DialogCode.Accepted

    page.choose_output = lambda text: None  # type: ignore[method-assign]
    page.open_dialog = give  # type: ignore[method-assign]
    page.owed_table.selectRow(0)
    page.give_owed()
    assert seen["dates"] == (unit, TODAY, first)
    assert seen["owed_button"] is True
    assert page.owed_box.isHidden()
    assert page.proxy.rowCount() == 1
    assert cells(page, 0)[9] == "Issued"
    assert window.nav.item(ESTIMATES_ROW).text() == "Estimates"


def picked(dialog: EstimateDialog) -> object:
    return dialog.client.currentData()


def test_a_second_estimate_over_the_same_months_becomes_a_correction(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    unit = ui_workspace.run(estimated_and_billed, "T1", "Tess Ward", None)
    page = estimates_page(window)
    seen: dict[str, object] = {}

    def again(dialog: EstimateDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.client.setCurrentIndex(dialog.client.findData(unit))
        dialog.scheduled.set_value(TODAY)
        dialog.first.set_value(TODAY + timedelta(days=14))
        dialog.run_check()
        seen["problems"] = dialog.problem_texts()
        seen["offer"] = (dialog.switch_button.isHidden(), dialog.switch_button.text())
        dialog.switch_button.click()
        seen["title"] = dialog.windowTitle()
        dialog.issue_button.click()
        return dialog.result() == EstimateDialog.DialogCode.Accepted

    page.choose_output = lambda text: None  # type: ignore[method-assign]
    page.open_dialog = again  # type: ignore[method-assign]
    page.new_estimate()
    (problem,) = seen["problems"]  # type: ignore[misc]
    assert "already covers" in str(problem)
    hidden, text = seen["offer"]  # type: ignore[misc]
    assert hidden is False
    assert str(text).startswith("Correct GFE-")
    assert str(text).endswith(" instead")
    assert str(seen["title"]).startswith("Correct estimate GFE-")
    assert page.proxy.rowCount() == 1
    assert str(cells(page, 0)[1]).endswith(" v2")


def test_an_estimate_owed_and_not_needed_is_closed_with_the_reason(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    unit = ui_workspace.run(client_on_90834, "N1", "Nia Park")
    ui_workspace.run(note_owed, unit, TODAY, TODAY + timedelta(days=21))
    page = estimates_page(window)
    assert page.owed_model.rowCount() == 1

    def close(dialog: QDialog) -> bool:
        assert isinstance(dialog, CloseOwedDialog)
        qtbot.addWidget(dialog)
        assert not dialog.save_button.isEnabled()  # a reason first
        dialog.reason.setText("did not go ahead")
        dialog.save_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    page.open_dialog = close  # type: ignore[method-assign]
    page.close_selected_owed()  # the only one owed: no need to pick it
    assert page.owed_model.rowCount() == 0
    assert page.owed_box.isHidden()
