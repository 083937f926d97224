"""The CMS-1500 dialog (From, To, data only) on the Superbills page, and the printer offset."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the figures

from pytestqt.qtbot import QtBot

from desktop.domain.kinds import DocumentKind
from desktop.services.books import sessions
from desktop.services.documents import print_offset
from desktop.services.documents import store as documents_store
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.issue_claim_form import IssueClaimFormDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings import SettingsPage
from tests.reports.claim_form_reading import captions, placed_text
from tests.services.documents.test_superbill_service import superbill_client, visit
from tests.ui.conftest import RecordingInteraction
from tests.ui.test_superbills_page import FEB_1, FEB_28, in_dialog, superbills_page


def test_a_data_only_form_is_issued_from_the_superbills_page(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit = ui_workspace.run(superbill_client, sex="F")
    ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    page = superbills_page(window)
    failures: list[BaseException] = []
    seen: dict[str, object] = {}

    def issue(dialog: IssueClaimFormDialog) -> None:  # type: ignore[override]
        assert isinstance(dialog, IssueClaimFormDialog)
        dialog.start.set_value(FEB_1)
        dialog.end.set_value(FEB_28)
        dialog.run_check()
        seen["title"] = dialog.windowTitle()
        seen["errors"] = [f.text for f in dialog.findings if f.blocks]
        dialog.data_only.setChecked(True)
        for box, _finding in dialog.warning_boxes:
            box.setChecked(True)
        dialog.issue_button.click()

    in_dialog(issue, failures)  # type: ignore[arg-type]
    issued = page.issue_claim_form(unit)
    assert not failures, (failures, interaction.errors)
    assert seen == {"title": "Issue a CMS-1500 claim form", "errors": []}
    assert issued is not None
    assert issued.kind is DocumentKind.CLAIM_FORM
    assert page.selected() == issued
    pdf = ui_workspace.read(documents_store.reprint, issued.id)
    assert captions(pdf) == ""  # data only: no form drawn
    assert placed_text(pdf)[(10, 1)] == "DOYLE, KATHERINE"


def test_the_printer_offset_is_saved_in_tenths_and_shown_in_points(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    window.show_page("settings")
    settings = window.page("settings")
    assert isinstance(settings, SettingsPage)
    box = settings.preferences.printer
    box.unit.setCurrentIndex(box.unit.findData(print_offset.OffsetUnit.TENTHS))
    box.right.setText("1.5")
    box.down.setText("-1")
    box.save_button.click()
    saved = ui_workspace.read(print_offset.get_print_offset)
    assert (saved.right, saved.down) == (D("10.80"), D("-7.20"))
    box.unit.setCurrentIndex(box.unit.findData(print_offset.OffsetUnit.POINTS))
    assert (box.right.text(), box.down.text()) == ("10.8", "-7.2")
    box.right.setText("200")
    box.save_button.click()
    assert "at most an inch" in box.problem.text()
