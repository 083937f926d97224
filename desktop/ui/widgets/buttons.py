"""A page's button with its own keyboard shortcut, named in its tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget


def shortcut_button(owner: QWidget, text: str, key: str, slot: Callable[[], object]) -> QPushButton:
    """A button doing ``slot``; ``key`` (if any) does the same while focus is in ``owner``."""
    button = QPushButton(text)
    button.clicked.connect(slot)
    if key:
        button.setToolTip(f"{text.strip('‹› .…')} ({key})")
        shortcut = QShortcut(QKeySequence(key), owner)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
    return button
