"""Splitters that open where the user last left them (per user, in QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

SETTINGS_GROUP = "splitters"


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes saved under ``key``, and save them whenever it moves."""
    state = QSettings().value(f"{SETTINGS_GROUP}/{key}")
    if isinstance(state, QByteArray) and not state.isEmpty():
        splitter.restoreState(state)
    splitter.splitterMoved.connect(
        lambda _pos, _index: QSettings().setValue(f"{SETTINGS_GROUP}/{key}", splitter.saveState())
    )
