"""Statements for everyone who owes: choose the date they are as of, see how many go out."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.services.documents.statements import units_owing
from desktop.ui import style
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.date_edit import DateEdit


class StatementBatchDialog(QDialog):
    """``as_of()`` is the chosen date once accepted; Issue is enabled only when someone owes."""

    def __init__(self, parent: QWidget | None, runner: ActionRunner, as_of: date) -> None:
        super().__init__(parent)
        self.runner = runner
        self.owing = 0
        self.setWindowTitle("Statements for everyone who owes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)
        form = QFormLayout()
        form.setSpacing(style.SPACING)
        self.date = DateEdit(value=as_of)
        self.date.setObjectName("statements_as_of")
        form.addRow("Statements as of", self.date)
        layout.addLayout(form)
        note = QLabel(
            "Each statement lists every open charge, and the activity since that client's "
            "last statement (a first statement: since the oldest open charge) to this date, "
            "with an aging line and what is due."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.summary = QLabel()
        self.summary.setObjectName("statements_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.issue_button = self.buttons.addButton(
            "Issue statements", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.date.changed.connect(self.count)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 32)
        self.count()

    def as_of(self) -> date | None:
        return self.date.value() if self.date.is_valid() else None

    def count(self) -> None:
        """How many clients owe on the chosen date, shown under it."""
        as_of = self.as_of()
        found = self.runner.read(units_owing, as_of, parent=self) if as_of else None
        self.owing = len(found or [])
        if as_of is None:
            text = self.date.problem() or "Enter the date the statements are as of."
        elif not self.owing:
            text = f"Nobody owes anything on {format_date(as_of)}."
        elif self.owing == 1:
            text = f"One client owes on {format_date(as_of)} and gets a statement."
        else:
            text = f"{self.owing} clients owe on {format_date(as_of)}; each gets a statement."
        self.summary.setText(text)
        self.issue_button.setEnabled(self.owing > 0)
