"""Anchors: the chain head a month-end workbook and a month close record, and the proof
(``quietledger check --against``) that the chain still passes through it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from desktop.app.cli import main
from desktop.reports.month_end_workbook import read_chain_head
from desktop.services.audit import checks
from desktop.services.audit import log as audit_log
from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.month_end import close as month_end_close
from desktop.services.month_end import workbook as month_end
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit
from tests.conftest import PASSPHRASE
from tests.tampering import rehash_with_key

MARCH = month_end.month("2026-03")
TODAY = date(2026, 11, 23)


@pytest.fixture
def march(workspace: Workspace) -> Workspace:
    unit = workspace.run(add_unit, "A1", "Avery Stone")
    workspace.run(
        record_session, SessionInput(unit, date(2026, 3, 2), "90837", fee=Decimal("150.00"))
    )
    return workspace


def test_the_workbook_records_the_head_and_check_proves_it(
    march: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = tmp_path / "march.xlsx"
    month_end.export_month_end(march, MARCH, book, today=TODAY)
    head = march.read(audit_log.chain_head)
    assert head is not None
    assert read_chain_head(book) == (head.entry_id, head.entry_hash)
    path = march.path
    march.close()
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    assert main(["check", "--db", str(path), "--against", str(book)]) == 0
    assert f"passes through entry {head.entry_id}" in capsys.readouterr().out
    rehash_with_key(path, edit_entry=2)
    assert main(["check", "--db", str(path), "--against", str(book)]) == 1
    out = capsys.readouterr().out
    assert f"Audit entry {head.entry_id} is not the one the workbook march.xlsx saw" in out


def test_check_against_a_file_that_is_neither_says_so(
    march: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    assert main(["check", "--db", str(march.path), "--against", str(other)]) == 1
    assert "notes.txt is not a Quiet Ledger backup file" in capsys.readouterr().err


def test_a_close_records_the_head_it_saw_and_check_holds_the_log_to_it(
    march: Workspace,
) -> None:
    before = march.read(audit_log.chain_head)
    result = month_end_close.close_month(march, MARCH, today=TODAY)
    assert result.closed
    assert result.chain_head == (before.entry_id, before.entry_hash)
    closing = march.read(
        lambda s: s.execute(
            select(AuditEntry.after_json).where(AuditEntry.action == "close")
        ).scalar_one()
    )
    assert json.loads(closing)["audit_head"] == {
        "entry": before.entry_id,
        "hash": before.entry_hash,
    }
    assert checks.run_checks(march) == []
    path = march.path
    march.close()
    rehash_with_key(path, edit_entry=2)  # the chain verifies; the close's head does not
    with Workspace.open(path, passphrase=PASSPHRASE) as ws:
        problems = checks.run_checks(ws)
    assert problems == [
        f"Audit entry {before.entry_id} is not the one the close of the books through "
        f"03/31/2026 (audit entry {before.entry_id + 1}, {date.today():%m/%d/%Y}) saw: the "
        "log was rewritten at or before it since; restore the file from a backup made "
        "before it was changed."
    ]
