"""Claims where the therapist meets them: the client page (claims, estimate), the superbill
list's claim menu, and payer history in the client dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.books import sessions
from desktop.services.claims import tracking as claims
from desktop.services.claims.estimates import client_estimate
from desktop.services.clients.units import get_unit_detail, list_units
from desktop.services.documents import superbills
from desktop.services.practice import catalog
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.claim import ClaimStatusDialog
from desktop.ui.dialogs.client import ClientDialog
from desktop.ui.dialogs.issue_superbill import IssueSuperbillDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.claims import ClaimsPage
from desktop.ui.pages.client_claims import ClaimActionsButton
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.runner import ActionRunner
from tests.services.claims.test_claims import move, payer
from tests.services.documents.test_superbill_service import FEB_1, FEB_28, superbill_client, visit
from tests.ui.conftest import RecordingInteraction

S = ClaimStatus


def february_client(session: Session) -> int:
    """Aetna's client with two 150.00 sessions in February 2026; returns the unit."""
    unit = superbill_client(session)
    for day in (date(2026, 2, 2), date(2026, 2, 9)):
        sessions.record_session(session, visit(unit, day))
    return unit


def with_issued_superbill(session: Session) -> tuple[int, int]:
    unit = february_client(session)
    issued = superbills.issue_superbill(
        session, unit, FEB_1, FEB_28, acknowledge=True, issued_on=date(2026, 3, 3)
    )
    return unit, issued.id


def client_page(window: MainWindow, unit: int) -> ClientsPage:
    window.show_page("clients")
    page = window.page("clients")
    assert isinstance(page, ClientsPage)
    page.open_unit(unit)
    assert page.stack.currentWidget() is page.detail
    return page


def in_claim_dialog(
    body: Callable[[ClaimStatusDialog], None], failures: list[BaseException]
) -> None:
    def run() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, ClaimStatusDialog)
            body(dialog)
            assert not dialog.isVisible(), "the dialog is still open"
        except BaseException as exc:
            failures.append(exc)
            if dialog is not None:
                dialog.close()

    QTimer.singleShot(0, run)


