"""The import wizard and Export everything, driven as a person would: a renamed column,
a row with a problem (Import stays disabled), the fixed file imported, the folder written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop.forms.import_plan import FOLDER
from desktop.services.books import queries as books
from desktop.services.changes import Changes, Topic
from desktop.services.clients.people import list_clients
from desktop.services.clients.units import list_units
from desktop.services.practice.settings import Profile, create_practice, get_profile
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing import ImportKind, run_import
from desktop.services.workspace import Workspace
from desktop.ui.dialogs.import_wizard import NONE, ImportWizard, PageId
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings import SettingsPage
from desktop.ui.runner import ActionRunner
from tests.paths import FIXTURES
from tests.ui.conftest import UI_PASSPHRASE, RecordingInteraction


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _sessions(path: Path, second_date: str) -> Path:
    return _write(
        path,
        [
            ["Client ID", "Date", "Service Code", "Fee", "Room"],
            ["P-1", "2025-03-03", "90834", "150.00", "2"],
            ["P-1", second_date, "90834", "150.00", "2"],
        ],
    )


def _wait_for_check(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: not wizard.preview.running, timeout=20000)


def test_a_renamed_column_is_matched_a_problem_blocks_and_the_fixed_file_imports(
    qtbot: QtBot, runner: ActionRunner, ui_workspace: Workspace, tmp_path: Path
) -> None:
    people = _write(tmp_path / "people.csv", [["client_ref", "last_name"], ["P-1", "Penrose"]])
    ui_workspace.run(run_import, ImportKind.CLIENTS, people)
    visits = _sessions(tmp_path / "visits.csv", "2025-03-32")
    changed: list[Changes] = []
    runner.books_changed.connect(changed.append)

    wizard = ImportWizard(None, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.source.buttons[ImportKind.SESSIONS].setChecked(True)
    assert not wizard.source.isComplete()
    wizard.source.path.setText(str(visits))
    assert wizard.source.isComplete()
    wizard.next()

    assert wizard.currentId() == PageId.COLUMNS
    assert not wizard.columns.isComplete()  # until the file's header is read, off this thread
    qtbot.waitUntil(lambda: not wizard.columns.reading, timeout=20000)
    combos = wizard.columns.combos
    # Matched by name, ignoring case and spaces/underscores; "Client ID" is not client_ref.
    assert combos["date"].currentText() == "Date"
    assert combos["service_code"].currentText() == "Service Code"
    assert combos["client_ref"].currentText() == NONE
    assert not wizard.columns.isComplete()
    assert "client_ref" in wizard.columns.status.text()
    combos["client_ref"].setCurrentText("Client ID")
    assert wizard.columns.isComplete()
    assert wizard.columns.status.text() == "Not imported: Room."
    wizard.next()

    _wait_for_check(qtbot, wizard)
    assert wizard.currentId() == PageId.PREVIEW
    problems = wizard.preview.model.rows()
    assert [(p.file, p.row, p.column) for p in problems] == [("visits.csv", 3, "date")]
    assert "not a date" in problems[0].message
    assert not wizard.preview.isComplete()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()

    wizard.back()
    assert combos["client_ref"].currentText() == "Client ID"  # the choice is kept
    wizard.next()
    _wait_for_check(qtbot, wizard)
    assert not wizard.preview.isComplete()
    _sessions(visits, "2025-03-10")  # fixed and saved
    assert wizard.preview.again.isVisibleTo(wizard)
    wizard.preview.again.click()
    _wait_for_check(qtbot, wizard)
    assert not wizard.preview.again.isVisibleTo(wizard)
    assert wizard.preview.isComplete()
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert "would add 2" in wizard.preview.summary.text()
    assert _owed(runner, "P-1") == 0
    assert changed == []  # the checks were dry runs: nothing changed, nobody was told

    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished, timeout=20000)
    text = wizard.done_page.summary.text()
    assert "visits.csv: 2 rows; added 2; 0 already imported." in text
    assert "Clients now owe $300.00 in all" in text
    assert _owed(runner, "P-1") == 300
    # Every page hears, once, which kinds of records the import wrote.
    assert len(changed) == 1
    assert {Topic.SESSIONS, Topic.MONEY} <= changed[0]


def _owed(runner: ActionRunner, ref: str) -> Decimal:
    units = runner.read(list_units, None, True)
    balances = runner.read(books.balances)
    assert units is not None
    assert balances is not None
    unit = next(u.unit_id for u in units if u.ref == ref)
    balance = balances.get(unit)
    return balance.owed if balance is not None else Decimal(0)


def test_export_everything_writes_the_folder_and_says_where(
    qtbot: QtBot, window: MainWindow, interaction: RecordingInteraction, tmp_path: Path
) -> None:
    shortcuts = {a.shortcut().toString(): a.text() for a in window.findChildren(QAction)}
    assert shortcuts[QKeySequence("Ctrl+Shift+E").toString()] == "&Export everything…"
    assert shortcuts[QKeySequence("Ctrl+Shift+I").toString()] == "&Import…"
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.data.ask_folder = lambda: tmp_path  # type: ignore[method-assign]
    page.start_export()
    assert page.tabs.currentWidget() is page.data
    qtbot.waitUntil(lambda: page.data.last_export is not None, timeout=30000)
    result = page.data.last_export
    assert result is not None
    assert result.folder.parent == tmp_path
    assert result.folder.name.startswith("Quiet Ledger export ")
    assert {"clients.csv", "sessions.csv", "payments.csv", "export.xlsx"} <= {
        p.name for p in result.folder.iterdir()
    }
    assert interaction.infos[-1] == f"Exported {len(result.files)} files to {result.folder}."
    assert str(result.folder) in page.data.export_status.text()
    # A second export the same day goes beside the first, never into it.
    page.start_export()
    qtbot.waitUntil(lambda: page.data.last_export is not result, timeout=30000)
    assert page.data.last_export is not None
    assert page.data.last_export.folder.name.endswith("(2)")


def test_an_export_folder_comes_in_without_a_columns_step(
    qtbot: QtBot, ui_workspace: Workspace, tmp_path: Path, profile: Profile
) -> None:
    people = _write(
        tmp_path / "people.csv",
        [
            ["client_ref", "last_name", "unit_ref"],
            ["P-1", "Penrose", "PAIR"],
            ["P-2", "Ames", "PAIR"],
        ],
    )
    visits = _write(
        tmp_path / "visits.csv",
        [["client_ref", "date", "service_code", "fee"], ["PAIR", "2025-03-03", "90847", "200"]],
    )
    ui_workspace.run(run_import, ImportKind.CLIENTS, people)
    ui_workspace.run(run_import, ImportKind.SESSIONS, visits)
    out = tmp_path / "export"
    ui_workspace.read(export_all, out)
    laptop = Workspace.create(tmp_path / "laptop" / "books.qlb", UI_PASSPHRASE)
    try:
        laptop.run(create_practice, Profile(practice_name="Placeholder"))
        fresh = ActionRunner(laptop, RecordingInteraction())
        wizard = ImportWizard(None, fresh)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.source.buttons[FOLDER].setChecked(True)
        wizard.source.path.setText(str(people))
        assert not wizard.source.isComplete()  # a file is not a folder
        wizard.source.path.setText(str(out))
        wizard.next()
        _wait_for_check(qtbot, wizard)
        assert wizard.currentId() == PageId.PREVIEW
        assert "clients.csv: 2 rows; would add 2 and 1 couple or family" in (
            wizard.preview.summary.text()
        )
        wizard.next()
        qtbot.waitUntil(lambda: wizard.done_page.finished, timeout=20000)
        assert "Clients now owe $200.00 in all" in wizard.done_page.summary.text()
        assert laptop.read(get_profile) == profile
    finally:
        laptop.close()


def test_a_simplepractice_report_needs_no_column_matching(
    qtbot: QtBot, runner: ActionRunner
) -> None:
    report = (
        Path(__file__).parent.parent
        / "fixtures"
        / "import"
        / ("simplepractice_appointment_status.csv")
    )
    wizard = ImportWizard(None, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.source.buttons[ImportKind.SIMPLEPRACTICE].setChecked(True)
    wizard.source.path.setText(str(report))
    wizard.next()
    _wait_for_check(qtbot, wizard)
    assert wizard.currentId() == PageId.PREVIEW
    assert wizard.preview.isComplete(), wizard.preview.summary.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished, timeout=20000)
    assert wizard.done_page.title() == "Imported"
    assert runner.read(list_clients)


def test_a_report_without_status_is_imported_only_once_every_row_is_said_attended(
    qtbot: QtBot, runner: ActionRunner
) -> None:
    report = Path(__file__).parent.parent / "fixtures" / "import" / "simplepractice_no_status.csv"
    wizard = ImportWizard(None, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.source.attended.isVisible()
    wizard.source.buttons[ImportKind.SIMPLEPRACTICE].setChecked(True)
    assert wizard.source.attended.isVisible()
    wizard.source.path.setText(str(report))
    wizard.next()
    _wait_for_check(qtbot, wizard)
    assert not wizard.preview.isComplete()
    assert "no Status column" in wizard.preview.model.rows()[0].message
    wizard.back()
    wizard.source.attended.setChecked(True)
    wizard.next()
    _wait_for_check(qtbot, wizard)
    assert wizard.preview.isComplete(), wizard.preview.summary.text()
    assert "dated on its appointment's date of service" in wizard.preview.summary.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished, timeout=20000)
    assert wizard.done_page.title() == "Imported"


def test_after_a_simplepractice_import_the_list_goes_straight_to_a_client(
    qtbot: QtBot, window: MainWindow
) -> None:
    report = FIXTURES / "import" / "simplepractice_appointment_status.csv"
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.start_import()
    wizard = page.data.wizard
    assert wizard is not None
    wizard.source.buttons[ImportKind.SIMPLEPRACTICE].setChecked(True)
    wizard.source.path.setText(str(report))
    wizard.next()
    _wait_for_check(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished, timeout=20000)
    assert wizard.done_page.to_complete.isVisible()
    wizard.done_page.to_complete.click()
    assert not wizard.isVisible()
    listed = wizard.done_page.list
    assert listed is not None
    rows = listed.model.rows()
    assert {(c.client_ref, c.missing) for c in rows} == {
        ("SP-OKONKWO-JUNIPER", ("date of birth", "address", "member ID", "diagnosis")),
        ("SP-MARLOW-TENNANT", ("date of birth", "address")),
    }
    assert listed.summary.text().startswith("2 clients still lack")
    listed.table.selectRow(next(i for i, c in enumerate(rows) if c.client_ref[3] == "M"))
    listed.open_button.click()
    assert not listed.isVisible()
    clients = window.page("clients")
    assert window.current_page() is clients
    assert clients.detail.unit is not None  # type: ignore[attr-defined]
    assert clients.detail.unit.ref == "SP-MARLOW-TENNANT"  # type: ignore[attr-defined]
