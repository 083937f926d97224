"""The Reports page's month-end strip: the workbook for a month, closing it, reopening.

The workbook is written in the background (reading a year of books takes a
while) with a progress dialog whose Cancel leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop.services.month_end.workbook import (
    MonthEndExport,
    Period,
    export_month_end_job,
    month_of,
)
from desktop.ui import style
from desktop.ui.background import BackgroundTask, JobResult
from desktop.ui.charts import month_starts
from desktop.ui.dialogs.close_month import CloseMonthDialog, ReopenDialog
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner

FULL_NAMES_TEXT = "Full names (riskier: the file then names clients)"
FULL_NAMES_TIP = (
    "By default clients appear as their reference and initials, with no date of birth, "
    "diagnosis or address: a lost or forwarded workbook then says little about anyone. "
    "Full names make every sheet identify clients by name."
)

SavePath = Callable[[str, str, str], Path | None]  # (caption, suggested name, filter)


class MonthEndBar(QWidget):
    """Month chooser, workbook export, close and reopen, and the closed-through date."""

    def __init__(self, runner: ActionRunner, choose_path: SavePath) -> None:
        super().__init__()
        self.runner = runner
        self._choose_path = choose_path
        self.closed: date | None = None
        self.last_export: MonthEndExport | None = None
        self.task: BackgroundTask | None = None
        self.cancelled = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(style.SPACING)
        row.addWidget(QLabel("Month-end:"))
        self.month = QComboBox()
        self.month.setObjectName("month_end_month")
        self.fill_months(date.today())
        row.addWidget(self.month)
        self.full_names = QCheckBox(FULL_NAMES_TEXT)
        self.full_names.setToolTip(FULL_NAMES_TIP)
        row.addWidget(self.full_names)
        self.export_button = QPushButton("Export workbook…")
        self.export_button.clicked.connect(self.export_workbook)
        row.addWidget(self.export_button)
        self.close_button = QPushButton("Close the month…")
        self.close_button.setObjectName("close_month_button")
        self.close_button.clicked.connect(self.close_month)
        row.addWidget(self.close_button)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(self.reopen)
        row.addWidget(self.reopen_button)
        row.addStretch(1)
        self.closed_label = QLabel()
        self.closed_label.setObjectName("closed_through")
        row.addWidget(self.closed_label)

    def fill_months(self, today: date) -> None:
        """The 24 months before this one, the last one first (the usual month to close)."""
        self.month.clear()
        last = today.replace(day=1)
        for start in reversed(month_starts(last, 25)[:-1]):
            self.month.addItem(start.strftime("%B %Y"), start)

    def period(self) -> Period:
        start = self.month.currentData()
        return month_of(start if isinstance(start, date) else date.today())

    def show_closed(self, closed: date | None) -> None:
        """Show how far the books are closed (the Reports page reads it with its table)."""
        self.closed = closed
        if self.closed is None:
            self.closed_label.setText("No month is closed")
        else:
            self.closed_label.setText(f"Closed through {format_date(self.closed)}")
        self.reopen_button.setEnabled(self.closed is not None)

    # --- actions ---------------------------------------------------------------------------

    def export_workbook(self) -> None:
        if not self.runner.is_open:
            return
        period = self.period()
        suggested = f"month-end-{period.start.strftime('%Y-%m')}.xlsx"
        path = self._choose_path("Save the month-end workbook", suggested, "Excel (*.xlsx)")
        if path is None:
            return
        job = export_month_end_job(period, path, full_names=self.full_names.isChecked())
        self.task = self.runner.start(job, self._exported, parent=self)

    def _exported(self, result: JobResult) -> None:
        self.task = None
        if result.cancelled:
            self.cancelled = True
            return
        if result.error is not None:
            self.runner.interaction.show_error(self, str(result.error))
            return
        export: MonthEndExport = result.value
        self.last_export = export
        self.runner.interaction.show_info(self, f"Saved {export.path.name}.\n\n{export.tie_out}")

    def close_month(self) -> None:
        if not self.runner.is_open:
            return
        # Closing broadcasts a practice change; the Reports page then shows the new date.
        CloseMonthDialog(self, self.runner, self.period()).exec()

    def reopen(self) -> None:
        if self.closed is None or not self.runner.is_open:
            return
        ReopenDialog(self, self.runner, self.closed).exec()
