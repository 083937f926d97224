"""Only the owner can read what Quiet Ledger writes: files 0600, folders 0700."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.keys import key_file_for
from db.lock import lock_path_for
from db.models import Client
from desktop.app import paths
from desktop.app.cli import main
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "not-yet" / "QuietLedger"
    monkeypatch.setenv(paths.HOME_ENV, str(folder))
    return folder


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """A permissive umask, so the modes below come from the app and not from the test run."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_practice_key_and_lock_files_are_0600(workspace: Workspace) -> None:
    with workspace.practice_file.transaction() as session:
        session.add(Client(client_ref="P1", legal_last_name="Perm"))
    path = workspace.path
    for item in (path, key_file_for(path), lock_path_for(path), path.with_name("books.qlb-wal")):
        assert mode(item) == "0o600", item.name
    assert mode(path.parent) == "0o700"


def test_key_file_stays_0600_after_a_passphrase_change(workspace: Workspace) -> None:
    workspace.change_passphrase("lantern orchard quietly ninety")
    assert mode(key_file_for(workspace.path)) == "0o600"


def test_opening_makes_a_loosened_file_private_again(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    path.chmod(0o644)
    Workspace.open(path, passphrase=PASSPHRASE).close()
    assert mode(path) == "0o600"


def test_data_folder_and_its_subfolders_are_0700(home: Path) -> None:
    assert paths.data_dir() == home
    assert mode(home) == "0o700"
    assert paths.temp_dir().parent == home
    assert mode(paths.temp_dir()) == "0o700"
    assert mode(paths.backups_dir()) == "0o700"
    assert paths.default_practice_path() == home / "practice.qlb"
    assert paths.demo_practice_path() == home / "demo.qlb"


def test_an_existing_data_folder_is_made_private(home: Path) -> None:
    home.mkdir(parents=True, mode=0o755)
    home.chmod(0o755)
    paths.data_dir()
    assert mode(home) == "0o700"


def test_init_in_the_data_folder_writes_private_files(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    assert main(["init"]) == 0
    practice = home / "practice.qlb"
    assert mode(home) == "0o700"
    for item in (practice, key_file_for(practice), lock_path_for(practice)):
        assert mode(item) == "0o600", item.name
