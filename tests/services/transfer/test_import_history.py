"""``import all`` replays the ledger's history only where it can be written as it was, and
refuses a history that does not add up, saying where."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import LedgerTxn
from desktop.services.books import periods
from desktop.services.books.queries import ledger_problems
from desktop.services.clients.people import list_clients
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing import ImportRejected
from desktop.services.transfer.importing.everything import import_folder
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.transfer.test_export_roundtrip import _customise, build


def _exported(ws: Workspace, tmp_path: Path) -> Path:
    build(ws)
    _customise(ws)
    folder = tmp_path / "one"
    ws.read(export_all, folder)
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")


def _voids(ws: Workspace) -> int:
    return ws.read(lambda s: s.scalar(select(func.count()).where(LedgerTxn.kind == "void")) or 0)


def _laptop(tmp_path: Path, name: str = "laptop") -> Workspace:
    laptop = Workspace.create(tmp_path / name / "books.qlb", PASSPHRASE)
    laptop.run(create_practice, Profile(practice_name="Placeholder"), user_name="Dana")
    return laptop


def test_a_history_naming_what_is_not_there_is_refused_row_by_row(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = _exported(workspace, tmp_path)
    rows = _rows(folder / "allocations.csv")
    rows[0]["payment_id"] = "999"
    _rewrite(folder / "allocations.csv", rows)
    laptop = _laptop(tmp_path)
    try:
        with pytest.raises(ImportRejected) as caught:
            laptop.run(import_folder, folder)
        assert laptop.read(list_clients) == []
    finally:
        laptop.close()
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("allocations.csv", 2, "payment_id")
    ]
    assert "no payment 999" in caught.value.problems[0].message


def test_a_history_that_does_not_add_up_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    folder = _exported(workspace, tmp_path)
    rows = _rows(folder / "allocations.csv")
    rows[0]["amount"] = "9999.00"  # more than the charge, and than the payment
    _rewrite(folder / "allocations.csv", rows)
    laptop = _laptop(tmp_path)
    try:
        with pytest.raises(ImportRejected) as caught:
            laptop.run(import_folder, folder)
    finally:
        laptop.close()
    messages = [p.message for p in caught.value.problems]
    assert messages
    assert all(m.startswith("The history files do not add up") for m in messages)
    assert any("more paid or written off than it was" in m for m in messages)


def test_an_older_export_or_books_already_kept_are_posted_by_the_rules(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Without the ids the history names entries by (an export from before it had them),
    or into books that hold entries already, the layout files are posted as before."""
    folder = _exported(workspace, tmp_path)
    held = _voids(workspace)
    assert held > 0
    laptop = _laptop(tmp_path)
    try:
        laptop.run(import_folder, folder)
        assert _voids(laptop) == held
        # Into the same books again: matched, nothing added, no void made twice.
        again = laptop.run(import_folder, folder)
        assert all(r.added == 0 for r in again if r.kind in ("sessions", "payments"))
        assert _voids(laptop) == held
    finally:
        laptop.close()
    sessions = _rows(folder / "sessions.csv")
    for row in sessions:
        del row["session_id"]
    _rewrite(folder / "sessions.csv", sessions)
    older = _laptop(tmp_path, "older")
    try:
        older.run(import_folder, folder)
        assert _voids(older) == 0
    finally:
        older.close()


def test_books_with_months_closed_are_not_written_into(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A practice with months closed, even with no entries, is posted by the rules, which
    refuse what is dated in a closed month, rather than written into."""
    folder = _exported(workspace, tmp_path)
    laptop = _laptop(tmp_path)
    try:
        laptop.run(periods.close_period, date(2024, 12, 31))
        laptop.run(import_folder, folder)
        assert _voids(laptop) == 0
        assert laptop.read(ledger_problems) == []
    finally:
        laptop.close()
