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
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
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

from desktop.services.books import queries as books
from desktop.services.transfer.importing import (
    LAYOUTS,
    HeaderCheck,
    ImportCancelled,
    ImportKind,
    ImportRejected,
    ImportResult,
    Problem,
    check_header,
    default_matches,
    preview_import,
    run_import,
)
from desktop.services.transfer.importing.everything import (
    import_folder,
    preview_folder,
    summary_line,
)
from desktop.services.workspace import Workspace
from desktop.ui import style
from desktop.ui.background import JobResult, Progress, run_in_background
from desktop.ui.formatting import money_text
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.runner import ActionRunner, action_name
from desktop.ui.widgets.tables import make_table

FOLDER = "folder"  # a whole export folder: not a layout, so not an ImportKind
NONE = "(not in the file)"
_KINDS: tuple[tuple[str, str, str], ...] = (
    (ImportKind.CLIENTS, "Clients", "one row per client; couples share a unit_ref"),
    (ImportKind.SESSIONS, "Sessions", "of clients already in the books"),
    (ImportKind.PAYMENTS, "Payments", "applied to each client's oldest charges first"),
    (ImportKind.SIMPLEPRACTICE, "SimplePractice report", "the appointment status report"),
    (FOLDER, "Everything from an export folder", "settings, clients, sessions and payments"),
)
_FILES = "Spreadsheets (*.csv *.xlsx);;All files (*)"


class PageId(IntEnum):
    SOURCE = 0
    COLUMNS = 1
    PREVIEW = 2
    DONE = 3


@dataclass
class ImportPlan:
    """What the pages have settled so far, for the pages after them."""

    kind: str = ImportKind.CLIENTS
    path: Path | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # the file's column -> layout's

    @property
    def is_folder(self) -> bool:
        return self.kind == FOLDER

    @property
    def maps_columns(self) -> bool:
        return self.kind not in (FOLDER, ImportKind.SIMPLEPRACTICE)


def _muted(label: QLabel) -> QLabel:
    style.muted(label)
    label.setWordWrap(True)
    return label


