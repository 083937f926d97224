"""Backups: one encrypted file each, verified, complete on its own, rotated, safe to fail."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from crash_writer import add_client, post_history
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.app.cli import main
from desktop.services.audit.checks import run_checks
from desktop.services.backups.backup import (
    BackupFailed,
    BackupInfo,
    backup_due,
    last_good_backup,
    list_backups,
    make_backup,
    rotate_backups,
    verify_backup,
)
from desktop.services.backups.container import (
    MAGIC,
    BackupHeader,
    DamagedBackup,
    read_header,
    write_container,
)
from desktop.services.backups.fingerprint import fingerprint
from desktop.services.backups.restore import restore_backup
from desktop.services.backups.rotation import RetentionPolicy, backups_to_keep
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.paths import ROOT

TODAY = date.today()


@pytest.fixture
def books(workspace: Workspace) -> Workspace:
    """A practice with three clients and ten weeks of visits, some unpaid."""
    units = [add_client(workspace, name) for name in ("Rivera", "Okafor", "Lindqvist")]
    post_history(workspace, units, TODAY - timedelta(days=120), weeks=10)
    return workspace


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "backups"
    path.mkdir()
    return path


def everything_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


# --- making and verifying --------------------------------------------------------------


def test_a_backup_is_one_private_verified_file(books: Workspace, folder: Path) -> None:
    result = make_backup(books, folder)
    path = result.info.path
    assert everything_in(folder) == [path.name]
    assert path.name.startswith("books-")
    assert path.suffix == ".qlbak"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(MAGIC)
    header = read_header(path)
    assert header.source_name == "books.qlb"
    assert "wrapped_key" in (header.key_file or "")
    assert result.info.created == header.created
    assert min(result.copy_seconds, result.verify_seconds) > 0


def test_a_backup_opens_elsewhere_with_only_the_passphrase(
    books: Workspace, folder: Path, tmp_path: Path
) -> None:
    expected = books.read(fingerprint, TODAY)
    backup = make_backup(books, folder).info.path
    # A new machine: only the backup file, in a folder of its own, nothing else.
    moved = tmp_path / "usb" / backup.name
    moved.parent.mkdir()
    os.replace(backup, moved)
    books.close()
    result = restore_backup(moved, tmp_path / "new-laptop" / "books.qlb", passphrase=PASSPHRASE)
    with Workspace.open(result.path, passphrase=PASSPHRASE) as restored:
        assert restored.read(fingerprint, TODAY) == expected
        assert run_checks(restored) == []


def test_a_backup_opens_with_the_recovery_key_alone(
    books: Workspace, folder: Path, tmp_path: Path
) -> None:
    recovery = books.recovery_key()
    backup = make_backup(books, folder).info.path
    dest = tmp_path / "elsewhere" / "books.qlb"
    restore_backup(backup, dest, recovery_key=recovery)
    with Workspace.open(dest, recovery_key=recovery) as restored:
        assert run_checks(restored) == []


def test_verification_finds_books_that_differ(books: Workspace, folder: Path) -> None:
    backup = make_backup(books, folder).info.path
    expected = books.read(fingerprint, TODAY)
    unit = add_client(books, "Later")
    post_history(books, [unit], TODAY - timedelta(days=3), weeks=1)
    moved_on = books.read(fingerprint, TODAY)
    work = folder / "work"
    work.mkdir()
    assert verify_backup(backup, books.recovery_key(), expected, work) == []
    (work / "verify.qlb").unlink()
    problems = verify_backup(backup, books.recovery_key(), moved_on, work)
    assert "sessions: 31 rows here, 30 in the copy" in problems
    assert "client balances differ" in problems


def test_verification_finds_a_damaged_byte(books: Workspace, folder: Path) -> None:
    backup = make_backup(books, folder).info.path
    data = bytearray(backup.read_bytes())
    data[-5000] ^= 0x40
    backup.write_bytes(bytes(data))
    work = folder / "work"
    work.mkdir()
    problems = verify_backup(backup, books.recovery_key(), books.read(fingerprint, TODAY), work)
    assert problems == [f"{backup.name} is damaged: its contents do not match its checksum"]


def test_scratch_files_are_private_whatever_the_umask(books: Workspace, folder: Path) -> None:
    old = os.umask(0)
    try:
        backup = make_backup(books, folder).info.path
        work = folder / "work"
        work.mkdir()
        assert (
            verify_backup(backup, books.recovery_key(), books.read(fingerprint, TODAY), work) == []
        )
    finally:
        os.umask(old)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in [backup, *work.iterdir()]}
    assert "verify.qlb" in modes
    assert set(modes.values()) == {oct(0o600)}, modes


def test_a_backup_that_fails_verification_is_deleted_and_reported(
    books: Workspace, folder: Path
) -> None:
    conn = books.practice_file.raw_connection()
    try:
        conn.execute("DROP TRIGGER trg_audit_log_no_update")
        conn.execute("UPDATE audit_log SET user_name = 'someone else' WHERE id = 2")
    finally:
        conn.close()
    with pytest.raises(BackupFailed) as caught:
        make_backup(books, folder)
    message = str(caught.value)
    assert message.startswith("The backup failed verification and was deleted")
    assert re.search(r"Audit entry 2 \([^)]*\) was altered after it was written", message)
    assert "trg_audit_log_no_update is missing" in message
    assert everything_in(folder) == []
    assert last_good_backup(folder) is None


# --- the folder fails ------------------------------------------------------------------


def test_a_missing_folder_is_a_sentence(books: Workspace, tmp_path: Path) -> None:
    gone = tmp_path / "unplugged-drive" / "backups"
    with pytest.raises(BackupFailed) as caught:
        make_backup(books, gone)
    assert str(caught.value) == (
        f"The backup folder {gone} is not there; plug in the drive or choose another folder. "
        "No backup was made."
    )
    assert not gone.exists()


GONE = (
    "went away during the backup (was the drive unplugged?); no backup was made.",
    "is not there; plug in the drive or choose another folder. No backup was made.",
)


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.5, 0.8])
def test_a_folder_pulled_out_mid_backup_leaves_a_sentence_or_a_good_backup(
    books: Workspace, folder: Path, delay: float
) -> None:
    """The folder vanishes (renamed away at once, as a drive does when unplugged) at some
    moment: the result is a clear sentence and no backup, or, if it went after the end, a
    whole backup."""
    outcome: list[object] = []

    def back_up() -> None:
        try:
            outcome.append(make_backup(books, folder))
        except BackupFailed as exc:
            outcome.append(exc)

    worker = threading.Thread(target=back_up)
    worker.start()
    time.sleep(delay)
    unplugged = folder.rename(folder.with_name("unplugged"))
    worker.join(timeout=120)
    (result,) = outcome
    if isinstance(result, BackupFailed):
        assert str(result).endswith(GONE), result
        assert list_backups(unplugged) == []  # nothing passes for a backup
    else:
        assert [b.path.name for b in list_backups(unplugged)] == [result.info.path.name]
    assert run_checks(books) == []  # the source is untouched


def _mount(*args: str) -> bool:
    try:
        result = subprocess.run(["mount", *args], capture_output=True, check=False, timeout=30)
    except OSError:
        return False
    return result.returncode == 0


@contextlib.contextmanager
def mounted(*args: str, at: Path, why: str) -> Iterator[Path]:
    """``mount ARGS at``, unmounted afterwards; skips the test where mounting is not allowed."""
    at.mkdir(exist_ok=True)
    if not _mount(*args, str(at)):
        pytest.skip(f"cannot mount here (needs root in a privileged machine): {why}")
    try:
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], capture_output=True, check=False, timeout=30)


def test_a_full_disk_is_a_sentence_and_leaves_nothing(books: Workspace, tmp_path: Path) -> None:
    # Room for the snapshot but not for the backup beside it.
    size = books.path.stat().st_size * 3 // 2 // 4096 * 4096
    with mounted(
        "-t", "tmpfs", "-o", f"size={size}", "tmpfs", at=tmp_path / "small", why="tiny tmpfs"
    ) as small:
        with pytest.raises(BackupFailed) as caught:
            make_backup(books, small)
        assert str(caught.value) == (
            f"The backup folder {small} is full; free some space there or choose another "
            "folder. No backup was made."
        )
        assert everything_in(small) == []
    assert run_checks(books) == []


_LIMITED = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from desktop.services.backups.backup import BackupFailed, make_backup
    from desktop.services.workspace import Workspace
    ws = Workspace.open(Path(sys.argv[1]), passphrase=sys.argv[2])
    # A first backup elsewhere gives the size; one byte less cannot hold the second.
    limit = make_backup(ws, Path(sys.argv[4])).info.size - 1
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        make_backup(ws, Path(sys.argv[3]))
    except BackupFailed as exc:
        print(exc)
    """
)


