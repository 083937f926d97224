"""The Data tab: bring books in (the import wizard) and take everything out.

Export everything asks for a folder and writes a new folder inside it, named
for the day, in the background: a progress bar, Cancel (nothing is left
behind), and a sentence saying where the files are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.transfer.export_everything import export_everything_job, export_folder_in
from desktop.services.transfer.exporting import ExportResult
from desktop.ui import style
from desktop.ui.background import JobResult
from desktop.ui.dialogs.import_wizard import ImportWizard, open_import_wizard
from desktop.ui.dialogs.to_complete import ToCompleteDialog, open_to_complete
from desktop.ui.runner import ActionRunner


def _row(button: QPushButton, text: str) -> QVBoxLayout:
    column = QVBoxLayout()
    words = QLabel(text)
    words.setWordWrap(True)
    column.addWidget(words)
    line = QHBoxLayout()
    line.addWidget(button)
    line.addStretch(1)
    column.addLayout(line)
    return column


class DataTab(QWidget):
    def __init__(
        self, runner: ActionRunner, open_unit: Callable[[int], None] | None = None
    ) -> None:
        super().__init__()
        self.runner = runner
        self.open_unit = open_unit
        self.wizard: ImportWizard | None = None
        self.to_complete: ToCompleteDialog | None = None
        self.last_export: ExportResult | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, style.MARGIN, 0, 0)
        outer.setSpacing(style.SECTION_SPACING)

        bring = QGroupBox("Bring your books in")
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Import clients, sessions or payments (Ctrl+Shift+I)")
        self.import_button.clicked.connect(self.start_import)
        bring.setLayout(
            _row(
                self.import_button,
                "Clients, sessions and payments from a spreadsheet (CSV or XLSX), "
                "SimplePractice's appointment status report, or a whole export folder from "
                "another computer. Every row is checked first; a file with any problem is not "
                "imported at all, and importing the same file twice adds nothing.",
            )
        )
        layout = bring.layout()
        assert isinstance(layout, QVBoxLayout)
        self.to_complete_button = QPushButton("Clients to complete…")
        self.to_complete_button.setToolTip(
            "Clients who lack what a superbill or estimate needs, such as a date of birth"
        )
        self.to_complete_button.clicked.connect(self.show_to_complete)
        self.to_complete_button.setVisible(open_unit is not None)
        line = QHBoxLayout()
        line.addWidget(self.to_complete_button)
        line.addStretch(1)
        layout.addLayout(line)
        outer.addWidget(bring)

        take = QGroupBox("Take everything out")
        self.export_button = QPushButton("Export everything…")
        self.export_button.setToolTip("Every table of the practice to a folder (Ctrl+Shift+E)")
        self.export_button.clicked.connect(self.start_export)
        column = _row(
            self.export_button,
            "Every client, session, payment, diagnosis, document and setting, as CSV files "
            "and one workbook, to a new folder. Clients, sessions and payments are in the "
            "import layouts, so the folder can be imported into a new practice. It holds "
            "everything, diagnoses and dates of birth included: keep it as carefully as the "
            "practice file.",
        )
        self.export_status = QLabel()
        self.export_status.setWordWrap(True)
        column.addWidget(self.export_status)
        take.setLayout(column)
        outer.addWidget(take)
        outer.addStretch(1)

    def refresh(self) -> None:
        pass

    def clear(self) -> None:
        self.export_status.clear()
        if self.wizard is not None:
            self.wizard.reject()
            self.wizard = None

    # --- import -------------------------------------------------------------------------------

    def start_import(self) -> None:
        if not self.runner.is_open:
            return
        self.wizard = open_import_wizard(self.window(), self.runner, self.open_unit)

    def show_to_complete(self) -> None:
        if self.runner.is_open and self.open_unit is not None:
            self.to_complete = open_to_complete(self.window(), self.runner, self.open_unit)

    # --- export -------------------------------------------------------------------------------

    def ask_folder(self) -> Path | None:
        """Where the export's folder goes (tests replace this)."""
        chosen = QFileDialog.getExistingDirectory(
            self.window(), "Export everything into which folder?", str(Path.home())
        )
        return Path(chosen) if chosen else None

    def start_export(self) -> None:
        if not self.runner.is_open:
            return
        parent = self.ask_folder()
        if parent is None:
            return
        out = export_folder_in(parent)
        self.export_button.setEnabled(False)
        self.export_status.setText(f"Exporting to {out}…")
        self.runner.start(export_everything_job(out), self._exported, parent=self.window())

    def _exported(self, result: JobResult) -> None:
        self.export_button.setEnabled(True)
        if result.cancelled:
            self.export_status.setText("The export was canceled; nothing was written.")
            return
        if result.error is not None:
            self.export_status.setText("")
            self.runner.interaction.show_error(self.window(), str(result.error))
            return
        self.last_export = result.value
        assert self.last_export is not None
        message = f"Exported {len(self.last_export.files)} files to {self.last_export.folder}."
        self.export_status.setText(message)
        self.runner.interaction.show_info(self.window(), message)
