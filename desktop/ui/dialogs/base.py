"""FormDialog: a dialog over a Form whose Save button is enabled only when the input is valid.

Enter saves (Save is the default button) and Esc cancels. A refusal from the
service is shown beside the field it names, or as a message when it names none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import style
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.form import Form

T = TypeVar("T")
REASON_LIMIT = 200  # a reason is a sentence, kept in the audit log


class FormDialog(QDialog, Generic[T]):
    # A service's field name -> the form row that shows its message, where they differ.
    field_aliases: dict[str, str] = {}  # noqa: RUF012

    def __init__(
        self, parent: QWidget | None, title: str, runner: ActionRunner, save_text: str = "Save"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = runner
        self.form = Form(self.revalidate)
        self.result_value: Any = None
        self._ready = False
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        self.body.setSpacing(style.SECTION_SPACING)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        style.muted(self.hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert isinstance(save, QPushButton)
        self.save_button = save
        save.setText(save_text)
        save.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.hint, 1)
        footer.addWidget(self.buttons)
        self._footer = footer

    def finish_layout(self) -> None:
        """Call at the end of the subclass's __init__, once every field is in place."""
        self.body.addLayout(self._footer)
        self._ready = True
        self.revalidate()

    # --- for subclasses --------------------------------------------------------------------

    def collect(self) -> tuple[T | None, dict[str, str]]:
        """The input the fields describe, and problems of fields that could not be read."""
        raise NotImplementedError

    def problems(self, data: T) -> dict[str, str]:
        """The service's own validation of the input (no database needed)."""
        return {}

    def submit(self, data: T) -> Outcome[Any]:
        raise NotImplementedError

    # --- behaviour -------------------------------------------------------------------------

    def revalidate(self) -> None:
        if not self._ready:
            return
        data, problems = self.collect()
        if data is not None:
            problems = {**self.problems(data), **problems}
        self.form.show(problems)
        self.save_button.setEnabled(not problems)
        shown = {name for name in problems if self.form.message(name)}
        waiting = [text for name, text in problems.items() if name not in shown]
        self.hint.setText(waiting[0] if waiting else "")
        # Messages wrap onto more lines than the dialog had room for; a top-level window
        # does not grow for that by itself, so make room once the layout has settled.
        QTimer.singleShot(0, self._fit_height)

    def _fit_height(self) -> None:
        layout = self.layout()
        if layout is None:
            return
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
        else:
            needed = layout.totalMinimumSize().height()
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def save(self) -> None:
        data, problems = self.collect()
        if data is not None:
            problems = {**self.problems(data), **problems}
        if data is None or problems:
            self.form.touch()
            self.revalidate()
            return
        outcome = self.submit(data)
        if outcome.ok:
            self.result_value = outcome.value
            self.accept()
            return
        error = outcome.error
        field = getattr(error, "field", None)
        field = self.field_aliases.get(field, field) if field else None
        if not self.form.show_error(field, str(error)):
            self.runner.interaction.show_error(self, str(error))


class ReasonDialog(FormDialog[str]):
    """Ask why, then ``action(reason)``: for what is never deleted but voided or closed."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        *,
        title: str,
        about: str,
        save_text: str,
        example: str,
        missing: str,
        action: Callable[[str], Outcome[Any]],
    ) -> None:
        super().__init__(parent, title, runner, save_text=save_text)
        text = QLabel(about)
        text.setWordWrap(True)
        self.body.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(REASON_LIMIT)
        self.reason.setPlaceholderText(example)
        self.form.add("reason", "Reason", self.reason, required=True)
        self.body.addLayout(self.form.layout)
        self._missing = missing
        self._action = action
        self.finish_layout()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)
        self.reason.setFocus()

    def collect(self) -> tuple[str | None, dict[str, str]]:
        reason = self.reason.text().strip()
        return (reason, {}) if reason else (None, {"reason": self._missing})

    def submit(self, data: str) -> Outcome[Any]:
        return self._action(data)
