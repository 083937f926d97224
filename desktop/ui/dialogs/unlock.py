"""The unlock dialog: a passphrase, or the recovery key when the passphrase is lost.

A wrong passphrase is one plain sentence under the field; the dialog stays open
for another try. Opening the file is injected (``opener``), so the dialog
knows nothing of where the file is or how it is decrypted.

The recovery key is for a lost passphrase or a lost or damaged key file: once
it has opened the file, the dialog asks for a new passphrase (typed twice) and
writes a new key file with it before the window opens, as
``quietledger unlock --recovery-key`` does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import ServiceError
from desktop.services.practice.passphrase import practice_words
from desktop.services.workspace import Workspace
from desktop.ui import style

Opener = Callable[[str | None, str | None], Workspace]  # (passphrase, recovery key)


class UnlockDialog(QDialog):
    def __init__(
        self, opener: Opener, file_label: str, parent: QWidget | None = None, message: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quiet Ledger — Unlock")
        self.setModal(True)
        self._opener = opener
        self.workspace: Workspace | None = None
        self._recovered: Workspace | None = None  # opened by the recovery key, no passphrase yet
        layout = QVBoxLayout(self)
        layout.setContentsMargins(
            style.MARGIN * 2, style.MARGIN * 2, style.MARGIN * 2, style.MARGIN
        )
        layout.setSpacing(style.SPACING)
        heading = QLabel("Unlock your practice")
        heading.setFont(style.title_font(heading.font(), 1.3))
        layout.addWidget(heading)
        where = QLabel(file_label)
        where.setWordWrap(True)
        style.muted(where)
        layout.addWidget(where)
        layout.addSpacing(style.SPACING)
        self.prompt = QLabel("Passphrase")
        layout.addWidget(self.prompt)
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 48)
        self.prompt.setBuddy(self.secret)
        layout.addWidget(self.secret)
        self.again_label = QLabel("Type it again")
        self.again = QLineEdit()
        self.again.setObjectName("again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_label.setBuddy(self.again)
        layout.addWidget(self.again_label)
        layout.addWidget(self.again)
        self.again_label.hide()
        self.again.hide()
        self.message = QLabel(message)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        palette = self.message.palette()
        palette.setColor(self.message.foregroundRole(), style.error_color(self))
        self.message.setPalette(palette)
        self.message.setVisible(bool(message))
        layout.addWidget(self.message)
        self.use_recovery = QCheckBox("Use the recovery key instead")
        self.use_recovery.toggled.connect(self._mode_changed)
        layout.addWidget(self.use_recovery)
        layout.addSpacing(style.SPACING)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.unlock_button = QPushButton("Unlock")
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        # After adding: the box would otherwise leave Cancel as the default, and Enter
        # would close the dialog instead of trying the passphrase.
        self.unlock_button.setDefault(True)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setAutoDefault(False)
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.secret.setFocus()

    def _mode_changed(self, recovery: bool) -> None:
        self.prompt.setText("Recovery key" if recovery else "Passphrase")
        self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password
        )
        self.secret.setPlaceholderText("XXXX-XXXX-…" if recovery else "")
        self.secret.clear()
        self.message.hide()
        self.secret.setFocus()

    def try_unlock(self) -> None:
        if self._recovered is not None:
            self._set_new_passphrase()
            return
        text = self.secret.text()
        if not text.strip():
            self._say(
                "Type the recovery key."
                if self.use_recovery.isChecked()
                else "Type your passphrase."
            )
            return
        recovery = self.use_recovery.isChecked()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.workspace = self._opener(None if recovery else text, text if recovery else None)
        except ServiceError as exc:
            self._say(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.secret.clear()
        if recovery:
            self._ask_new_passphrase(self.workspace)
            self.workspace = None
            return
        self.accept()

    def _ask_new_passphrase(self, workspace: Workspace) -> None:
        """The recovery key opened the file: a new passphrase writes a new key file."""
        self._recovered = workspace
        self.use_recovery.hide()
        self.prompt.setText("New passphrase (the recovery key opened the file)")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("")
        self.again_label.show()
        self.again.show()
        self.unlock_button.setText("Set passphrase")
        self.message.hide()
        self.secret.setFocus()

    def _set_new_passphrase(self) -> None:
        assert self._recovered is not None
        new = self.secret.text()
        known = self._recovered.read(practice_words)
        problem = Workspace.passphrase_problem(new, known)
        if problem:
            self._say(problem)
            return
        if self.again.text() != new:
            self._say("The two passphrases differ; type the new one twice.")
            return
        try:
            self._recovered.change_passphrase(new, known)
        except ServiceError as exc:
            self._say(str(exc))
            return
        self.workspace, self._recovered = self._recovered, None
        self.secret.clear()
        self.again.clear()
        self.accept()

    def reject(self) -> None:
        # Cancelled before a new passphrase was set: the file opened by the recovery key
        # is closed again, unchanged.
        if self._recovered is not None:
            self._recovered.close()
            self._recovered = None
        super().reject()

    def _say(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.show()
        # The sentence wraps; a wrapped label added after the dialog was laid out
        # gets one line's height: size the dialog to it again.
        self.adjustSize()
        self.secret.selectAll()
        self.secret.setFocus()
