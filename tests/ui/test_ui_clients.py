"""The client list, the new-client dialog, the detail page and the diagnosis search."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.clients.people import ClientInput, create_client, get_client_detail
from desktop.services.practice.catalog import list_services
from desktop.ui.dialogs.client import ClientDialog
from desktop.ui.dialogs.diagnosis import DiagnosisDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.runner import ActionRunner


def clients_page(window: MainWindow) -> ClientsPage:
    page = window.page("clients")
    assert isinstance(page, ClientsPage)
    return page


def names(page: ClientsPage) -> list[str]:
    return [page.proxy.row_at(r).name for r in range(page.proxy.rowCount())]


def new_client_dialog(runner: ActionRunner) -> ClientDialog:
    services = runner.read(list_services)
    assert services is not None
    return ClientDialog(None, runner, services, [])


def test_window_title_names_the_practice(window: MainWindow) -> None:
    assert window.windowTitle() == "Quiet Ledger — Harbor Light Therapy"


def test_create_a_client_through_the_dialog_and_see_it_listed(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = clients_page(window)
    assert names(page) == []

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ClientDialog)
        qtbot.keyClicks(dialog.first, "Alex")
        qtbot.keyClicks(dialog.last, "Rivera")
        qtbot.keyClicks(dialog.dob.line, "4/2/1988")
        assert dialog.save_button.isEnabled()
        qtbot.keyClick(dialog.last, Qt.Key.Key_Return)  # Enter saves

    QTimer.singleShot(0, fill_and_save)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert names(page) == ["Alex Rivera"]
    assert page.selected_unit_id() == page.proxy.row_at(0).unit_id
    assert page.count.text() == "1 client"


def test_validation_disables_save_and_says_why(qtbot: QtBot, runner: ActionRunner) -> None:
    dialog = new_client_dialog(runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    assert dialog.hint.text() == "Enter the client's legal last name."
    qtbot.keyClicks(dialog.last, "Rivera")
    assert dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.email, "alex@")
    assert not dialog.save_button.isEnabled()
    assert dialog.form.message("email").startswith("Enter an email address")
    qtbot.keyClicks(dialog.email, "example.com")
    assert dialog.form.message("email") == ""
    qtbot.keyClicks(dialog.fee, "12.345")
    assert dialog.form.message("default_fee") == "'12.345' has more than two decimal places."
    assert not dialog.save_button.isEnabled()
    dialog.fee.clear()
    qtbot.keyClicks(dialog.dob.line, "2/30/1990")
    assert dialog.form.message("date_of_birth").startswith("Enter a date such as")
    assert not dialog.save_button.isEnabled()


def test_a_refusal_from_the_books_shows_beside_its_field(
    qtbot: QtBot, runner: ActionRunner, interaction: object
) -> None:
    runner.run(create_client, ClientInput(legal_last_name="Chen", client_ref="C-0007"))
    dialog = new_client_dialog(runner)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.last, "Rivera")
    qtbot.keyClicks(dialog.ref, "c-0007")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "already in use" in dialog.form.message("client_ref")


def test_superbill_client_needs_a_first_name(qtbot: QtBot, runner: ActionRunner) -> None:
    dialog = new_client_dialog(runner)
    qtbot.addWidget(dialog)
    assert not dialog.insurance_box.isEnabled()
    qtbot.keyClicks(dialog.last, "Rivera")
    dialog.billing.setCurrentIndex(1)
    assert dialog.insurance_box.isEnabled()
    assert not dialog.save_button.isEnabled()
    # Not touched yet: the reason waits beside the buttons, not under the field.
    assert "legal first name" in dialog.hint.text()
    assert dialog.form.message("legal_first_name") == ""


def test_typing_filters_and_enter_opens_the_detail(qtbot: QtBot, window: MainWindow) -> None:
    runner = window.runner
    for first, last in (("Alex", "Rivera"), ("Sam", "Chen"), ("Jo", "Park")):
        runner.run(create_client, ClientInput(legal_first_name=first, legal_last_name=last))
    page = clients_page(window)
    assert names(page) == ["Sam Chen", "Jo Park", "Alex Rivera"]  # by last name
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "che")
    assert names(page) == ["Sam Chen"]
    assert page.count.text() == "1 of 3 clients"
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.title.text() == "Sam Chen"
    assert page.detail.subtitle.text() == "C-0002 · Individual · Active"
    page.show_list()
    page.search.clear()
    page.table.setFocus()
    page.table.selectRow(2)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.detail.title.text() == "Alex Rivera"


def test_detail_edit_dialog_starts_from_the_client(qtbot: QtBot, window: MainWindow) -> None:
    detail = window.runner.run(
        create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera")
    )
    assert detail is not None
    page = clients_page(window)
    page.open_unit(detail.unit_id)

    def rename() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ClientDialog)
        assert dialog.last.text() == "Rivera"
        dialog.preferred.setText("Lex")
        dialog.save()

    QTimer.singleShot(0, rename)
    page.detail.edit()
    assert page.detail.title.text() == "Lex Rivera"  # refreshed through books_changed
    assert names(page) == ["Lex Rivera"]


def test_add_a_diagnosis_with_a_background_search(qtbot: QtBot, runner: ActionRunner) -> None:
    detail = runner.run(
        create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera")
    )
    assert detail is not None
    dialog = DiagnosisDialog(None, runner, detail.id, "Alex Rivera")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.searcher.results, timeout=30_000):
        qtbot.keyClicks(dialog.search, "F43.2")
    codes = [h.code for h in dialog.hits.rows()]
    assert codes[:2] == ["F43.2", "F43.20"]
    assert dialog.hits.index(0, 2).data() == "No"  # a heading: not billable
    dialog.table.selectRow(0)
    assert not dialog.save_button.isEnabled()
    assert "heading" in dialog.form.message("code")
    dialog.table.selectRow(codes.index("F43.23"))
    assert dialog.save_button.isEnabled()
    dialog.effective_from.set_value(date(2025, 1, 6))
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = runner.read(get_client_detail, detail.id)
    assert saved is not None
    assert [(d.code, d.effective_from) for d in saved.diagnoses] == [("F43.23", date(2025, 1, 6))]
    QThreadPool.globalInstance().waitForDone()


def test_stale_search_results_are_dropped(qtbot: QtBot, runner: ActionRunner) -> None:
    dialog = DiagnosisDialog(None, runner, 1, "Someone")
    qtbot.addWidget(dialog)
    seen: list[list[object]] = []
    dialog.searcher.results.connect(seen.append)
    dialog.searcher.search_now("anxiety")
    dialog.searcher.search_now("Z63.0")
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)
    assert len(seen) == 1
    assert [h.code for h in dialog.hits.rows()] == ["Z63.0"]


def test_the_clients_sex_is_chosen_saved_and_shown_again(
    qtbot: QtBot, runner: ActionRunner
) -> None:
    from desktop.domain.kinds import Sex
    from desktop.services.clients.people import get_client_detail

    dialog = new_client_dialog(runner)
    qtbot.addWidget(dialog)
    assert dialog.sex.currentData() == Sex.NOT_RECORDED.value
    qtbot.keyClicks(dialog.last, "Rivera")
    dialog.sex.setCurrentIndex(dialog.sex.findData(Sex.FEMALE.value))
    dialog.save()
    client_id = dialog.result_value.id  # type: ignore[union-attr]
    detail = runner.read(get_client_detail, client_id)
    assert detail is not None
    assert detail.data.sex is Sex.FEMALE
    services = runner.read(list_services) or []
    again = ClientDialog(None, runner, services, [], detail)
    qtbot.addWidget(again)
    assert again.sex.currentText() == "Female"


def test_the_list_and_page_show_the_fee_last_charged(qtbot: QtBot, window: MainWindow) -> None:
    detail = window.runner.run(
        create_client, ClientInput(legal_first_name="Kai", legal_last_name="Moreno")
    )
    assert detail is not None
    page = clients_page(window)
    unit_id = page.model.rows()[0].unit_id
    session = SessionInput(unit_id, date(2026, 3, 2), "90837", minutes=55, fee=Decimal("175.00"))
    window.runner.run(record_session, session)
    page.show_list()
    usual = next(i for i, c in enumerate(page.model.columns) if c.title == "Usual fee")
    assert page.model.index(0, usual).data() == "$175.00"
    page.open_unit(unit_id)
    billing = page.detail.billing.values
    assert billing["fee"].text() == "$175.00 (last charged for 90837)"
    assert billing["service"].text() == "90837 (as the last session)"
