"""The import wizard: choose what and which file, match its columns, see every problem,
then import it in one transaction, off the UI thread.

Pages: what to import and from where; the file's columns against the layout (a
combo per layout column, already set where the names agree ignoring case,
spaces and underscores); the dry run's problems by file, row and column, with
Import disabled until there are none; the import itself and what it did. The
SimplePractice report has a fixed layout and an export folder names its own
files, so both skip the columns page.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.forms.import_plan import KINDS, ImportPlan
from desktop.services.transfer.importing import (
    ImportKind,
    ImportRejected,
    Problem,
    check_header,
)
from desktop.services.transfer.importing.jobs import check_job, import_job
from desktop.ui import style
from desktop.ui.background import JobResult, run_in_background
from desktop.ui.dialogs.to_complete import ToCompleteDialog, open_to_complete
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

NONE = "(not in the file)"
_FILES = "Spreadsheets (*.csv *.xlsx);;All files (*)"
LOCKED = "The practice file is locked; unlock it and start again."


class PageId(IntEnum):
    SOURCE = 0
    COLUMNS = 1
    PREVIEW = 2
    DONE = 3


def _muted(label: QLabel) -> QLabel:
    style.muted(label)
    label.setWordWrap(True)
    return label


# --- 1. what and where ---------------------------------------------------------------------


class SourcePage(QWizardPage):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle("What are you bringing in?")
        self.setSubTitle(
            "Import clients first, then their sessions, then payments. Nothing is changed "
            "until the last step, and a file with any problem is not imported at all."
        )
        layout = QVBoxLayout(self)
        layout.setSpacing(style.SPACING)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for choice in KINDS:
            button = QRadioButton(f"{choice.text}  —  {choice.hint}")
            self.group.addButton(button)
            self.buttons[choice.kind] = button
            layout.addWidget(button)
        self.buttons[plan.kind].setChecked(True)
        layout.addSpacing(style.SECTION_SPACING)
        self.path_label = QLabel()
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.textChanged.connect(self._path_changed)
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self.choose)
        row.addWidget(self.path_label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.attended = QCheckBox(
            "Every appointment was attended (for a report exported without its Status column)"
        )
        self.attended.toggled.connect(self.plan.choose_assume_attended)
        layout.addWidget(self.attended)
        self.note = _muted(QLabel())
        layout.addWidget(self.note)
        layout.addStretch(1)
        for button in self.buttons.values():
            button.toggled.connect(self._kind_changed)
        self._kind_changed()

    def kind(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())

    def _kind_changed(self) -> None:
        self.plan.choose_kind(self.kind())
        self.path_label.setText(self.plan.path_label)
        self.path.setPlaceholderText(self.plan.path_hint)
        self.note.setText(self.plan.note)
        self.attended.setVisible(self.plan.asks_attended)
        self.completeChanged.emit()

    def _path_changed(self, text: str) -> None:
        self.plan.choose_path(text)
        self.completeChanged.emit()

    def choose(self) -> None:
        start = self.path.text() or str(Path.home())
        if self.plan.is_folder:
            chosen = QFileDialog.getExistingDirectory(self, "Choose the export folder", start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose the file", start, _FILES)
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:
        return self.plan.source_complete

    def nextId(self) -> int:
        return PageId.COLUMNS if self.plan.maps_columns else PageId.PREVIEW


# --- 2. columns ------------------------------------------------------------------------------


class ColumnsPage(QWizardPage):
    """A combo per layout column listing the file's columns, set where the names agree."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle("Match the columns")
        self.setSubTitle(
            "For each column the import knows, choose the file's column that holds it. "
            "Required columns are marked *; the rest may stay empty."
        )
        outer = QVBoxLayout(self)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self.combos: dict[str, QComboBox] = {}

    @property
    def reading(self) -> bool:
        """The file's header is being read in the thread pool."""
        return self.plan.reading

    def initializePage(self) -> None:
        path = self.plan.path
        assert path is not None
        self.combos = {}
        self.scroll.setWidget(QWidget())
        read, kind = self.plan.reading_header(), ImportKind(self.plan.kind)
        self._show_status()
        # The header is a file read, not the books: no practice file is involved.
        run_in_background(
            self.wizard(),
            "Reading the file…",
            lambda _p: check_header(kind, path),
            lambda result: self._read(read, result),
        )

    def _read(self, read: int, result: JobResult) -> None:
        if result.error is not None or result.value is None:
            if self.plan.header_unreadable(read, str(result.error or "")):
                self._show_status()
            return
        if not self.plan.header_read(read, result.value):
            return  # the person went back and chose again; a newer read is on its way
        body = QWidget()
        form = QFormLayout(body)
        layout = self.plan.layout
        for column in layout.columns:
            combo = QComboBox()
            combo.addItem(NONE, "")
            for name in self.plan.file_columns:
                combo.addItem(name, name)
            if column in self.plan.chosen:
                combo.setCurrentIndex(combo.findData(self.plan.chosen[column]))
            combo.currentIndexChanged.connect(
                lambda _i, c=column, box=combo: self._changed(c, box.currentData())
            )
            self.combos[column] = combo
            star = " *" if column in layout.required else ""
            form.addRow(f"{column}{star}", combo)
        self.scroll.setWidget(body)
        self._show_status()
        if self.combos:
            next(iter(self.combos.values())).setFocus()

    def _changed(self, column: str, file_column: str) -> None:
        self.plan.choose(column, file_column or "")
        self._show_status()

    def _show_status(self) -> None:
        status = self.plan.columns_status()
        self.status.setText(status.text)
        palette = self.palette()
        if status.problem:
            palette = self.status.palette()
            palette.setColor(self.status.foregroundRole(), style.error_color(self))
        self.status.setPalette(palette)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.plan.columns_complete


