"""Unlocking, locking on demand and after idle time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.clients.people import ClientInput, create_client
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.unlock import UnlockDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.settings import SettingsPage
from tests.ui.conftest import RecordingInteraction

NEW_PASSPHRASE = "copper kettle winter harbor"


def opener_for(path: Path):  # type: ignore[no-untyped-def]
    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(path, passphrase=passphrase, recovery_key=recovery_key)

    return opener


def test_wrong_passphrase_is_one_plain_sentence(
    qtbot: QtBot, ui_workspace: Workspace, ui_path: Path, ui_passphrase: str
) -> None:
    recovery = ui_workspace.recovery_key()
    ui_workspace.close()
    dialog = UnlockDialog(opener_for(ui_path), str(ui_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.secret, "not the passphrase")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.workspace is None
    assert dialog.message.text() == (
        "That passphrase does not open this practice file; check it and try again."
    )
    # The sentence wraps; the dialog grows so every line of it shows.
    qtbot.waitUntil(
        lambda: dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())
    )
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, ui_passphrase)
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.workspace is not None
    assert dialog.result() == UnlockDialog.DialogCode.Accepted
    dialog.workspace.close()

    again = UnlockDialog(opener_for(ui_path), str(ui_path))
    qtbot.addWidget(again)
    again.use_recovery.setChecked(True)
    assert again.prompt.text() == "Recovery key"
    qtbot.keyClicks(again.secret, recovery)
    again.try_unlock()
    assert again.workspace is None  # not before a new passphrase is set
    assert again.again.isVisibleTo(again)
    qtbot.keyClicks(again.secret, NEW_PASSPHRASE)
    qtbot.keyClicks(again.again, "something else entirely")
    again.try_unlock()
    assert again.message.text() == "The two passphrases differ; type the new one twice."
    again.secret.clear()
    again.again.clear()
    qtbot.keyClicks(again.secret, NEW_PASSPHRASE)
    qtbot.keyClicks(again.again, NEW_PASSPHRASE)
    again.try_unlock()
    assert again.workspace is not None
    assert again.result() == UnlockDialog.DialogCode.Accepted
    again.workspace.close()
    Workspace.open(ui_path, passphrase=NEW_PASSPHRASE).close()  # the new key file


def test_ctrl_l_locks_and_hides_every_client(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace, ui_passphrase: str
) -> None:
    window.runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera"))
    page = window.page("clients")
    assert isinstance(page, ClientsPage)
    assert page.model.total() == 1
    workspace = ui_workspace  # the file the window's runner was given
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert not workspace.is_open  # the database connection is closed
    assert page.model.total() == 0
    assert window.central.currentWidget() is window.locked_panel
    assert window.windowTitle() == "Quiet Ledger — Locked"
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnlockDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, UnlockDialog)
    qtbot.keyClicks(dialog.secret, ui_passphrase)
    dialog.try_unlock()
    assert not window.is_locked
    assert window.central.currentWidget() is window.content
    assert page.model.total() == 1
    assert window.windowTitle() == "Quiet Ledger — Harbor Light Therapy"


def test_idle_time_locks_and_closes_open_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    window.runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera"))
    page = window.page("clients")
    assert isinstance(page, ClientsPage)
    page.open_unit(page.proxy.row_at(0).unit_id)
    assert page.detail.title.text() == "Alex Rivera"
    assert window.idle.interval_ms() == 10 * 60_000  # the practice setting's default
    window.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: window.is_locked, timeout=5_000)
    assert page.detail.title.text() == ""
    assert page.model.total() == 0
    assert page.stack.currentWidget() is page.list_view
    assert not window.idle.is_running()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnlockDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    dialog.reject()


def test_a_lock_during_an_export_waits_for_it_to_finish(
    qtbot: QtBot,
    window: MainWindow,
    ui_workspace: Workspace,
    interaction: RecordingInteraction,
    tmp_path: Path,
) -> None:
    window.runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera"))
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.data.ask_folder = lambda: tmp_path  # type: ignore[method-assign]
    page.data.start_export()
    # The job is under way (its end reaches the window only through the event loop, which
    # has not run since): Lock now must not pull the file out from under it.
    assert window.runner.busy
    window.lock()
    assert not window.is_locked
    assert ui_workspace.is_open
    assert window.statusBar().currentMessage() == (
        "Quiet Ledger will lock as soon as this finishes: Exporting everything…"
    )
    window.lock()  # asking again changes nothing
    assert not window.is_locked
    # Quitting is refused too, with the reason.
    assert not window.close()
    assert interaction.infos[-1].startswith("Quiet Ledger is still busy (Exporting everything…)")
    assert ui_workspace.is_open

    qtbot.waitUntil(lambda: window.is_locked, timeout=30000)
    # The export finished whole, on the open file, and only then was the file closed.
    export = page.data.last_export
    assert export is not None
    assert (export.folder / "clients.csv").read_text("utf-8").count("Rivera") == 1
    assert interaction.infos[-1] == f"Exported {len(export.files)} files to {export.folder}."
    assert not ui_workspace.is_open
    assert not window.runner.busy
    assert window.statusBar().currentMessage() == ""
    assert window.central.currentWidget() is window.locked_panel
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnlockDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    dialog.reject()
