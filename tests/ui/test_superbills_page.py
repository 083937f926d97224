"""The Superbills page: checking, acknowledging, issuing, saving, correcting, the month's batch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the figures
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop.domain.kinds import DocumentKind
from desktop.services.books import payments, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.clients.units import list_units
from desktop.services.documents import store as documents_store
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.issue_superbill import IssueSuperbillDialog
from desktop.ui.document_output import Output
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.superbills import DocumentsButton, SuperbillsPage
from tests.books_helpers import add_unit, method_id
from tests.services.documents.test_superbill_service import (
    month_of_clients,
    superbill_client,
    visit,
)
from tests.ui.conftest import RecordingInteraction

FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)


def in_dialog(body: Callable[[IssueSuperbillDialog], None], failures: list[BaseException]) -> None:
    """Run ``body`` on the open dialog once it shows; a failure closes it rather than hanging."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, IssueSuperbillDialog)
            body(dialog)
            if dialog.isVisible():
                raise AssertionError(f"still open: {dialog.summary.text()}")
        except BaseException as exc:
            failures.append(exc)
            if dialog is not None:
                dialog.close()

    QTimer.singleShot(0, run)


def superbills_page(window: MainWindow) -> SuperbillsPage:
    window.show_page("superbills")
    page = window.page("superbills")
    assert isinstance(page, SuperbillsPage)
    return page


def test_warnings_must_each_be_read_before_issuing_then_save_and_correct(
    qtbot: QtBot,
    window: MainWindow,
    ui_workspace: Workspace,
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    unit = ui_workspace.run(superbill_client, member_id="")
    ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2), minutes=20))
    page = superbills_page(window)
    seen: dict[str, object] = {}

    failures: list[BaseException] = []

    def read_and_issue(dialog: IssueSuperbillDialog) -> None:
        dialog.start.set_value(FEB_1)
        dialog.end.set_value(FEB_28)
        dialog.run_check()
        seen["warnings"] = len(dialog.warning_boxes)
        seen["before"] = dialog.issue_button.isEnabled()
        dialog.warning_boxes[0][0].setChecked(True)
        seen["one_read"] = dialog.issue_button.isEnabled()
        dialog.warning_boxes[1][0].setChecked(True)
        dialog.issue_button.click()

    in_dialog(read_and_issue, failures)
    issued = page.issue_one(unit)
    assert not failures, (failures, interaction.errors)
    assert seen == {"warnings": 2, "before": False, "one_read": False}
    assert issued is not None
    assert len(issued.acknowledged_warnings) == 2
    assert page.selected() == issued

    target = tmp_path / "superbill.pdf"
    page.choose_save_path = lambda *_args: target  # type: ignore[method-assign]
    page.save_selected()
    assert target.read_bytes() == ui_workspace.read(documents_store.reprint, issued.id)
    assert target.stat().st_mode & 0o077 == 0

    def correct(dialog: IssueSuperbillDialog) -> None:
        for box, _finding in dialog.warning_boxes:
            box.setChecked(True)
        dialog.issue_button.click()

    in_dialog(correct, failures)
    page.correct_selected()
    assert not failures, (failures, interaction.errors)
    listed = page.model.rows()
    assert [(d.number, d.version, d.superseded) for d in listed] == [
        (issued.number, 2, False),
        (issued.number, 1, True),
    ]
    assert page.selected() is not None
    assert page.selected().version == 2  # type: ignore[union-attr]


def test_an_error_blocks_issuing(window: MainWindow, ui_workspace: Workspace) -> None:
    unit = ui_workspace.run(superbill_client, date_of_birth=None)
    ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    private = ui_workspace.run(superbill_client, "P1", "Pat Private", billing="private")
    units = window.runner.read(list_units) or []
    dialog = IssueSuperbillDialog(None, window.runner, units, start=FEB_1, end=FEB_28, unit_id=unit)
    assert [f.text for f in dialog.findings if f.blocks] == ["Enter the client's date of birth."]
    assert not dialog.issue_button.isEnabled()
    assert "must be fixed" in dialog.summary.text()
    dialog.issue()
    assert ui_workspace.read(documents_store.list_documents) == []
    dialog.client.setCurrentIndex(dialog.client.findData(private))
    assert "pays privately" in dialog.summary.text()
    assert not dialog.issue_button.isEnabled()


