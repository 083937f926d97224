"""The window's first launch of the demo: written off the UI thread, saying what it does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from desktop.app import gui
from desktop.demo.defaults import DEFAULT_CLIENTS


def test_first_launch_says_what_it_does_and_can_be_cancelled(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "demo.qlb"
    said: list[str] = []

    def watch() -> None:
        # The UI thread stays free while the demo is written: this timer keeps firing.
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        for dialog in dialogs:
            if dialog.isVisible() and dialog.labelText() not in said:
                said.append(dialog.labelText())
            if dialog.isVisible() and "Inventing" in dialog.labelText():
                dialog.findChild(QPushButton).click()  # Cancel

    timer = QTimer()
    timer.timeout.connect(watch)
    timer.start(20)
    try:
        made = gui._create_demo(path)
    finally:
        timer.stop()
    assert made is False
    assert list(tmp_path.iterdir()) == []  # nothing of a cancelled demo is kept
    assert said[0].startswith("Creating the demo practice")
    assert f"takes about {gui.DEMO_SECONDS} seconds" in said[0]
    inventing = f"Inventing {DEFAULT_CLIENTS} clients, couples and families…"
    assert any(text.endswith(inventing) for text in said)
