"""The Claims page: the queue, the list, a claim's detail, and moving it from submitted to paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.claims import tracking as claims
from desktop.services.claims import updates
from desktop.services.claims.rules import ClaimChange
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.claim import ClaimStatusDialog
from desktop.ui.formatting import format_date
from desktop.ui.pages.base import PageContext
from desktop.ui.pages.claims import ClaimsPage
from desktop.ui.runner import ActionRunner
from tests.services.claims.test_claims import payer, superbill
from tests.ui.conftest import RecordingInteraction

S = ClaimStatus


class NoNavigation:
    def show_page(self, page_id: str) -> None:
        pass

    def open_unit(self, unit_id: int) -> None:
        pass


def submitted_claim(session: Session) -> int:
    """Served 50 days ago, submitted 35 days ago to a payer that usually pays in 30."""
    aetna = payer(session, "Aetna", usual=30)
    served = date.today() - timedelta(days=50)
    doc = superbill(session, "C1", aetna, [served], issued_on=date.today() - timedelta(days=40))
    claim_id = claims.start_claims(session, doc, today=date.today())[0].id
    change = ClaimChange(
        to_status=S.SUBMITTED, on=date.today() - timedelta(days=35), claim_number="X1"
    )
    updates.change_status(session, claim_id, change, today=date.today())
    return claim_id


@pytest.fixture
def page(qtbot: QtBot, runner: ActionRunner, interaction: RecordingInteraction) -> ClaimsPage:
    widget = ClaimsPage(PageContext(runner, interaction, NoNavigation()))
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_move_a_claim_from_submitted_to_paid(
    qtbot: QtBot, ui_workspace: Workspace, page: ClaimsPage, interaction: RecordingInteraction
) -> None:
    claim_id = ui_workspace.run(submitted_claim)
    page.reload()
    assert page.queue.total() == 1
    assert page.queue.row_at(0).claim_id == claim_id
    assert page.heading.text() == "Follow up: 1 item"
    assert page.payers.total() == 1

    page.queue_table.selectRow(0)
    assert page.detail.title.text().endswith("— Client C1")
    assert page.detail.subtitle.text() == "Aetna · Submitted"
    assert set(page.detail.buttons) == {
        "in_process",
        "paid",
        "partly_paid",
        "denied",
        "closed",
        "snooze",
        "notes",
    }

    seen: list[bool] = []

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ClaimStatusDialog)
        assert dialog.reimbursed is not None
        assert dialog.allowed is not None
        seen.append(dialog.save_button.isEnabled())  # the amount reimbursed is still missing
        qtbot.keyClicks(dialog.allowed, "120")
        qtbot.keyClicks(dialog.reimbursed, "84.00")
        qtbot.keyClicks(dialog.note, "EOB by mail")
        seen.append(dialog.save_button.isEnabled())
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    # The claim's pane appears once a claim is chosen; click when it is laid out.
    paid = page.detail.buttons["paid"]
    qtbot.waitUntil(lambda: page.detail_box.isVisible() and not paid.rect().isEmpty())
    QTimer.singleShot(0, fill_and_save)
    qtbot.mouseClick(paid, Qt.MouseButton.LeftButton)

    assert seen == [False, True]
    assert interaction.errors == []
    row = ui_workspace.read(claims.get_claim, claim_id).claim
    assert (row.status, row.allowed, row.reimbursed, row.eob_date) == (
        S.PAID,
        D("120.00"),
        D("84.00"),
        date.today(),
    )
    # The page followed: the detail, its history, the queue and the payer's figures.
    assert page.detail.subtitle.text() == "Aetna · Paid"
    assert page.detail.values["reimbursed"].text() == "$84.00"
    steps = [page.detail.history.row_at(i).to_status for i in range(page.detail.history.total())]
    assert steps == [S.NOT_SUBMITTED, S.SUBMITTED, S.PAID]
    assert page.queue.total() == 0
    assert page.heading.text() == "Nothing to follow up today"
    assert page.payers.row_at(0).median_days_to_pay == 35
    assert set(page.detail.buttons) == {"closed", "snooze", "notes"}


def test_the_list_filters_by_status(
    qtbot: QtBot, ui_workspace: Workspace, page: ClaimsPage
) -> None:
    ui_workspace.run(submitted_claim)
    page.reload()
    assert page.proxy.rowCount() == 1
    page.status_filter.setCurrentIndex(page.status_filter.findData(S.PAID.value))
    assert page.proxy.rowCount() == 0
    page.status_filter.setCurrentIndex(page.status_filter.findData(S.SUBMITTED.value))
    assert page.proxy.rowCount() == 1
    page.search.setText("nobody")
    assert page.proxy.rowCount() == 0
    page.search.setText("x1")  # the claim number
    assert page.proxy.rowCount() == 1


def test_the_appeal_chain_in_the_panel_and_the_denial_dialog(
    qtbot: QtBot, ui_workspace: Workspace, page: ClaimsPage, runner: ActionRunner
) -> None:
    def appealed(session: Session) -> int:
        claim_id = submitted_claim(session)
        for target, on in ((S.DENIED, 30), (S.APPEALED, 25)):
            change = ClaimChange(
                to_status=target,
                on=date.today() - timedelta(days=on),
                denial_reason=DenialReason.NO_AUTHORIZATION if target is S.DENIED else None,
            )
            updates.change_status(session, claim_id, change, today=date.today())
        return claim_id

    claim_id = ui_workspace.run(appealed)
    page.reload()
    page.open_claim(claim_id)
    assert page.detail.subtitle.text() == "Aetna · First-level appeal sent"
    sent = format_date(date.today() - timedelta(days=25))
    assert page.detail.values["appeal"].text() == f"First-level appeal sent {sent}"
    detail = runner.read(claims.get_claim, claim_id)
    assert detail is not None
    dialog = ClaimStatusDialog(page, runner, detail, S.DENIED, today=date.today())
    qtbot.addWidget(dialog)
    assert dialog.second_level is not None
    assert dialog.appeal_deadline is not None
    # Without a second level the final internal denial opens external review.
    assert dialog.appeal_deadline.line.placeholderText() == "4 months after the denial"
    dialog.second_level.setChecked(True)
    assert dialog.appeal_deadline.line.placeholderText().endswith("60 days after the denial")
    assert "Second-level appeal" in dialog.appeal_deadline.toolTip()
