"""Help → About: the version, the data folder, and the bundled libraries' licenses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop import __version__
from desktop.app.about import about_facts
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.about import AboutDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.runner import ActionRunner
from tests.ui.conftest import RecordingInteraction


@pytest.fixture
def window_with_help(
    qtbot: QtBot,
    runner: ActionRunner,
    interaction: RecordingInteraction,
    ui_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    monkeypatch.setenv("QUIETLEDGER_HOME", str(tmp_path / "data"))

    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(ui_path, passphrase=passphrase, recovery_key=recovery_key)

    win = MainWindow(
        runner, opener, str(ui_path), interaction, remember_geometry=False, about=about_facts
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.idle.stop()


def _about_action(window: MainWindow):  # type: ignore[no-untyped-def]
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    help_menu = menus["&Help"]
    return next(a for a in help_menu.actions() if a.text() == "&About Quiet Ledger")


def test_help_about_shows_version_data_folder_and_licenses(
    qtbot: QtBot, window_with_help: MainWindow, tmp_path: Path
) -> None:
    _about_action(window_with_help).trigger()
    dialog = window_with_help.findChild(AboutDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.findChild(type(dialog.folder_label), "about_version").text() == (
        f"Quiet Ledger {__version__}"
    )
    assert str(tmp_path / "data") in dialog.folder_label.text()
    names = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    qt_row = next(i for i, name in enumerate(names) if name.startswith("Qt 6"))
    dialog.components.setCurrentRow(qt_row)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.license_text.toPlainText()
    assert any(name.startswith("SQLAlchemy ") for name in names)
    dialog.reject()


def test_without_facts_the_window_has_no_help_menu(window: MainWindow) -> None:
    titles = [action.text() for action in window.menuBar().actions()]
    assert "&Help" not in titles