def _cancellable(progress: Progress) -> Callable[[int, int], None]:
    """The services' progress call, stopping the work (rolled back) once Cancel is pressed."""

    def report(done: int, total: int) -> None:
        if not progress(done, total):
            raise ImportCancelled()

    return report


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
        for kind, text, hint in _KINDS:
            button = QRadioButton(f"{text}  —  {hint}")
            self.group.addButton(button)
            self.buttons[kind] = button
            layout.addWidget(button)
        self.buttons[ImportKind.CLIENTS].setChecked(True)
        layout.addSpacing(style.SECTION_SPACING)
        self.path_label = QLabel("File:")
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("a .csv or .xlsx file")
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self.choose)
        row.addWidget(self.path_label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.note = _muted(QLabel())
        layout.addWidget(self.note)
        layout.addStretch(1)
        for button in self.buttons.values():
            button.toggled.connect(self._kind_changed)
        self._kind_changed()

    def kind(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())

    def _kind_changed(self) -> None:
        folder = self.kind() == FOLDER
        self.path_label.setText("Folder:" if folder else "File:")
        self.path.setPlaceholderText(
            "the folder Export everything wrote" if folder else "a .csv or .xlsx file"
        )
        self.note.setText(
            "The folder's settings, services, payment methods and insurers replace this "
            "practice's; its clients, sessions and payments are added."
            if folder
            else "Column names are matched ignoring case, spaces and underscores; the next "
            "step lets you match the ones that differ."
        )
        self.completeChanged.emit()

    def choose(self) -> None:
        start = self.path.text() or str(Path.home())
        if self.kind() == FOLDER:
            chosen = QFileDialog.getExistingDirectory(self, "Choose the export folder", start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose the file", start, _FILES)
        if chosen:
            self.path.setText(chosen)

    def chosen_path(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text).expanduser() if text else None

    def isComplete(self) -> bool:
        path = self.chosen_path()
        if path is None:
            return False
        return path.is_dir() if self.kind() == FOLDER else path.is_file()

    def validatePage(self) -> bool:
        self.plan.kind = self.kind()
        self.plan.path = self.chosen_path()
        self.plan.mapping = {}
        return True

    def nextId(self) -> int:
        return (
            PageId.COLUMNS
            if self.kind() not in (FOLDER, ImportKind.SIMPLEPRACTICE)
            else (PageId.PREVIEW)
        )


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
        self.header: tuple[str, ...] = ()
        self.read_problems: tuple[Problem, ...] = ()
        self.reading = False  # the file's header is being read in the thread pool
        self._reads = 0

    def initializePage(self) -> None:
        assert self.plan.path is not None
        self.combos = {}
        self.header = ()
        self.read_problems = ()
        self.scroll.setWidget(QWidget())
        self.status.setText("Reading the file's columns…")
        self.status.setPalette(self.palette())
        self.reading = True
        self._reads += 1
        read, kind, path = self._reads, ImportKind(self.plan.kind), self.plan.path
        run_in_background(
            self.wizard(),
            "Reading the file…",
            lambda _p: check_header(kind, path),
            lambda result: self._read(read, result),
        )

    def _read(self, read: int, result: JobResult) -> None:
        if read != self._reads:
            return  # the person went back and chose again; a newer read is on its way
        self.reading = False
        if result.error is not None or result.value is None:
            self.status.setText(str(result.error or "The file could not be read; try again."))
            return
        check: HeaderCheck = result.value
        layout = LAYOUTS[ImportKind(self.plan.kind)]
        self.header = check.file_columns
        matches = default_matches(layout, self.header)
        body = QWidget()
        form = QFormLayout(body)
        for column in layout.columns:
            combo = QComboBox()
            combo.addItem(NONE, "")
            for name in self.header:
                if name:
                    combo.addItem(name, name)
            if column in matches:
                combo.setCurrentIndex(combo.findData(matches[column]))
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            self.combos[column] = combo
            star = " *" if column in layout.required else ""
            form.addRow(f"{column}{star}", combo)
        self.scroll.setWidget(body)
        self.read_problems = check.problems if not self.header else ()
        self._changed()
        if self.combos:
            next(iter(self.combos.values())).setFocus()

    def chosen(self) -> dict[str, str]:
        """Layout column -> the file's column chosen for it."""
        return {c: combo.currentData() for c, combo in self.combos.items() if combo.currentData()}

    def mapping(self) -> dict[str, str]:
        """The file's column -> layout column; a column chosen for nothing is sent nowhere,
        so a file column that happens to share a name cannot be taken twice."""
        chosen = self.chosen()
        taken = {source: column for column, source in chosen.items()}
        return {name: taken.get(name, "") for name in self.header if name}

    def _problem(self) -> str:
        if self.read_problems:
            return self.read_problems[0].message
        layout = LAYOUTS[ImportKind(self.plan.kind)]
        chosen = self.chosen()
        missing = [c for c in layout.required if c not in chosen]
        if missing:
            return f"Choose the file's column for {', '.join(missing)}."
        sources = list(chosen.values())
        twice = sorted({s for s in sources if sources.count(s) > 1})
        if twice:
            return f"{twice[0]} is chosen for two columns; choose it once."
        return ""

    def _changed(self) -> None:
        problem = self._problem()
        if problem:
            self.status.setText(problem)
            palette = self.status.palette()
            palette.setColor(self.status.foregroundRole(), style.error_color(self))
            self.status.setPalette(palette)
        else:
            used = set(self.chosen().values())
            unused = [h for h in self.header if h and h not in used]
            self.status.setText(
                f"Not imported: {', '.join(unused)}." if unused else "Every column is used."
            )
            self.status.setPalette(self.palette())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.reading and bool(self.combos) and not self._problem()

    def validatePage(self) -> bool:
        self.plan.mapping = self.mapping()
        return True


# --- 3. preview ------------------------------------------------------------------------------

PROBLEM_COLUMNS: tuple[Column[Problem], ...] = (
    Column("File", lambda p: p.file),
    Column("Row", lambda p: str(p.row) if p.row else "", lambda p: p.row, numeric=True),
    Column("Column", lambda p: p.column),
    Column("Problem", lambda p: p.message, tooltip=lambda p: p.message),
)


@dataclass(frozen=True)
class Checked:
    """What the dry run found: every problem, or what importing would do."""

    results: tuple[ImportResult, ...]
    problems: tuple[Problem, ...]


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

    def work_plan(self) -> ImportPlan:
        """A copy for the worker thread, which must not see later changes."""
        return ImportPlan(self.plan.kind, self.plan.path, dict(self.plan.mapping))


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
        self.checked: Checked | None = None
        self.running = False

    def initializePage(self) -> None:
        if self.running:
            return
        self.again.hide()
        self.checked = None
        self.show_problems(())
        self.summary.setText("Checking every row…")
        ws = self.runner.workspace
        if ws is None:
            self.summary.setText("The practice file is locked; unlock it and start again.")
            return
        plan = self.work_plan()
        self.running = True
        run_in_background(
            self.wizard(), "Checking the file…", lambda p: dry_run(ws, plan, p), self._checked
        )

    def _checked(self, result: JobResult) -> None:
        self.running = False
        if result.error is not None:
            self.summary.setText(str(result.error))
            self.again.show()
            self.completeChanged.emit()
            return
        self.checked = result.value
        assert self.checked is not None
        if self.checked.problems:
            count = len(self.checked.problems)
            self.setSubTitle("Fix these in the file, save it, then check again.")
            self.again.show()
            self.summary.setText(
                f"{count} problem{'s' if count != 1 else ''} to fix first; nothing will be "
                "imported until there are none."
            )
            self.show_problems(self.checked.problems)
        else:
            self.setSubTitle("No problems. Press Import to bring it in, all in one go.")
            self.summary.setText(
                "\n".join(summary_line(r, dry_run=True) for r in self.checked.results)
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.checked is not None and not self.checked.problems


def dry_run(ws: Workspace, plan: ImportPlan, progress: Progress) -> Checked:
    """The whole import, undone: what it would do, or every problem (in the thread pool)."""
    report = _cancellable(progress)
    assert plan.path is not None
    if plan.is_folder:
        folder = ws.read(preview_folder, plan.path, progress=report)
        return Checked(folder.results, folder.problems)
    one = ws.read(
        preview_import, ImportKind(plan.kind), plan.path, plan.mapping or None, progress=report
    )
    return Checked((one.result,) if one.result is not None else (), one.problems)


# --- 4. import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    results: tuple[ImportResult, ...]
    owed: Decimal
    credit: Decimal


def do_import(ws: Workspace, plan: ImportPlan, progress: Progress) -> Imported:
    """Import for real, in one transaction; then what the clients owe (in the thread pool)."""
    report = _cancellable(progress)
    assert plan.path is not None
    if plan.is_folder:
        results = ws.run(import_folder, plan.path, progress=report)
    else:
        kind = ImportKind(plan.kind)
        results = (ws.run(run_import, kind, plan.path, plan.mapping or None, progress=report),)
    balances = ws.read(books.balances).values()
    owed = sum((b.owed for b in balances), Decimal("0"))
    credit = sum((b.credit for b in balances), Decimal("0"))
    return Imported(tuple(results), owed, credit)


class DonePage(_ReportPage):
    def __init__(self, plan: ImportPlan, runner: ActionRunner) -> None:
        super().__init__(plan, runner, "Importing")
        self.imported: Imported | None = None
        self.finished = False

    def initializePage(self) -> None:
        self.finished = False
        self.summary.setText("Importing…")
        ws = self.runner.workspace
        if ws is None:
            self._show_error("The practice file is locked; unlock it and start again.")
            return
        plan = self.work_plan()
        run_in_background(
            self.wizard(), "Importing…", lambda p: do_import(ws, plan, p), self._imported
        )

    def _imported(self, result: JobResult) -> None:
        self.finished = True
        if isinstance(result.error, ImportRejected):
            # The books changed between the check and the import; say what stopped it.
            self._show_error(str(result.error))
            self.show_problems(result.error.problems)
        elif result.error is not None:
            self._show_error(str(result.error))
        else:
            self.imported = result.value
            assert self.imported is not None
            self.setTitle("Imported")
            lines = [summary_line(r, dry_run=False) for r in self.imported.results]
            lines.append(
                f"Clients now owe {money_text(self.imported.owed)} in all; "
                f"{money_text(self.imported.credit)} is credit waiting to be used."
            )
            self.summary.setText("\n".join(lines))
            self.runner.books_changed.emit(action_name(run_import))
        self.completeChanged.emit()

    def _show_error(self, message: str) -> None:
        self.setTitle("Not imported")
        self.summary.setText(message)

    def isComplete(self) -> bool:
        return self.finished


class ImportWizard(QWizard):
    def __init__(self, parent: QWidget | None, runner: ActionRunner) -> None:
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
        self.done_page = DonePage(self.plan, runner)
        for page_id, page in (
            (PageId.SOURCE, self.source),
            (PageId.COLUMNS, self.columns),
            (PageId.PREVIEW, self.preview),
            (PageId.DONE, self.done_page),
        ):
            self.setPage(page_id, page)


def open_import_wizard(parent: QWidget | None, runner: ActionRunner) -> ImportWizard:
    """Show the wizard (not blocking); the caller may keep it to watch it."""
    wizard = ImportWizard(parent, runner)
    wizard.show()
    return wizard
