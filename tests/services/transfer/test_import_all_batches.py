"""``import all`` writes sessions and payments in batches: the books it makes pass every
check (the audit log replayed against them included), and a cancel part way through,
with rows written and rows still held, leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Client, ImportedRow, LedgerTxn, Payment
from db.models import Session as SessionRecord
from desktop.services.audit.checks import run_checks
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing.everything import import_folder
from desktop.services.transfer.importing.folder_run import STEPS
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.transfer.test_export_roundtrip import _customise, build


def _exported(ws: Workspace, tmp_path: Path) -> Path:
    build(ws)
    _customise(ws)
    folder = tmp_path / "one"
    ws.read(export_all, folder)
    return folder


def _laptop(tmp_path: Path) -> Workspace:
    laptop = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    laptop.run(create_practice, Profile(practice_name="Placeholder"), user_name="Dana")
    return laptop


def _counts(session: Session) -> dict[str, int]:
    models = (Client, SessionRecord, Payment, LedgerTxn, AuditEntry, ImportedRow)
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models
    }


def test_the_books_import_all_writes_pass_every_check(workspace: Workspace, tmp_path: Path) -> None:
    folder = _exported(workspace, tmp_path)
    laptop = _laptop(tmp_path)
    try:
        laptop.run(import_folder, folder)
        counts = laptop.read(_counts)
        assert counts["sessions"] > 0
        assert counts["payments"] > 0
        assert run_checks(laptop) == []
    finally:
        laptop.close()


class _Cancelled(Exception):
    pass


def test_a_cancel_in_the_middle_of_the_payments_leaves_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = _exported(workspace, tmp_path)
    laptop = _laptop(tmp_path)
    # Past the payments' reading pass, into their recording: sessions are written, some
    # payments held by the batch.
    stop_at = (STEPS.index("payments") + 0.75) * 100
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= stop_at:
            raise _Cancelled()

    try:
        before = laptop.read(_counts)
        with pytest.raises(_Cancelled):
            laptop.run(import_folder, folder, progress=progress)
        assert max(seen) >= stop_at
        assert laptop.read(_counts) == before
        assert run_checks(laptop) == []
    finally:
        laptop.close()
