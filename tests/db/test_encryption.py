"""The practice file is encrypted at rest: nothing readable in any file the app writes."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from db.models import Client
from desktop.services.workspace import UnlockFailed, Workspace
from tests.conftest import PASSPHRASE


def marker() -> str:
    """A name no file could contain by chance."""
    return "Qzmarker" + uuid.uuid4().hex


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def leaks(folder: Path, text: str) -> list[str]:
    """Files below ``folder`` holding ``text`` in any encoding SQLite could store it in."""
    needles = [text.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    return [p.name for p in files_under(folder) if any(n in p.read_bytes() for n in needles)]


def test_the_file_has_no_plain_sqlite_header(workspace: Workspace) -> None:
    head = workspace.path.read_bytes()[:16]
    assert not head.startswith(b"SQLite format 3")


def test_plain_sqlite_cannot_read_the_file(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_a_client_name_is_in_no_file_while_open_or_after_close(workspace: Workspace) -> None:
    name = marker()
    with workspace.practice_file.transaction() as session:
        session.add(Client(client_ref="M1", legal_last_name=name))
    folder = workspace.path.parent
    # The name really is in the database: a check that would pass on an empty file proves nothing.
    with workspace.practice_file.reading() as session:
        assert session.query(Client).filter_by(legal_last_name=name).count() == 1
    names = {p.name for p in files_under(folder)}
    assert {"books.qlb", "books.qlb.keys", "books.qlb.lock", "books.qlb-wal"} <= names
    assert leaks(folder, name) == []
    workspace.close()
    assert leaks(folder, name) == []


def test_the_marker_check_would_see_a_plain_name(tmp_path: Path) -> None:
    """The leak check itself finds a name in an unencrypted database."""
    name = marker()
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE t (name TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (name,))
    conn.commit()
    conn.close()
    assert leaks(tmp_path, name) == ["plain.db"]


def test_an_unencrypted_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.qlb"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clients (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(UnlockFailed) as caught:
        Workspace.open(path, passphrase=PASSPHRASE)
    message = str(caught.value)
    assert "unencrypted" in message
    assert "\n" not in message
    assert not (tmp_path / "plain.qlb.lock").exists()


def test_a_file_with_another_practices_key_file_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    other = Workspace.create(tmp_path / "other" / "other.qlb", "another long passphrase")
    other.close()
    path = workspace.path
    workspace.close()
    shutil.copy(tmp_path / "other" / "other.qlb.keys", path.with_name("books.qlb.keys"))
    with pytest.raises(UnlockFailed, match="does not open with this key"):
        Workspace.open(path, passphrase="another long passphrase")


def test_sqlcipher_is_in_use(workspace: Workspace) -> None:
    conn = workspace.practice_file.raw_connection()
    try:
        (version,) = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    assert version
