"""The import wizard's screen state, driven without Qt: choosing the file, matching its
columns, the check's verdict, and what the last page says."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.forms.import_plan import FOLDER, KINDS, ImportPlan, Status
from desktop.services.transfer.importing import ImportKind, ImportResult, Problem, check_header
from desktop.services.transfer.importing.jobs import Checked, Imported


def _visits(path: Path, header: str = "Client ID,Date,Service Code,Fee,Room") -> Path:
    path.write_text(f"{header}\r\nP-1,2025-03-03,90834,150.00,2\r\n", encoding="utf-8")
    return path


def _header_read(plan: ImportPlan) -> None:
    assert plan.path is not None
    read = plan.reading_header()
    assert plan.header_read(read, check_header(ImportKind(plan.kind), plan.path))


def test_the_plan_is_plain_python() -> None:
    """Loading it loads no Qt (pytest-qt has loaded Qt here, so ask a fresh interpreter)."""
    probe = (
        "import sys, desktop.forms.import_plan; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6'}))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[]"


def test_choosing_what_and_where(tmp_path: Path) -> None:
    plan = ImportPlan()
    assert [c.kind for c in KINDS] == [*ImportKind, FOLDER]
    assert plan.kind == ImportKind.CLIENTS
    assert (plan.path_label, plan.path_hint) == ("File:", "a .csv or .xlsx file")
    assert plan.note.startswith("Column names are matched ignoring case")
    assert not plan.source_complete
    visits = _visits(tmp_path / "visits.csv")
    plan.choose_path(f"  {visits}  ")
    assert plan.path == visits
    assert plan.source_complete
    assert plan.maps_columns

    plan.choose_kind(FOLDER)
    assert not plan.source_complete  # a file is not a folder
    assert (plan.path_label, plan.path_hint) == ("Folder:", "the folder Export everything wrote")
    assert plan.note.startswith("The folder's settings, services, payment methods")
    assert not plan.maps_columns
    plan.choose_path(str(tmp_path))
    assert plan.source_complete
    source = plan.source()
    assert (source.kind, source.path, source.mapping, source.is_folder) == (
        None,
        tmp_path,
        {},
        True,
    )

    plan.choose_kind(ImportKind.SIMPLEPRACTICE)
    assert not plan.maps_columns
    plan.choose_path("")
    assert not plan.source_complete


def test_matching_the_columns(tmp_path: Path) -> None:
    plan = ImportPlan()
    plan.choose_kind(ImportKind.SESSIONS)
    plan.choose_path(str(_visits(tmp_path / "visits.csv")))
    read = plan.reading_header()
    assert plan.reading
    assert plan.columns_status() == Status("Reading the file's columns…")
    assert not plan.columns_complete
    assert plan.header_read(read, check_header(ImportKind.SESSIONS, tmp_path / "visits.csv"))
    assert not plan.reading
    assert plan.file_columns == ("Client ID", "Date", "Service Code", "Fee", "Room")
    # Matched by name, ignoring case and spaces/underscores; "Client ID" is not client_ref.
    assert plan.chosen == {"date": "Date", "service_code": "Service Code", "fee": "Fee"}
    assert plan.columns_status() == Status("Choose the file's column for client_ref.", True)
    assert not plan.columns_complete

    plan.choose("client_ref", "Client ID")
    assert plan.columns_complete
    assert plan.columns_status() == Status("Not imported: Room.")
    assert plan.mapping() == {
        "Client ID": "client_ref",
        "Date": "date",
        "Service Code": "service_code",
        "Fee": "fee",
        "Room": "",  # chosen for nothing, so taken by nothing (not even by its name)
    }
    source = plan.source()
    assert (source.kind, source.mapping) == (ImportKind.SESSIONS, plan.mapping())
    plan.choose("client_ref", "Client ID")
    source.mapping["Room"] = "minutes"  # the copy the worker has cannot reach back
    assert plan.mapping()["Room"] == ""

    plan.choose("minutes", "Date")
    assert plan.columns_status() == Status("Date is chosen for two columns; choose it once.", True)
    assert not plan.columns_complete
    plan.choose("minutes", "")
    assert plan.columns_complete
    plan.choose("room", "Room")
    assert plan.columns_status() == Status("Every column is used.")


def test_a_newer_read_wins_and_an_unreadable_file_says_so(tmp_path: Path) -> None:
    plan = ImportPlan()
    plan.choose_path(str(_visits(tmp_path / "people.csv", "client_ref,last_name")))
    first = plan.reading_header()
    second = plan.reading_header()  # the person went back and chose again
    check = check_header(ImportKind.CLIENTS, tmp_path / "people.csv")
    assert not plan.header_read(first, check)
    assert plan.reading
    assert not plan.header_unreadable(first, "gone")
    assert plan.header_read(second, check)
    assert plan.columns_complete

    third = plan.reading_header()
    assert plan.chosen == {}  # forgotten until the file is read again
    assert plan.header_unreadable(third, "")
    assert plan.columns_status() == Status("The file could not be read; try again.")
    assert not plan.columns_complete


def test_a_header_the_file_cannot_give_is_the_problem_shown(tmp_path: Path) -> None:
    plan = ImportPlan()
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    plan.choose_path(str(empty))
    _header_read(plan)
    assert plan.header == ()
    status = plan.columns_status()
    assert status.problem
    assert status.text == plan.read_problems[0].message
    assert not plan.columns_complete


RESULT = ImportResult("sessions", "visits.csv", rows=2, added=2, skipped=0, ignored_columns=())


def test_import_is_allowed_only_after_a_check_without_problems() -> None:
    plan = ImportPlan()
    plan.checking()
    assert plan.check_summary() == "Checking every row…"
    assert plan.check_advice() is None
    assert not plan.can_import
    assert not plan.may_check_again

    problem = Problem("visits.csv", 3, "date", "2025-03-32 is not a date.")
    plan.check_done(Checked((), (problem, problem)))
    assert not plan.can_import
    assert plan.problems == (problem, problem)
    assert plan.may_check_again
    assert plan.check_summary() == (
        "2 problems to fix first; nothing will be imported until there are none."
    )
    assert plan.check_advice() == "Fix these in the file, save it, then check again."

    plan.check_failed("The practice file is busy; try again in a moment.")
    assert not plan.can_import
    assert plan.may_check_again
    assert plan.check_summary() == "The practice file is busy; try again in a moment."

    plan.check_done(Checked((RESULT,), ()))
    assert plan.can_import
    assert not plan.may_check_again
    assert plan.check_summary() == "visits.csv: 2 rows; would add 2; 0 already imported."
    assert plan.check_advice() == "No problems. Press Import to bring it in, all in one go."


@pytest.mark.parametrize("problems", [(), (Problem("visits.csv", 2, "client_ref", "Unknown."),)])
def test_what_the_last_page_says(problems: tuple[Problem, ...]) -> None:
    plan = ImportPlan()
    plan.importing()
    assert (plan.import_title(), plan.import_summary()) == ("Importing", "Importing…")
    assert not plan.import_finished
    plan.import_failed("Row 2 of visits.csv names a client the books do not have.", problems)
    assert plan.import_finished
    assert plan.import_title() == "Not imported"
    assert plan.import_summary().startswith("Row 2 of visits.csv")
    assert plan.import_problems == problems

    plan.importing()
    plan.import_done(Imported((RESULT,), Decimal("300"), Decimal("25.5")))
    assert plan.import_finished
    assert plan.import_title() == "Imported"
    assert plan.import_summary() == (
        "visits.csv: 2 rows; added 2; 0 already imported.\n"
        "Clients now owe $300.00 in all; $25.50 is credit waiting to be used."
    )
