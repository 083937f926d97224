"""Closing a month (the checks first, each with its result) and reopening one with a reason.

Closing runs every check of ``month_end_close``; the Close button is enabled
only when all of them pass, and the service runs them again as it closes, so
nothing that changed in between slips through. Reopening asks why, and the
reason goes into the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.month_end.close import (
    CheckResult,
    CloseResult,
    close_month,
    month_end_checks,
    reopen,
)
from desktop.services.month_end.workbook import Period
from desktop.ui import style
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner

PASS_MARK, FAIL_MARK = "✓", "✗"


class CloseMonthDialog(QDialog):
    """Runs the checks for ``period`` when shown; closes only when every one passes."""

    def __init__(self, parent: QWidget | None, runner: ActionRunner, period: Period) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Close {period.title}")
        self.runner = runner
        self.period = period
        self.results: list[CheckResult] = []
        self.outcome: CloseResult | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)
        intro = QLabel(
            f"Closing {period.title} stops anything dated on or before "
            f"{format_date(period.end)} from being posted or changed. "
            "It closes only when every check below passes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.checks_box = QVBoxLayout()
        self.checks_box.setSpacing(style.SPACING)
        layout.addLayout(self.checks_box)
        self.verdict = QLabel()
        self.verdict.setObjectName("close_verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = QPushButton(f"Close {period.title}")
        self.close_button.setObjectName("close_month")
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.again_button = QPushButton("Run the checks again")
        self.buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button.clicked.connect(self.close_now)
        self.again_button.clicked.connect(self.run_checks)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 42)
        self.run_checks()

    def run_checks(self) -> None:
        if not self.runner.is_open:
            return
        outcome = self.runner.on_file(month_end_checks, self.period)
        self.show_results(self.runner.show_refusal(outcome, self) or [])

    def show_results(self, results: list[CheckResult]) -> None:
        self.results = list(results)
        while self.checks_box.count():
            item = self.checks_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for check in self.results:
            mark = PASS_MARK if check.passed else FAIL_MARK
            label = QLabel(f"{mark}  {check.sentence}")
            label.setWordWrap(True)
            if not check.passed:
                palette = label.palette()
                palette.setColor(label.foregroundRole(), style.error_color(label))
                label.setPalette(palette)
            self.checks_box.addWidget(label)
        passed = bool(self.results) and all(check.passed for check in self.results)
        self.close_button.setEnabled(passed)
        if passed:
            self.verdict.setText(f"Every check passes; {self.period.title} can be closed.")
        else:
            self.verdict.setText(f"{self.period.title} cannot be closed until every check passes.")

    def close_now(self) -> None:
        if not self.runner.is_open:
            return
        outcome = self.runner.show_refusal(self.runner.on_file(close_month, self.period), self)
        if outcome is None:
            return
        self.outcome = outcome
        if outcome.closed:
            self.runner.interaction.show_info(
                self, f"The books are closed through {format_date(outcome.closed_through)}."
            )
            self.accept()
        else:
            self.show_results(list(outcome.checks))


class ReopenDialog(QDialog):
    """Reopen the last closed month (or everything), saying why."""

    def __init__(self, parent: QWidget | None, runner: ActionRunner, closed: date) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reopen a closed month")
        self.runner = runner
        self.closed = closed
        self.reopened_to: date | None = None
        month_start = closed.replace(day=1)
        # Back to the end of the month before the last closed one, when the close is a month end.
        self.to: date | None = month_start - timedelta(days=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        text = QLabel(
            f"The books are closed through {format_date(closed)}. Reopening lets entries dated "
            f"from {format_date(month_start)} on be posted and changed again; the books stay "
            f"closed through {format_date(self.to)}."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addSpacing(style.SPACING)
        layout.addWidget(QLabel("Why is it being reopened?"))
        self.reason = QLineEdit()
        self.reason.setObjectName("reopen_reason")
        self.reason.setPlaceholderText("For example: a payment from March was found on April 2")
        layout.addWidget(self.reason)
        layout.addWidget(style.muted(QLabel("The reason is kept in the audit log.")))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.reopen_button = QPushButton("Reopen")
        self.reopen_button.setDefault(True)
        self.buttons.addButton(self.reopen_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.reopen_button.clicked.connect(self.reopen_now)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(
            lambda text: self.reopen_button.setEnabled(bool(text.strip()))
        )
        self.reopen_button.setEnabled(False)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def reopen_now(self) -> None:
        reason = self.reason.text().strip()
        if not self.runner.is_open or not reason:
            return
        outcome = self.runner.on_file(reopen, self.to, reason)
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
            return
        self.reopened_to = outcome.value
        self.accept()
