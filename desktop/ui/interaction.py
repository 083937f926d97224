"""How the screens ask and tell the person at the keyboard.

Widgets and the action runner talk to an ``Interaction`` instead of calling
QMessageBox directly, so tests can run every flow headless and read back
what would have been shown.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget


class Interaction(Protocol):
    def show_error(self, parent: QWidget | None, message: str) -> None: ...

    def show_info(self, parent: QWidget | None, message: str) -> None: ...

    def confirm(self, parent: QWidget | None, question: str, action: str) -> bool: ...


class DialogInteraction:
    """The real thing: message boxes with plain sentences."""

    def show_error(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.warning(parent, "Quiet Ledger", message)

    def show_info(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.information(parent, "Quiet Ledger", message)

    def confirm(self, parent: QWidget | None, question: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Quiet Ledger", question, parent=parent)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes
