"""The Sessions page: record a session by keyboard, see it charged, change it, void it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.books.sessions import SessionInput, list_sessions, record_session
from desktop.services.clients.people import ClientInput, create_client
from desktop.ui.dialogs.money_actions import VoidDialog
from desktop.ui.dialogs.session import SessionDialog, parse_time
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.sessions import SessionsPage, week_of
from desktop.ui.runner import ActionRunner


def make_client(runner: ActionRunner, last: str = "Rivera") -> int:
    detail = runner.run(create_client, ClientInput(legal_last_name=last, legal_first_name="Alex"))
    assert detail is not None
    return detail.unit_id


def sessions_page(window: MainWindow) -> SessionsPage:
    page = window.page("sessions")
    assert isinstance(page, SessionsPage)
    return page


def test_times_are_read_as_people_type_them() -> None:
    assert parse_time("14:00").hour == 14
    assert parse_time("2:30 pm").strftime("%H:%M") == "14:30"
    assert parse_time("930").strftime("%H:%M") == "09:30"


def test_record_a_session_by_keyboard_and_see_the_balance(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner
) -> None:
    unit_id = make_client(runner)
    window.show_page("sessions")
    page = sessions_page(window)
    seen: dict[str, object] = {}

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SessionDialog)
        assert not dialog.save_button.isEnabled()  # no client yet
        qtbot.keyClicks(dialog.client.lineEdit(), "riv")  # type-to-search
        completer = dialog.client.completer()
        seen["matches"] = completer.completionCount()
        dialog.client.setCurrentIndex(dialog.client.findData(unit_id))
        dialog.minutes.setValue(50)
        dialog.minutes.editingFinished.emit()
        seen["code"] = dialog.code.currentData()
        seen["fee"] = dialog.fee.value()
        assert dialog.save_button.isEnabled()
        qtbot.keyClick(dialog.memo, Qt.Key.Key_Return)  # Enter saves

    QTimer.singleShot(0, fill_and_save)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen["matches"] == 1
    assert seen["code"] == "90834"
    rows = page.model.rows()
    assert [(r.unit_id, r.service_code, r.service_date) for r in rows] == [
        (unit_id, "90834", date.today())
    ]
    assert rows[0].charged == seen["fee"]
    assert rows[0].charged > 0

    window.show_page("clients")
    clients = window.page("clients")
    assert isinstance(clients, ClientsPage)
    assert clients.proxy.row_at(0).owed == rows[0].charged


def test_week_view_moves_by_week(qtbot: QtBot, window: MainWindow, runner: ActionRunner) -> None:
    unit_id = make_client(runner)
    last_week = date.today() - timedelta(days=7)
    runner.run(record_session, SessionInput(unit_id, last_week, "90837"))
    window.show_page("sessions")
    page = sessions_page(window)
    assert page.model.total() == 0
    window.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.monday == week_of(last_week)
    assert page.model.total() == 1
    page.this_week()
    assert page.model.total() == 0


def test_void_needs_a_reason(qtbot: QtBot, window: MainWindow, runner: ActionRunner) -> None:
    unit_id = make_client(runner)
    runner.run(record_session, SessionInput(unit_id, date.today(), "90837"))
    window.show_page("sessions")
    page = sessions_page(window)
    page.table.selectRow(0)
    seen: dict[str, bool] = {}

    def give_reason() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VoidDialog)
        seen["blocked"] = not dialog.save_button.isEnabled()
        qtbot.keyClicks(dialog.reason, "entered twice")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    QTimer.singleShot(0, give_reason)
    page.void_selected()
    assert seen["blocked"]
    row = runner.read(list_sessions)[0]  # type: ignore[index]
    assert row.voided
    assert row.void_reason == "entered twice"
    assert row.charged == Decimal("0")
    assert page.model.rows()[0].voided


def test_changing_a_charged_fee_asks_why(qtbot: QtBot, runner: ActionRunner) -> None:
    unit_id = make_client(runner)
    row = runner.run(record_session, SessionInput(unit_id, date.today(), "90837"))
    assert row is not None
    from desktop.services.clients.units import list_units
    from desktop.services.practice.catalog import list_services

    dialog = SessionDialog(
        None, runner, runner.read(list_units) or [], runner.read(list_services) or [], session=row
    )
    qtbot.addWidget(dialog)
    dialog.fee.setText("99.00")
    dialog.save()
    assert "Say why" in dialog.form.message("reason")
    qtbot.keyClicks(dialog.reason, "sliding scale agreed")
    dialog.save()
    assert runner.read(list_sessions)[0].fee == Decimal("99.00")  # type: ignore[index]


def test_a_regular_slot_is_recorded_once_a_week(
    qtbot: QtBot, window: MainWindow, runner: ActionRunner, interaction: object
) -> None:
    from datetime import time

    from desktop.services.books.recurring import set_slot

    unit_id = make_client(runner)
    monday = week_of(date.today())
    runner.run(set_slot, unit_id, 2, time(11, 0), start=monday - timedelta(days=14))
    window.show_page("sessions")
    page = sessions_page(window)
    page.record_recurring()
    assert [(r.service_date, r.start_time) for r in page.model.rows()] == [
        (monday + timedelta(days=2), time(11, 0))
    ]
    page.record_recurring()
    assert page.model.total() == 1
    assert interaction.infos[-1].startswith("Every regular session")  # type: ignore[attr-defined]


def test_codes_off_the_lists_are_refused_and_telehealth_pairs_warned(
    qtbot: QtBot, runner: ActionRunner
) -> None:
    from desktop.services.clients.units import list_units
    from desktop.services.practice.catalog import list_services

    unit_id = make_client(runner)
    units, services = runner.read(list_units) or [], runner.read(list_services) or []
    dialog = SessionDialog(None, runner, units, services, unit_id=unit_id)
    qtbot.addWidget(dialog)
    dialog.pos.setText("10")
    dialog.modifiers.setText("")
    assert "95 (video)" in dialog.telehealth.text()
    dialog.modifiers.setText("95")
    assert dialog.telehealth.isHidden()
    dialog.pos.setText("11")
    dialog.modifiers.setText("93")
    assert "Medicare" in dialog.telehealth.text()
    dialog.pos.setText("88")
    dialog.modifiers.setText("ZZ")
    dialog.save()
    assert "not a CMS place-of-service code" in dialog.form.message("place_of_service")
    assert "ZZ is not a modifier" in dialog.form.message("modifiers")
    assert runner.read(list_sessions) == []
