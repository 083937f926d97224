"""Backups from the window: back up now, the age in the status bar, on close, restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop.services.backups.backup import BackupInfo, list_backups
from desktop.services.clients.people import ClientInput, create_client, list_clients
from desktop.services.workspace import Workspace
from desktop.ui import style
from desktop.ui.dialogs.backup import BackupController, age_text
from desktop.ui.main_window import MainWindow


@pytest.fixture
def backups(window: MainWindow, tmp_path: Path) -> BackupController:
    controller = window.backups
    controller.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    folder = tmp_path / "drive"
    folder.mkdir()
    controller.set_folder(folder)
    return controller


def test_back_up_now_then_the_status_bar_shows_its_age(
    qtbot: QtBot, window: MainWindow, backups: BackupController
) -> None:
    assert backups.label.text().startswith("No backup yet")
    assert backups.label.palette().color(backups.label.foregroundRole()) == style.error_color(
        backups.label
    )
    backups.back_up_now()
    qtbot.waitUntil(lambda: backups.last_result is not None, timeout=60000)
    folder = backups.folder()
    assert folder is not None
    assert [b.path for b in list_backups(folder)] == [backups.last_result.info.path]  # type: ignore[union-attr]
    assert backups.label.text() == "Last backup moments ago"
    # Not due again for a day: the timer's check makes no second one.
    backups.back_up_if_due()
    assert not backups.running
    assert len(list_backups(folder)) == 1


def test_a_backup_two_days_old_is_a_warning(
    window: MainWindow, backups: BackupController, tmp_path: Path
) -> None:
    old = datetime.now(UTC) - timedelta(hours=50)
    backups.last_good = lambda: BackupInfo(tmp_path / "x.qlbak", old, "books.qlb", 1)  # type: ignore[method-assign]
    backups.show_status()
    assert backups.label.text() == "Last backup 2 days ago: back up soon"
    assert backups.label.palette().color(backups.label.foregroundRole()) == style.error_color(
        backups.label
    )


def test_age_in_words() -> None:
    assert age_text(timedelta(seconds=20)) == "moments"
    assert age_text(timedelta(minutes=1)) == "1 minute"
    assert age_text(timedelta(hours=5)) == "5 hours"
    assert age_text(timedelta(hours=47)) == "47 hours"
    assert age_text(timedelta(days=9)) == "9 days"


def test_closing_backs_up_and_a_backup_restores_into_a_new_file(
    qtbot: QtBot,
    window: MainWindow,
    backups: BackupController,
    ui_passphrase: str,
    tmp_path: Path,
) -> None:
    window.runner.run(create_client, ClientInput(legal_first_name="Alex", legal_last_name="Rivera"))
    backups.automatic = True
    backups.before_close()
    folder = backups.folder()
    assert folder is not None
    made = list_backups(folder)
    assert len(made) == 1
    backups.before_close()  # a fresh backup is not made again
    assert len(list_backups(folder)) == 1

    dest = tmp_path / "restored" / "books.qlb"
    backups.ask_restore_paths = lambda: (made[0].path, dest)  # type: ignore[method-assign]
    backups.restore()
    qtbot.waitUntil(lambda: backups.last_restore is not None, timeout=60000)
    restored = Workspace.open(dest, passphrase=ui_passphrase)
    try:
        names = [c.legal_name for c in restored.read(list_clients)]
    finally:
        restored.close()
    assert names == ["Alex Rivera"]
