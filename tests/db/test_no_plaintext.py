"""No plaintext anywhere: after a backup and both kinds of restore, no file the app wrote
holds a client's name, and every file is private (0600)."""

from __future__ import annotations

import stat
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from crash_writer import add_client, post_history

from desktop.services.backups.backup import make_backup
from desktop.services.backups.restore import restore_backup, restore_over
from desktop.services.clients.people import list_clients
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def leaks(folder: Path, text: str) -> list[str]:
    needles = [text.encode(enc) for enc in ENCODINGS]
    return [
        str(p.relative_to(folder))
        for p in files_under(folder)
        if any(n in p.read_bytes() for n in needles)
    ]


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp folder moved under the test's folder, so the scan sees it too."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder


def test_the_scan_finds_a_name_in_any_encoding(tmp_path: Path) -> None:
    """Guard: the scan below is not blind."""
    for enc in ENCODINGS:
        (tmp_path / enc).write_bytes(b"...." + "Qzmarker".encode(enc) + b"....")
    assert leaks(tmp_path, "Qzmarker") == sorted(ENCODINGS)


def test_no_file_written_holds_a_client_name(
    private_tmp: Path, workspace: Workspace, tmp_path: Path
) -> None:
    name = "Qzmarker" + uuid.uuid4().hex
    unit = add_client(workspace, name)
    post_history(workspace, [unit], date.today() - timedelta(days=30), weeks=3)
    rows = workspace.read(list_clients)
    assert any(name in row.display_name for row in rows)  # it is really in the books

    backups = tmp_path / "backups"
    backups.mkdir()
    backup = make_backup(workspace, backups).info.path
    assert leaks(tmp_path, name) == []  # while open: database, WAL, shared memory

    restored = tmp_path / "restored" / "books.qlb"
    restore_backup(backup, restored, passphrase=PASSPHRASE)
    path = workspace.path
    workspace.close()
    safety = restore_over(backup, path, confirmed=True, passphrase=PASSPHRASE).safety_copy
    assert safety is not None
    with Workspace.open(restored, passphrase=PASSPHRASE) as again:
        assert any(name in row.display_name for row in again.read(list_clients))

    written = {str(p.relative_to(tmp_path)) for p in files_under(tmp_path)}
    assert {
        "practice/books.qlb",
        "practice/books.qlb.keys",
        f"practice/{safety.name}",
        f"backups/{backup.name}",
        "restored/books.qlb",
        "restored/books.qlb.keys",
    } <= written
    assert leaks(tmp_path, name) == []
    assert files_under(private_tmp) == []  # nothing was left in the temp folder
    loose = [
        f"{p.relative_to(tmp_path)} is {stat.filemode(p.stat().st_mode)}"
        for p in files_under(tmp_path)
        if p.stat().st_mode & 0o077
    ]
    assert loose == []