def test_issuing_a_superbill_from_the_client_page_starts_its_claim(
    window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit = ui_workspace.run(february_client)
    page = client_page(window, unit)
    box = page.detail.claims
    page.detail.show_section(box)
    assert box.isVisibleTo(page.detail)
    assert box.model.total() == 0
    assert box.empty.text() == "No claims yet: issuing a superbill starts its claim."

    # Issued as the client page's Documents menu issues it (the dialog, without its PDF offer).
    units = window.runner.read(list_units)
    assert units is not None
    dialog = IssueSuperbillDialog(page, window.runner, units, start=FEB_1, end=FEB_28, unit_id=unit)
    dialog.run_check()
    for check, _finding in dialog.warning_boxes:
        check.setChecked(True)
    dialog.issue_button.click()
    assert dialog.issued is not None, interaction.errors

    assert box.model.total() == 1
    claim = box.model.row_at(0)
    assert (claim.status, claim.payer, claim.billed) == (S.NOT_SUBMITTED, "Aetna", D("300.00"))
    assert box.title() == "Claims (1 open)"
    left = (date(2026, 2, 2) + timedelta(days=365) - date.today()).days
    expected = str(left) if left > 0 else ("today" if left == 0 else f"{-left} overdue")
    assert box.model.data(box.model.index(0, 7)) == expected  # February's dates age
    assert "(filing)" in box.model.data(box.model.index(0, 6))
    # The chosen claim offers what it can become next, in the client page's words.
    shown = {name for name, b in box.buttons.items() if b.isVisibleTo(box)}
    assert shown == {"submitted", "closed", "snooze", "notes", "open"}
    assert box.buttons["submitted"].text() == "Record submission…"


def test_move_a_claim_from_submitted_to_paid_on_the_client_page(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit, document = ui_workspace.run(with_issued_superbill)
    [claim] = ui_workspace.read(claims.claims_for_document, document)
    ui_workspace.run(move, claim.id, S.SUBMITTED, date(2026, 3, 5), claim_number="AE-12")
    page = client_page(window, unit)
    box = page.detail.claims
    assert box.selected() is not None
    assert box.model.row_at(0).status is S.SUBMITTED

    failures: list[BaseException] = []

    def pay(dialog: ClaimStatusDialog) -> None:
        assert dialog.target is S.PAID
        assert dialog.allowed is not None
        assert dialog.reimbursed is not None
        dialog.on.set_value(date(2026, 4, 1))
        qtbot.keyClicks(dialog.allowed, "240")
        qtbot.keyClicks(dialog.reimbursed, "168.00")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    in_claim_dialog(pay, failures)
    qtbot.mouseClick(box.buttons["paid"], Qt.MouseButton.LeftButton)
    assert not failures, (failures, interaction.errors)

    row = ui_workspace.read(claims.get_claim, claim.id).claim
    assert (row.status, row.allowed, row.reimbursed, row.eob_date) == (
        S.PAID,
        D("240.00"),
        D("168.00"),
        date(2026, 4, 1),
    )
    shown = box.model.row_at(0)
    assert (shown.status, shown.reimbursed) == (S.PAID, D("168.00"))
    assert box.model.data(box.model.index(0, 5)) == "$168.00"
    assert box.title() == "Claims (1 open)"
    assert {n for n, b in box.buttons.items() if b.isVisibleTo(box)} == {
        "closed",
        "snooze",
        "notes",
        "open",
    }

    # And the Claims page shows the same claim, chosen.
    qtbot.mouseClick(box.buttons["open"], Qt.MouseButton.LeftButton)
    claims_page = window.current_page()
    assert isinstance(claims_page, ClaimsPage)
    assert claims_page.claim_id == claim.id
    assert claims_page.detail.subtitle.text() == "Aetna · Paid"


def test_the_estimate_is_saved_with_the_client_and_shown_again(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    unit = ui_workspace.run(february_client)
    page = client_page(window, unit)
    box = page.detail.estimator
    page.detail.show_section(box)
    assert box.isVisibleTo(page.detail)
    assert box.fee.text() == "150.00"  # the client's usual fee
    assert box.reimbursement.text() == "—"
    assert not box.save_button.isEnabled()

    # DOMAIN.md's example: fee 200, allowed 120, 500 of deductible left -> nothing back.
    box.fee.setText("200")
    qtbot.keyClicks(box.allowed, "120")
    qtbot.keyClicks(box.deductible, "500")
    qtbot.keyClicks(box.coinsurance, "30")
    assert (box.reimbursement.text(), box.net_cost.text()) == ("$0.00", "$200.00")
    # 150 fee: the plan counts 120, 50 goes to the deductible, 70% of the other 70 is 49.
    box.fee.setText("150")
    box.deductible.setText("50")
    assert (box.reimbursement.text(), box.net_cost.text()) == ("$49.00", "$101.00")
    assert "$50.00 goes to the deductible" in box.explanation.text()
    box.coinsurance.setText("130")
    assert box.problem.text() == "Enter the coinsurance as a percentage, such as 30."
    assert not box.save_button.isEnabled()
    box.coinsurance.setText("30%")
    assert box.save_button.isEnabled()
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert interaction.errors == []
    assert not box.save_button.isEnabled()

    patient = ui_workspace.read(get_unit_detail, unit).patient.id
    saved = ui_workspace.read(client_estimate, patient)
    assert (saved.saved.allowed, saved.saved.deductible_left, saved.saved.coinsurance_bp) == (
        D("120.00"),
        D("50.00"),
        3000,
    )
    assert saved.estimate is not None
    assert saved.estimate.reimbursement == D("49.00")

    # Away and back: the figures come back from the practice file.
    page.show_list()
    page.detail.clear()
    assert box.allowed.text() == ""
    page.open_unit(unit)
    assert (box.allowed.text(), box.deductible.text(), box.coinsurance.text()) == (
        "120.00",
        "50.00",
        "30%",
    )
    assert box.reimbursement.text() == "$49.00"


def payer_history(session: Session) -> tuple[int, int]:
    """Cigna: two claims, 200.00 each; one paid 140.00 in 21 days, one denied."""
    from tests.services.claims.test_claims import superbill

    cigna, humana = payer(session, "Cigna"), payer(session, "Humana")
    paid = superbill(session, "P1", cigna, [date(2026, 2, 2)], issued_on=date(2026, 2, 10))
    denied = superbill(session, "P2", cigna, [date(2026, 2, 3)], issued_on=date(2026, 2, 10))
    for doc in (paid, denied):
        claim_id = claims.start_claims(session, doc, today=date(2026, 2, 10))[0].id
        move(session, claim_id, S.SUBMITTED, date(2026, 2, 11))
        if doc == paid:
            move(
                session,
                claim_id,
                S.PAID,
                date(2026, 3, 4),
                allowed=D("160.00"),
                reimbursed=D("140.00"),
            )
        else:
            move(
                session,
                claim_id,
                S.DENIED,
                date(2026, 3, 1),
                denial_reason=DenialReason.NO_AUTHORIZATION,
            )
    return cigna, humana


def test_choosing_a_payer_shows_what_it_has_paid(
    qtbot: QtBot, runner: ActionRunner, ui_workspace: Workspace
) -> None:
    cigna, humana = ui_workspace.run(payer_history)
    services = runner.read(catalog.list_services)
    payers = runner.read(catalog.list_payers)
    assert services is not None
    assert payers is not None
    dialog = ClientDialog(None, runner, services, payers)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.billing.setCurrentIndex(1)
    history = dialog.payer_history
    assert not history.isVisible()
    dialog.payer.setCurrentIndex(dialog.payer.findData(cigna))
    assert history.isVisible()
    assert history.text() == (
        "Cigna: 2 claims; reimbursed 35% of the amount billed ($140.00 of $400.00); "
        "paid in a median 21 days after submission; denied 50%, most often for "
        "no authorization (1)."
    )
    dialog.payer.setCurrentIndex(dialog.payer.findData(humana))
    assert history.text() == "No history yet with Humana: no claims so far."
    dialog.payer.setCurrentIndex(0)
    assert not history.isVisible()


def test_the_superbill_lists_claim_menu_records_a_submission(
    qtbot: QtBot, runner: ActionRunner, ui_workspace: Workspace, interaction: RecordingInteraction
) -> None:
    _unit, document = ui_workspace.run(with_issued_superbill)
    chosen: list[int | None] = [None]
    button = ClaimActionsButton(runner, lambda: chosen[0])
    qtbot.addWidget(button)
    button.fill()
    assert [a.text() for a in button.menu().actions()] == ["Choose a superbill first"]
    chosen[0] = document
    button.fill()
    entries = {a.text(): a for a in button.menu().actions() if a.text()}
    assert list(entries) == [
        "Submitted…",
        "Close…",
        "Snooze…",
        "Notes…",
        "Follow each line as its own claim",
        "Open on the Claims page",
    ]

    failures: list[BaseException] = []

    def submit(dialog: ClaimStatusDialog) -> None:
        assert dialog.claim_number is not None
        dialog.on.set_value(date(2026, 3, 6))
        qtbot.keyClicks(dialog.claim_number, "CL-9")
        dialog.save_button.click()

    in_claim_dialog(submit, failures)
    entries["Submitted…"].trigger()
    assert not failures, (failures, interaction.errors)
    [claim] = ui_workspace.read(claims.claims_for_document, document)
    assert (claim.status, claim.submitted_on, claim.claim_number) == (
        S.SUBMITTED,
        date(2026, 3, 6),
        "CL-9",
    )
    # The menu follows the claim: what a submitted claim can become.
    button.fill()
    assert [a.text() for a in button.menu().actions() if a.text()][:5] == [
        "In process…",
        "Paid…",
        "Partly paid…",
        "Denied…",
        "Close…",
    ]


def test_a_corrected_superbill_shows_as_a_note_in_the_claims_history(
    window: MainWindow, ui_workspace: Workspace
) -> None:
    unit, document = ui_workspace.run(with_issued_superbill)
    ui_workspace.run(
        superbills.correct_superbill, document, acknowledge=True, issued_on=date(2026, 3, 20)
    )
    page = client_page(window, unit)
    box = page.detail.claims
    assert box.model.total() == 1
    assert box.model.row_at(0).superbill.endswith(" v2")
    box.buttons["open"].click()
    claims_page = window.current_page()
    assert isinstance(claims_page, ClaimsPage)
    history = claims_page.detail.history
    steps = [history.data(history.index(row, 1)) for row in range(history.total())]
    assert steps == ["Not submitted", "Note"]
    assert history.row_at(1).note.startswith("Corrected superbill SB-2026-0001 v2 replaces")
