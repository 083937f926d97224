"""The jobs the window starts, run without Qt: the same work as the use case behind each,
what Cancel leaves, and which kinds of records each says it changed (what the pages hear)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import Document
from desktop.services.backups.backup import backup_job, list_backups
from desktop.services.backups.restore import restore_job
from desktop.services.changes import NOTHING, Topic
from desktop.services.clients.people import list_clients
from desktop.services.documents import statements, superbills
from desktop.services.month_end.workbook import export_month_end_job, month_of
from desktop.services.practice.passphrase import change_passphrase, passphrase_problem
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.export_everything import export_everything_job, export_folder_in
from desktop.services.transfer.exporting import ExportCancelled
from desktop.services.transfer.importing import ImportCancelled, ImportKind
from desktop.services.transfer.importing.jobs import ImportSource, check_job, import_job
from desktop.services.workspace import UnlockFailed, Workspace
from tests.conftest import PASSPHRASE
from tests.services.documents.test_statement_service import books_of_ana
from tests.services.documents.test_superbill_service import month_of_clients


def _documents(ws: Workspace) -> list[Document]:
    return list(ws.read(lambda s: s.scalars(select(Document)).all()))


# --- documents --------------------------------------------------------------------------


def test_the_month_batch_job_issues_as_the_use_case_does(workspace: Workspace) -> None:
    workspace.run(month_of_clients)
    job = superbills.issue_month_job(2026, 2)
    assert job.label == "Issuing superbills…"
    done = job.run(workspace)
    assert [d.unit_ref for d in done.value.issued] == ["A1"]
    assert {s.unit_ref: s.reasons for s in done.value.skipped} == {
        "B1": ("Warning: The member ID is missing; insurers often return claims without it.",),
        "C1": ("Error: Enter the client's date of birth.",),
    }
    assert done.value.pdf is not None
    # The superbill, the claim it starts, and the audit entries: the pages hear of each.
    assert {Topic.DOCUMENTS, Topic.CLAIMS, Topic.AUDIT} <= done.changes
    assert Topic.SESSIONS not in done.changes


def test_a_cancelled_month_batch_job_stores_and_reports_nothing(workspace: Workspace) -> None:
    workspace.run(month_of_clients)
    done = superbills.issue_month_job(2026, 2).run(workspace, lambda d, _t: d < 1)
    assert done.value.cancelled
    assert _documents(workspace) == []
    assert Topic.DOCUMENTS not in done.changes


def test_the_statements_job_goes_to_everyone_who_owes(workspace: Workspace) -> None:
    owing = workspace.run(books_of_ana)
    job = statements.issue_statements_job(date(2026, 2, 28))
    assert job.label == "Issuing statements…"
    cancelled = job.run(workspace, lambda _d, _t: False)
    assert cancelled.value.cancelled
    assert _documents(workspace) == []
    done = job.run(workspace)
    assert [d.unit_id for d in done.value.issued] == [owing]
    assert done.value.pdf is not None
    assert Topic.DOCUMENTS in done.changes


# --- export and import ------------------------------------------------------------------


def test_export_everything_goes_to_a_new_folder_and_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(books_of_ana)
    out = export_folder_in(tmp_path, date(2026, 3, 31))
    assert out.name == "Quiet Ledger export 2026-03-31"
    with pytest.raises(ExportCancelled):
        export_everything_job(out).run(workspace, lambda done, _t: done < 2)
    assert not out.exists()
    done = export_everything_job(out).run(workspace)
    assert done.value.folder == out
    assert "A1,Ana,,Lopez" in (out / "clients.csv").read_text("utf-8")  # no middle name
    assert done.changes == NOTHING
    assert export_folder_in(tmp_path, date(2026, 3, 31)).name == (
        "Quiet Ledger export 2026-03-31 (2)"
    )


def _clients_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "last_name", "first_name"])
        writer.writerow(["P-1", "Penrose", "Pat"])
        writer.writerow(["P-2", "Ames", "Ari"])
    return path


def test_the_check_job_changes_nothing_and_the_import_job_brings_the_file_in(
    workspace: Workspace, tmp_path: Path
) -> None:
    people = _clients_file(tmp_path / "people.csv")
    source = ImportSource(ImportKind.CLIENTS, people, {"Ref": "client_ref"})
    checked = check_job(source).run(workspace)
    assert checked.value.problems == ()
    assert [r.added for r in checked.value.results] == [2]
    # The dry run wrote and rolled back: nothing changed, so nothing is reported.
    assert checked.changes == NOTHING
    assert workspace.read(list_clients) == []

    with pytest.raises(ImportCancelled):
        import_job(source).run(workspace, lambda _d, _t: False)
    assert workspace.read(list_clients) == []

    done = import_job(source).run(workspace)
    assert [r.added for r in done.value.results] == [2]
    assert (done.value.owed, done.value.credit) == (Decimal(0), Decimal(0))
    assert Topic.CLIENTS in done.changes
    assert sorted(c.client_ref for c in workspace.read(list_clients)) == ["P-1", "P-2"]


def test_an_import_source_without_a_kind_is_an_export_folder(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(books_of_ana)
    out = tmp_path / "export"
    export_everything_job(out).run(workspace)
    laptop = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    try:
        laptop.run(create_practice, Profile(practice_name="Placeholder"))
        source = ImportSource(None, out)
        assert source.is_folder
        assert check_job(source).run(laptop).value.problems == ()
        done = import_job(source).run(laptop)
        assert done.value.owed == Decimal("170.00")
        assert {Topic.CLIENTS, Topic.SESSIONS, Topic.MONEY, Topic.PRACTICE} <= done.changes
    finally:
        laptop.close()


# --- month end --------------------------------------------------------------------------


def test_the_workbook_job_writes_the_month_and_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(books_of_ana)
    path = tmp_path / "month-end.xlsx"
    job = export_month_end_job(month_of(date(2026, 2, 1)), path)
    assert job.label == "Writing the workbook for February 2026…"
    done = job.run(workspace)
    assert done.value.path == path
    assert done.value.ties
    assert load_workbook(path).sheetnames[0] == "Cover"
    assert done.changes == NOTHING


# --- backups and the passphrase ---------------------------------------------------------


def test_the_backup_job_backs_up_and_a_restore_job_restores_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(books_of_ana)
    folder = tmp_path / "drive"
    folder.mkdir()
    done = backup_job(folder).run(workspace)
    assert [b.path for b in list_backups(folder)] == [done.value.info.path]
    assert done.changes == NOTHING

    dest = tmp_path / "restored" / "books.qlb"
    restored = restore_job(done.value.info.path, dest).run(workspace)
    assert restored.value.path == dest
    assert workspace.is_open  # the open file is untouched
    # The restored file opens with the open practice's recovery key, and its passphrase.
    with Workspace.open(dest, recovery_key=workspace.recovery_key()) as opened:
        assert [c.client_ref for c in opened.read(list_clients)] == ["A1"]
    with Workspace.open(dest, passphrase=PASSPHRASE) as opened:
        assert [c.client_ref for c in opened.read(list_clients)] == ["A1"]


def test_changing_the_passphrase(workspace: Workspace, practice_path: Path) -> None:
    assert passphrase_problem("short") is not None
    new = "lantern orchard pebble quietly"
    assert passphrase_problem(new) is None
    change_passphrase(workspace, new)
    workspace.close()
    with pytest.raises(UnlockFailed):
        Workspace.open(practice_path, passphrase=PASSPHRASE)
    with Workspace.open(practice_path, passphrase=new) as reopened:
        assert reopened.is_open