# --- 3. preview ------------------------------------------------------------------------------

PROBLEM_COLUMNS: tuple[Column[Problem], ...] = (
    Column("File", lambda p: p.file),
    Column("Row", lambda p: str(p.row) if p.row else "", lambda p: p.row, numeric=True),
    Column("Column", lambda p: p.column),
    Column("Problem", lambda p: p.message, tooltip=lambda p: p.message),
)


class _ReportPage(QWizardPage):
    """A page that says what happened in a sentence or two, over a table of problems."""

    def __init__(self, plan: ImportPlan, runner: ActionRunner, title: str) -> None:
        super().__init__()
        self.plan = plan
        self.runner = runner
        self.setTitle(title)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.model: RowsModel[Problem] = RowsModel(PROBLEM_COLUMNS)
        self.table = make_table(self.model, stretch_column=3)
        self.table.hide()
        # The table takes the room when it shows; otherwise the sentences stay at the top.
        layout.addWidget(self.table, 100)
        layout.addStretch(1)

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        self.model.set_rows(list(problems))
        self.table.setVisible(bool(problems))


class PreviewPage(_ReportPage):
    def __init__(self, plan: ImportPlan, runner: ActionRunner) -> None:
        super().__init__(plan, runner, "Check before importing")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.again = QPushButton("&Check again")
        self.again.setToolTip("Read the file again, after fixing and saving it")
        self.again.clicked.connect(self.initializePage)
        self.again.hide()
        line = QHBoxLayout()
        line.addWidget(self.again)
        line.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, line)
        self.running = False

    def initializePage(self) -> None:
        if self.running:
            return
        self.again.hide()
        self.plan.checking()
        self.show_problems(())
        self.summary.setText(self.plan.check_summary())
        if not self.runner.is_open:
            self.summary.setText(LOCKED)
            return
        self.running = True
        self.runner.start(check_job(self.plan.source()), self._checked, parent=self.wizard())

    def _checked(self, result: JobResult) -> None:
        self.running = False
        if result.error is not None:
            self.plan.check_failed(str(result.error))
        else:
            self.plan.check_done(result.value)
        advice = self.plan.check_advice()
        if advice is not None:
            self.setSubTitle(advice)
        self.again.setVisible(self.plan.may_check_again)
        self.summary.setText(self.plan.check_summary())
        self.show_problems(self.plan.problems)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.plan.can_import


# --- 4. import -------------------------------------------------------------------------------


class DonePage(_ReportPage):
    def __init__(
        self, plan: ImportPlan, runner: ActionRunner, open_unit: Callable[[int], None] | None
    ) -> None:
        super().__init__(plan, runner, "Importing")
        self.open_unit = open_unit
        self.list: ToCompleteDialog | None = None
        self.to_complete = QPushButton("Clients to &complete…")
        self.to_complete.setToolTip("Who still lacks what a superbill or estimate needs")
        self.to_complete.clicked.connect(self.show_to_complete)
        self.to_complete.hide()
        line = QHBoxLayout()
        line.addWidget(self.to_complete)
        line.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, line)

    @property
    def finished(self) -> bool:
        return self.plan.import_finished

    def initializePage(self) -> None:
        self.plan.importing()
        self.summary.setText(self.plan.import_summary())
        if not self.runner.is_open:
            self._show(LOCKED)
            return
        self.runner.start(import_job(self.plan.source()), self._imported, parent=self.wizard())

    def _imported(self, result: JobResult) -> None:
        if isinstance(result.error, ImportRejected):
            # The books changed between the check and the import; say what stopped it.
            self._show(str(result.error), result.error.problems)
        elif result.error is not None:
            self._show(str(result.error))
        else:
            self.plan.import_done(result.value)
            self.setTitle(self.plan.import_title())
            self.summary.setText(self.plan.import_summary())
            self.to_complete.setVisible(self.open_unit is not None)
        self.completeChanged.emit()

    def show_to_complete(self) -> None:
        """Close the wizard and list, over the window, the clients still to complete."""
        assert self.open_unit is not None
        wizard = self.wizard()
        window = wizard.parentWidget()
        wizard.accept()
        self.list = open_to_complete(window, self.runner, self.open_unit)

    def _show(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        self.plan.import_failed(message, problems)
        self.setTitle(self.plan.import_title())
        self.summary.setText(self.plan.import_summary())
        self.show_problems(self.plan.import_problems)

    def isComplete(self) -> bool:
        return self.finished


class ImportWizard(QWizard):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        open_unit: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(760, 560)
        self.plan = ImportPlan()
        self.source = SourcePage(self.plan)
        self.columns = ColumnsPage(self.plan)
        self.preview = PreviewPage(self.plan, runner)
        self.done_page = DonePage(self.plan, runner, open_unit)
        for page_id, page in (
            (PageId.SOURCE, self.source),
            (PageId.COLUMNS, self.columns),
            (PageId.PREVIEW, self.preview),
            (PageId.DONE, self.done_page),
        ):
            self.setPage(page_id, page)


def open_import_wizard(
    parent: QWidget | None,
    runner: ActionRunner,
    open_unit: Callable[[int], None] | None = None,
) -> ImportWizard:
    """Show the wizard (not blocking); the caller may keep it to watch it. With
    ``open_unit``, the last page offers the clients still to complete."""
    wizard = ImportWizard(parent, runner, open_unit)
    wizard.show()
    return wizard
