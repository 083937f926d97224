"""Restore: into a new file, or over the current one after a safety copy; never half-done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from crash_writer import add_client, post_history, post_visit

from db.keys import key_file_for
from desktop.app.cli import main
from desktop.services.audit.checks import run_checks
from desktop.services.backups.backup import make_backup
from desktop.services.backups.fingerprint import BooksFingerprint, fingerprint
from desktop.services.backups.restore import RestoreFailed, restore_backup, restore_over
from desktop.services.books.queries import LedgerLine, aging, ledger_lines
from desktop.services.errors import NotAllowed
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE

TODAY = date.today()
WEEK_AGO = TODAY - timedelta(days=7)


@dataclass(frozen=True)
class WeekOld:
    ws: Workspace
    backup: Path
    units: list[int]
    at_backup: BooksFingerprint  # the books the moment the backup was made
    lines_at_backup: dict[int, list[LedgerLine]]


@pytest.fixture
def week_old(workspace: Workspace, tmp_path: Path) -> WeekOld:
    """Books as they were a week ago, their backup, then a week of new work."""
    units = [add_client(workspace, name) for name in ("Rivera", "Okafor")]
    post_history(workspace, units, WEEK_AGO - timedelta(days=70), weeks=10)
    folder = tmp_path / "backups"
    folder.mkdir()
    at_backup = workspace.read(fingerprint, TODAY)
    lines = {u: workspace.read(ledger_lines, u) for u in units}
    backup = make_backup(workspace, folder).info.path
    post_history(workspace, units, WEEK_AGO + timedelta(days=1), weeks=1)
    post_visit(workspace, units[0], TODAY, paid=False)
    return WeekOld(workspace, backup, units, at_backup, lines)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_week_old_backup_restores_the_books_exactly_as_they_were(
    week_old: WeekOld, tmp_path: Path
) -> None:
    ws = week_old.ws
    now = ws.read(fingerprint, TODAY)
    assert now != week_old.at_backup  # the week's work really changed the books
    dest = tmp_path / "restored" / "books.qlb"
    result = restore_backup(week_old.backup, dest, passphrase=PASSPHRASE)
    assert result.path == dest
    assert result.safety_copy is None
    assert files_in(dest.parent) == ["books.qlb", "books.qlb.keys"]
    with Workspace.open(dest, passphrase=PASSPHRASE) as restored:
        assert run_checks(restored) == []
        assert restored.read(fingerprint, TODAY) == week_old.at_backup
        lines = {u: restored.read(ledger_lines, u) for u in week_old.units}
        assert lines == week_old.lines_at_backup
        # Reports dated before the new work agree with the current file too.
        assert restored.read(aging, WEEK_AGO) == ws.read(aging, WEEK_AGO)
    assert dest.stat().st_mode & 0o777 == 0o600
    assert key_file_for(dest).stat().st_mode & 0o777 == 0o600


def test_restore_never_replaces_an_existing_file(week_old: WeekOld, tmp_path: Path) -> None:
    ws, backup = week_old.ws, week_old.backup
    before = ws.path.read_bytes()
    with pytest.raises(RestoreFailed) as caught:
        restore_backup(backup, ws.path, passphrase=PASSPHRASE)
    assert "already exists" in str(caught.value)
    assert ws.path.read_bytes() == before
    # A key file alone also counts: it belongs to some other practice file.
    lone = tmp_path / "lone" / "books.qlb"
    lone.parent.mkdir()
    key_file_for(lone).write_text("{}")
    with pytest.raises(RestoreFailed):
        restore_backup(backup, lone, passphrase=PASSPHRASE)
    assert files_in(lone.parent) == ["books.qlb.keys"]


def test_a_wrong_passphrase_restores_nothing(week_old: WeekOld, tmp_path: Path) -> None:
    backup = week_old.backup
    dest = tmp_path / "new" / "books.qlb"
    with pytest.raises(RestoreFailed) as caught:
        restore_backup(backup, dest, passphrase="not the passphrase at all")
    assert "passphrase does not open" in str(caught.value)
    assert files_in(dest.parent) == []


@pytest.mark.parametrize("damage", ["flip", "cut"])
def test_a_damaged_backup_restores_nothing(week_old: WeekOld, tmp_path: Path, damage: str) -> None:
    backup = week_old.backup
    data = bytearray(backup.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    else:
        del data[-4096:]
    backup.write_bytes(bytes(data))
    dest = tmp_path / "new" / "books.qlb"
    with pytest.raises(RestoreFailed) as caught:
        restore_backup(backup, dest, passphrase=PASSPHRASE)
    assert "Nothing was restored" in str(caught.value)
    assert files_in(dest.parent) == []


def test_restoring_over_needs_confirmation(week_old: WeekOld) -> None:
    ws, backup = week_old.ws, week_old.backup
    path = ws.path
    ws.close()
    before = path.read_bytes()
    with pytest.raises(NotAllowed):
        restore_over(backup, path, confirmed=False, passphrase=PASSPHRASE)
    assert path.read_bytes() == before
    assert not any(".before-restore-" in n for n in files_in(path.parent))


def test_restoring_over_an_open_file_is_refused(
    week_old: WeekOld,
) -> None:
    ws, backup = week_old.ws, week_old.backup
    with pytest.raises(RestoreFailed) as caught:
        restore_over(backup, ws.path, confirmed=True, passphrase=PASSPHRASE)
    assert "already open" in str(caught.value)
    assert run_checks(ws) == []


def test_restoring_over_keeps_a_safety_copy_of_what_it_replaces(
    week_old: WeekOld,
) -> None:
    ws, backup = week_old.ws, week_old.backup
    current = ws.read(fingerprint, TODAY)
    path = ws.path
    ws.close()
    result = restore_over(backup, path, confirmed=True, passphrase=PASSPHRASE)
    assert result.path == path
    safety = result.safety_copy
    assert safety is not None
    assert safety.name.startswith("books.qlb.before-restore-")
    with Workspace.open(path, passphrase=PASSPHRASE) as restored:
        assert run_checks(restored) == []
        assert restored.read(fingerprint, TODAY) == week_old.at_backup
    with Workspace.open(safety, passphrase=PASSPHRASE) as kept:
        assert kept.read(fingerprint, TODAY) == current
    assert all(
        (path.parent / n).stat().st_mode & 0o777 == 0o600
        for n in files_in(path.parent)
        if n.startswith("books.qlb")
    )
    assert not any(n.startswith(".quietledger-restore-") for n in files_in(path.parent))


# --- the command line ------------------------------------------------------------------


def test_cli_backup_then_restore(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unit = add_client(workspace, "Rivera")
    post_visit(workspace, unit, WEEK_AGO, paid=False)
    expected = workspace.read(fingerprint, TODAY)
    path = workspace.path
    workspace.close()
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    folder = tmp_path / "usb"
    folder.mkdir()

    assert main(["backup", "--db", str(path), "--to", str(folder)]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == folder
    assert printed.is_file()

    new = tmp_path / "laptop" / "books.qlb"
    assert main(["restore", str(printed), "--to", str(new)]) == 0
    assert f"into {new}" in capsys.readouterr().out
    with Workspace.open(new, passphrase=PASSPHRASE) as restored:
        assert restored.read(fingerprint, TODAY) == expected

    assert main(["restore", str(printed), "--over", str(new)]) == 2
    assert "add --yes to confirm" in capsys.readouterr().err
    assert main(["restore", str(printed), "--over", str(new), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "the replaced file is kept as" in out
    assert any(".before-restore-" in n for n in files_in(new.parent))

    assert main(["restore", str(printed), "--to", str(new)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_restore_with_the_recovery_key(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recovery = workspace.recovery_key()
    folder = tmp_path / "usb"
    folder.mkdir()
    backup = make_backup(workspace, folder).info.path
    workspace.close()
    monkeypatch.delenv("QUIETLEDGER_PASSPHRASE", raising=False)
    monkeypatch.setenv("QUIETLEDGER_RECOVERY_KEY", recovery.lower())
    new = tmp_path / "laptop" / "books.qlb"
    assert main(["restore", str(backup), "--to", str(new), "--recovery-key"]) == 0
    with Workspace.open(new, passphrase=PASSPHRASE) as restored:  # its key file came along
        assert run_checks(restored) == []
    monkeypatch.setenv("QUIETLEDGER_RECOVERY_KEY", "ABCD-" * 13 + "ABCD")
    assert main(["restore", str(backup), "--to", str(tmp_path / "x.qlb"), "--recovery-key"]) == 1
    assert "recovery key" in capsys.readouterr().err


def test_cli_backup_reports_a_missing_folder(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = workspace.path
    workspace.close()
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "gone")]) == 1
    err = capsys.readouterr().err
    assert "is not there; plug in the drive" in err