def test_a_file_size_limit_is_a_sentence_and_leaves_nothing(books: Workspace, folder: Path) -> None:
    """The same as a full disk, where no small disk can be mounted: writes past a limit fail."""
    path = books.path
    books.close()
    sizing = folder.with_name("sizing")
    sizing.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(path), PASSPHRASE, str(folder), str(sizing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"The backup folder {folder} is full; free some space there or choose another "
        "folder. No backup was made."
    )
    assert everything_in(folder) == []
    with Workspace.open(path, passphrase=PASSPHRASE) as again:
        assert run_checks(again) == []


def test_a_read_only_folder_is_a_sentence_and_leaves_nothing(
    books: Workspace, folder: Path
) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            with pytest.raises(BackupFailed) as caught:
                make_backup(books, folder)
        finally:
            folder.chmod(0o700)
    else:
        # chmod does not stop root; a read-only bind mount does.
        with mounted("--bind", str(folder), at=folder, why="read-only bind mount"):
            if not _mount("-o", "remount,bind,ro", str(folder)):
                pytest.skip("cannot remount read-only here")
            with pytest.raises(BackupFailed) as caught:
                make_backup(books, folder)
    assert str(caught.value) == (
        f"Quiet Ledger cannot write to the backup folder {folder}; check that the drive is "
        "not read-only or choose another folder. No backup was made."
    )
    assert everything_in(folder) == []


