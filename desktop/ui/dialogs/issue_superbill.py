"""Issuing a superbill (or a corrected version of one): the checker's findings first.

Errors block issuing. Each warning has its own box to check: checking it is the
person saying they read it, and the service keeps the warnings acknowledged
with the issued document.
"""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.clients.units import UnitRow
from desktop.services.documents import superbills
from desktop.services.documents.blocks import Finding
from desktop.services.documents.store import IssuedDocument
from desktop.ui import style
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit


class IssueSuperbillDialog(QDialog):
    """Choose a client and dates (or correct ``document``), check, acknowledge, issue."""

    noun = "superbill"  # what the summary lines call the document

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        units: list[UnitRow],
        *,
        start: date,
        end: date,
        unit_id: int | None = None,
        document: IssuedDocument | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.document = document
        self.findings: tuple[Finding, ...] = ()
        self.warning_boxes: list[tuple[QCheckBox, Finding]] = []
        self.issued: IssuedDocument | None = None
        correcting = document is not None
        self.setWindowTitle(
            f"Correct superbill {document.number}" if document else "Issue a superbill"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)
        form = self.form = QFormLayout()
        form.setSpacing(style.SPACING)
        self.client = QComboBox()
        self.client.setObjectName("superbill_client")
        for unit in units:
            self.client.addItem(f"{unit.name} ({unit.ref})", unit.unit_id)
        wanted = document.unit_id if document else unit_id
        # No client until one is chosen: the first in the list may well pay privately.
        self.client.setCurrentIndex(self.client.findData(wanted) if wanted is not None else -1)
        self.start = DateEdit(value=document.period_from if document else start)
        self.end = DateEdit(value=document.period_to if document else end)
        form.addRow("Client", self.client)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        for widget in (self.client, self.start, self.end):
            widget.setEnabled(not correcting)
        layout.addLayout(form)
        if correcting:
            note = QLabel(
                f"Version {document.version + 1} is built from the books as they are now and "
                f"replaces version {document.version}; both are kept."
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        self.findings_box = QVBoxLayout()
        self.findings_box.setSpacing(style.SPACING)
        layout.addLayout(self.findings_box)
        self.summary = QLabel()
        self.summary.setObjectName("superbill_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.check_button = QPushButton("Check")
        self.issue_button = QPushButton("Issue corrected version" if correcting else "Issue")
        self.issue_button.setObjectName("issue_superbill")
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.issue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.check_button.clicked.connect(self.run_check)
        self.issue_button.clicked.connect(self.issue)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.client.currentIndexChanged.connect(lambda _i: self.run_check())
        self.start.changed.connect(self._dates_changed)
        self.end.changed.connect(self._dates_changed)
        style.keep_min_width(layout, self.fontMetrics().horizontalAdvance("M") * 40)
        self.run_check()

    # --- checking --------------------------------------------------------------------------

    def _dates_changed(self) -> None:
        self.issue_button.setEnabled(False)
        self.summary.setText("Press Check after changing the dates.")

    def _chosen(self) -> tuple[int, date, date] | None:
        unit_id = self.client.currentData()
        start, end = self.start.value(), self.end.value()
        if not isinstance(unit_id, int) or start is None or end is None:
            return None
        return unit_id, start, end

    def run_check(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.show_findings(None)
            return
        if not self.runner.is_open:
            return
        # A refusal (a client who pays privately, dates the wrong way round) is shown here,
        # in the dialog, rather than as a message box on every change of client.
        found = self._check(chosen)
        if found.error is not None:
            self.show_findings(None)
            self.issue_button.setEnabled(False)
            self.summary.setText(str(found.error))
            return
        self.show_findings(tuple(found.value or ()))

    def _check(self, chosen: tuple[int, date, date]) -> Outcome[Any]:
        if self.document is None:
            return self.runner.attempt_read(superbills.check, *chosen)
        return self.runner.attempt_read(superbills.check_correction, self.document)

    def _issue(self, chosen: tuple[int, date, date], accepted: list[str]) -> Outcome[Any]:
        if self.document is not None:
            return self.runner.attempt(
                superbills.correct_superbill, self.document.id, acknowledge=accepted
            )
        return self.runner.attempt(superbills.issue_superbill, *chosen, acknowledge=accepted)

    def show_findings(self, findings: tuple[Finding, ...] | None) -> None:
        while self.findings_box.count():
            item = self.findings_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.findings = findings or ()
        self.warning_boxes = []
        for found in self.findings:
            if found.blocks:
                self.findings_box.addWidget(style.problem_label(found.text))
            else:
                # A check box's text never wraps by itself; long warnings are folded here.
                box = QCheckBox(textwrap.fill(f"I have read this: {found.text}", 72))
                box.setAccessibleName(found.text)
                box.toggled.connect(lambda _on: self._update())
                self.warning_boxes.append((box, found))
                self.findings_box.addWidget(box)
        self._update()

    def _update(self) -> None:
        errors = [f for f in self.findings if f.blocks]
        unread = [box for box, _ in self.warning_boxes if not box.isChecked()]
        if self._chosen() is None:
            text = "Choose a client and the dates of service."
        elif errors:
            noun = "error" if len(errors) == 1 else "errors"
            text = f"{len(errors)} {noun} must be fixed before this {self.noun} can be issued."
        elif unread:
            text = f"Check each warning's box to say it was read; it is kept with the {self.noun}."
        elif self.findings:
            text = f"Every warning is acknowledged; the {self.noun} can be issued."
        else:
            text = "The checker found no problems."
        self.summary.setText(text)
        self.issue_button.setEnabled(self._chosen() is not None and not errors and not unread)

    # --- issuing ---------------------------------------------------------------------------

    def issue(self) -> None:
        chosen = self._chosen()
        if chosen is None or not self.issue_button.isEnabled():
            return
        accepted = [found.text for _box, found in self.warning_boxes]
        outcome = self._issue(chosen, accepted)
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
            self.run_check()
            return
        self.issued = outcome.value
        self.accept()


def period_text(document: IssuedDocument) -> str:
    if document.period_from is None or document.period_to is None:
        return ""
    return f"{format_date(document.period_from)} – {format_date(document.period_to)}"