def test_month_batch_runs_in_the_background_and_names_who_was_left_out(
    qtbot: QtBot,
    window: MainWindow,
    ui_workspace: Workspace,
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    ui_workspace.run(month_of_clients)
    page = superbills_page(window)
    page.month.setCurrentIndex(page.month.findText("February 2026"))
    target = tmp_path / "february.pdf"
    page.choose_save_path = lambda *_args: target  # type: ignore[method-assign]
    told: list[str] = []
    page.choose_output = lambda text: told.append(text) or Output.SAVE  # type: ignore[method-assign]
    page.issue_month()
    qtbot.waitUntil(lambda: page.last_batch is not None, timeout=20000)
    batch = page.last_batch
    assert batch is not None
    assert [d.unit_ref for d in batch.issued] == ["A1"]
    assert target.read_bytes() == batch.pdf
    assert "Left out Ben Okafor (B1)" in told[-1]
    assert "Left out Cy Park (C1)" in told[-1]
    assert page.model.total() == 1


def test_statement_and_receipt_from_the_client_page(
    window: MainWindow, ui_workspace: Workspace, tmp_path: Path
) -> None:
    unit = ui_workspace.run(add_unit, "A1", "Ana Lopez")
    ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    cash = ui_workspace.run(method_id, "Cash")
    paid = ui_workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 2, 3), D("100"), cash)
    )
    window.open_unit(unit)
    button = window.findChild(DocumentsButton)
    assert button is not None
    saved: list[Path] = []

    def ask(_caption: str, suggested: str) -> Path:
        saved.append(tmp_path / suggested)
        return saved[-1]

    button.choose_save_path = ask  # type: ignore[method-assign]
    button.choose_output = lambda _text: Output.SAVE  # type: ignore[method-assign]
    button.statement()
    assert button.issued is not None
    assert button.issued.kind is DocumentKind.STATEMENT
    assert button.issued.balance == D("50.00")
    button._fill_receipts()
    texts = [action.text() for action in button.receipts.actions()]
    assert len(texts) == 1
    assert "$100.00" in texts[0]
    button.receipt(paid.id)
    assert button.issued.kind is DocumentKind.RECEIPT
    assert [p.read_bytes()[:5] for p in saved] == [b"%PDF-", b"%PDF-"]


def test_the_claim_menu_follows_the_chosen_superbill(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    from desktop.services.documents.superbills import issue_superbill

    unit = ui_workspace.run(superbill_client)
    ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    ui_workspace.run(issue_superbill, unit, FEB_1, FEB_28, acknowledge=True)
    page = superbills_page(window)
    page.reload()
    page.claim_button.fill()
    assert [a.text() for a in page.claim_button.menu().actions()] == ["Choose a superbill first"]
    page.table.selectRow(0)
    page.claim_button.fill()
    texts = [a.text() for a in page.claim_button.menu().actions() if a.text()]
    assert "Submitted…" in texts  # the claim started on issue, not yet submitted


def test_every_finding_shows_whole_when_the_client_changes(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    from desktop.services.documents import superbills

    unit = ui_workspace.run(superbill_client)
    for day in (2, 9, 16):
        ui_workspace.run(sessions.record_session, visit(unit, date(2026, 2, day)))
    ui_workspace.run(superbills.issue_superbill, unit, FEB_1, FEB_28, acknowledge=True)
    private = ui_workspace.run(superbill_client, "P1", "Pat Private", billing="private")
    units = window.runner.read(list_units) or []
    dialog = IssueSuperbillDialog(
        None, window.runner, units, start=FEB_1, end=FEB_28, unit_id=private
    )
    qtbot.addWidget(dialog)
    dialog.show()
    # Shown first with no findings; then a client whose three sessions are already billed.
    dialog.client.setCurrentIndex(dialog.client.findData(unit))
    labels = [dialog.findings_box.itemAt(i).widget() for i in range(dialog.findings_box.count())]
    assert len(labels) == 3
    assert all("already on" in label.accessibleName() for label in labels)

    def shown_whole(label: QLabel) -> bool:
        if label.wordWrap():
            return label.height() >= label.heightForWidth(label.width())
        hint = label.sizeHint()
        return label.height() >= hint.height() and label.width() >= hint.width()

    qtbot.wait(300)  # the layout settles: each label is placed
    assert all(label.y() > 0 for label in labels)
    assert all(shown_whole(label) for label in labels)