# --- finding the last good backup --------------------------------------------------------


def fake_backup(folder: Path, name: str, created: datetime, source: str = "books.qlb") -> Path:
    """A well-formed container around a few stand-in bytes: enough for listing and rotating."""
    body = folder / f".{name}.body"
    body.write_bytes(b"x" * 100)
    header = BackupHeader(created, source, "0001", 100, "0" * 64, None)
    path = folder / name
    write_container(path, header, body)
    body.unlink()
    return path


def test_last_good_backup_is_the_newest_whole_one(folder: Path) -> None:
    assert last_good_backup(folder) is None
    now = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    older = fake_backup(folder, "books-a.qlbak", now - timedelta(days=3))
    newer = fake_backup(folder, "books-b.qlbak", now - timedelta(hours=2))
    cut = fake_backup(folder, "books-c.qlbak", now - timedelta(hours=1))
    cut.write_bytes(cut.read_bytes()[:-10])  # cut short, as by a pulled drive
    (folder / ".books-d.qlbak.tmp").write_bytes(b"half")
    (folder / "notes.qlbak").write_text("not a backup")
    fake_backup(folder, "other-e.qlbak", now, source="demo.qlb")

    best = last_good_backup(folder, "books.qlb")
    assert best is not None
    assert best.path == newer
    assert best.age(now) == timedelta(hours=2)
    assert not best.is_stale(now)
    assert best.is_stale(now + timedelta(hours=46, seconds=1))
    assert [b.path for b in list_backups(folder, "books.qlb")] == [newer, older]
    assert last_good_backup(folder) == BackupInfo(
        folder / "other-e.qlbak", now, "demo.qlb", (folder / "other-e.qlbak").stat().st_size
    )
    with pytest.raises(DamagedBackup):
        read_header(cut)


def test_a_missing_folder_has_no_last_backup(tmp_path: Path) -> None:
    assert last_good_backup(tmp_path / "gone") is None
    assert backup_due(tmp_path / "gone", "books.qlb")


def test_a_backup_is_due_a_day_after_the_last(folder: Path) -> None:
    now = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    assert backup_due(folder, "books.qlb", now)
    fake_backup(folder, "books-a.qlbak", now - timedelta(hours=23))
    assert not backup_due(folder, "books.qlb", now)
    assert backup_due(folder, "books.qlb", now + timedelta(hours=1))
    assert backup_due(folder, "demo.qlb", now)  # another practice's backups do not count


