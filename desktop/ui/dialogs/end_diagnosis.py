"""End a diagnosis: the last date it is in force. It stays on earlier superbills."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.clients.diagnoses import DiagnosisRow, end_diagnosis
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit


class EndDiagnosisDialog(FormDialog[date]):
    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, diagnosis: DiagnosisRow
    ) -> None:
        super().__init__(parent, f"End {diagnosis.code}", runner, save_text="End diagnosis")
        self.diagnosis = diagnosis
        about = QLabel(
            f"{diagnosis.code} — {diagnosis.description}\n"
            f"In force from {format_date(diagnosis.effective_from)}."
        )
        about.setWordWrap(True)
        self.body.addWidget(about)
        self.last_day = DateEdit(value=diagnosis.effective_to or date.today())
        self.form.add("effective_to", "Last day in force", self.last_day, required=True)
        self.body.addLayout(self.form.layout)
        self.finish_layout()
        self.last_day.setFocus()

    def collect(self) -> tuple[date | None, dict[str, str]]:
        if self.last_day.problem():
            return None, {"effective_to": self.last_day.problem()}
        last = self.last_day.value()
        if last is not None and last < self.diagnosis.effective_from:
            return None, {"effective_to": "The last day is before the diagnosis started."}
        return last, {}

    def submit(self, data: date) -> Outcome[Any]:
        return self.runner.attempt(end_diagnosis, self.diagnosis.id, data)