def test_two_backups_in_one_second_get_two_names(books: Workspace, folder: Path) -> None:
    first = make_backup(books, folder).info
    second = make_backup(books, folder).info
    assert first.path != second.path
    assert {b.path for b in list_backups(folder)} == {first.path, second.path}


# --- rotation ----------------------------------------------------------------------------


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_rotation_keeps_the_newest_of_each_recent_day_week_and_month() -> None:
    # A backup every 6 hours for 400 days.
    end = at("2026-11-23", 18)
    times = [end - timedelta(hours=6 * i) for i in range(400 * 4)]
    keep = backups_to_keep(times, RetentionPolicy(daily=7, weekly=4, monthly=12))
    days = sorted({t.date() for t in keep}, reverse=True)
    # 7 days, then Sundays of earlier weeks, then month ends of earlier months.
    assert days[:7] == [date(2026, 11, d) for d in range(23, 16, -1)]
    assert max(keep) == end
    assert all(t.hour == 18 for t in keep)  # each kept one is its day's newest
    assert {date(2026, 11, 15), date(2026, 11, 8)} <= set(days)  # Sundays of past weeks
    assert {date(2026, 10, 31), date(2025, 12, 31)} <= set(days)  # month ends
    assert date(2025, 11, 30) not in days  # the 13th month back
    assert len(keep) == 7 + 2 + 11  # weeks 1-2 are within the days; this month is too


def test_rotation_of_sparse_backups_counts_periods_that_have_one() -> None:
    times = [at("2026-01-05"), at("2026-03-10"), at("2026-03-10", 8), at("2026-11-01")]
    assert backups_to_keep(times, RetentionPolicy(daily=2, weekly=0, monthly=0)) == {
        at("2026-11-01"),
        at("2026-03-10"),
    }
    assert backups_to_keep(times, RetentionPolicy(0, 0, 0)) == {at("2026-11-01")}
    assert backups_to_keep([], RetentionPolicy()) == set()


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)
policies = st.builds(
    RetentionPolicy,
    daily=st.integers(0, 10),
    weekly=st.integers(0, 6),
    monthly=st.integers(0, 14),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(moments, max_size=80), policies)
def test_rotation_properties(times: list[datetime], policy: RetentionPolicy) -> None:
    keep = backups_to_keep(times, policy)
    assert keep <= set(times)
    if times:
        assert max(times) in keep
        assert len(keep) <= 1 + policy.daily + policy.weekly + policy.monthly
    # Rotating again removes nothing more: the kept set is stable.
    assert backups_to_keep(keep, policy) == keep
    # Each of the `daily` most recent days with a backup keeps that day's newest.
    recent_days = sorted({t.date() for t in times}, reverse=True)[: policy.daily]
    for day in recent_days:
        assert max(t for t in times if t.date() == day) in keep


def test_rotate_backups_deletes_only_what_the_policy_drops(folder: Path) -> None:
    now = datetime(2026, 11, 23, 18, tzinfo=UTC)
    made = {fake_backup(folder, f"books-{i}.qlbak", now - timedelta(days=i)): i for i in range(10)}
    other = fake_backup(folder, "demo-old.qlbak", now - timedelta(days=300), source="demo.qlb")
    removed = rotate_backups(folder, "books.qlb", RetentionPolicy(daily=3, weekly=0, monthly=0))
    assert sorted(made[p] for p in removed) == list(range(3, 10))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["books-0.qlbak", "books-1.qlbak", "books-2.qlbak", other.name]
    )


def test_cli_backup_thins_out_older_backups_unless_told_not_to(
    books: Workspace,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = books.path
    books.close()
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    command = ["backup", "--db", str(path), "--to", str(folder)]
    assert main([*command, "--keep-all"]) == 0
    assert main([*command, "--keep-all"]) == 0
    assert len(list_backups(folder)) == 2
    capsys.readouterr()
    assert main(command) == 0  # three today: only the newest of the day stays
    newest = Path(capsys.readouterr().out.strip())
    assert [b.path for b in list_backups(folder)] == [newest]
