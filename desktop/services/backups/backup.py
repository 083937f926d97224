"""Backups: one encrypted, self-contained, verified file per backup, rotated.

``make_backup`` copies the open practice file with SQLite's online backup (a
consistent snapshot, encrypted with the same key: no plaintext is ever
written), packs it with its key file into a ``.qlbak`` container (see
``backup_container``), then proves the container good before giving it its
name: unpacked into a private folder, it must open, pass every check of
``run_checks`` and hold the same books as the source. Anything that goes wrong
leaves no file behind and raises ``BackupFailed`` with a sentence.

The folder is always an argument: the app layer knows where backups go.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from db import keys
from db.errors import PracticeFileError
from db.files import FILE_MODE, write_private_atomically
from db.migrate import current_revision
from desktop.services.audit.checks import run_checks
from desktop.services.backups.container import (
    SUFFIX,
    BackupHeader,
    DamagedBackup,
    database_digest,
    publish,
    read_header,
    unpack,
    write_container,
)
from desktop.services.backups.fingerprint import BooksFingerprint, fingerprint
from desktop.services.backups.rotation import DEFAULT_POLICY, RetentionPolicy, backups_to_keep
from desktop.services.errors import ServiceError
from desktop.services.jobs import Job, Progress
from desktop.services.workspace import Workspace

STALE_AFTER = timedelta(hours=48)
DAILY = timedelta(hours=24)
WORK_PREFIX = ".quietledger-work-"
_LEFTOVER_AGE = 3600  # seconds: older work folders are from a backup that was killed
_SNAPSHOT_TRIES = 3


class BackupFailed(ServiceError):
    """No backup was made (or it failed verification and was deleted); the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    """A complete backup file found in a folder."""

    path: Path
    created: datetime  # UTC
    source_name: str
    size: int

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or datetime.now(UTC)) - self.created

    def is_stale(self, now: datetime | None = None) -> bool:
        """Older than two days: time to warn that there is no recent backup."""
        return self.age(now) > STALE_AFTER


@dataclass(frozen=True)
class BackupResult:
    info: BackupInfo
    copy_seconds: float
    verify_seconds: float


def make_backup(workspace: Workspace, folder: Path, *, today: date | None = None) -> BackupResult:
    """Write a verified backup of the open practice file into ``folder``; return where."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupFailed(
            f"The backup folder {folder} is not there; plug in the drive or choose another "
            "folder. No backup was made."
        )
    as_of = today or date.today()
    _sweep_leftovers(folder)
    origin = _identity(folder)
    tmp: Path | None = None
    try:
        with _work_folder(folder) as work:
            started = time.monotonic()
            staged, expected = _snapshot(workspace, work / "copy.qlb", as_of)
            created = datetime.now(UTC)
            size, digest = database_digest(staged)
            key_file = keys.key_file_for(workspace.path)
            header = BackupHeader(
                created=created,
                source_name=workspace.path.name,
                schema=current_revision(workspace.practice_file),
                database_bytes=size,
                database_sha256=digest,
                key_file=key_file.read_text("utf-8") if key_file.exists() else None,
                audit_head=(
                    (expected.last_audit_id, expected.last_audit_hash)
                    if expected.last_audit_id
                    else None
                ),
            )
            final = _free_name(folder, workspace.path, created)
            tmp = folder / f".{final.name}.tmp"
            write_container(tmp, header, staged)
            container_size = tmp.stat().st_size
            _remove_database(staged)  # frees the space before verification needs it again
            copied = time.monotonic()
            problems = verify_backup(tmp, workspace.recovery_key(), expected, work)
            verified = time.monotonic()
            if problems and _identity(folder) != origin:
                # The drive went away while the copy was being checked: say that, not
                # that the copy was bad.
                raise FileNotFoundError(errno.ENOENT, "the folder went away", str(folder))
            if problems:
                raise BackupFailed(
                    "The backup failed verification and was deleted: "
                    + "; ".join(problems)
                    + ". Run 'quietledger check' on the practice file, then try again."
                )
            if _identity(folder) != origin:
                raise FileNotFoundError(errno.ENOENT, "the folder was replaced", str(folder))
            publish(tmp, final)
            tmp = None
    except BackupFailed:
        raise
    except (OSError, sqlcipher.DatabaseError, PracticeFileError, ServiceError) as exc:
        raise BackupFailed(_why(exc, folder)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    info = BackupInfo(final, created, workspace.path.name, container_size)
    return BackupResult(info, copied - started, verified - copied)


def verify_backup(
    backup: Path, recovery_key: str, expected: BooksFingerprint, work: Path
) -> list[str]:
    """Every reason ``backup`` is not a faithful copy of books with ``expected``'s fingerprint."""
    unpacked = work / "verify.qlb"
    try:
        header = unpack(backup, unpacked)
    except DamagedBackup as exc:
        return [str(exc).rstrip(".")]
    problems: list[str] = []
    if header.key_file is not None:
        try:
            keys.KeyEnvelope.from_json(header.key_file)
        except keys.KeyProblem:
            problems.append("its key file is damaged")
        write_private_atomically(keys.key_file_for(unpacked), header.key_file.encode())
    copy = Workspace.open(unpacked, recovery_key=recovery_key)
    try:
        problems += [p.rstrip(".") for p in run_checks(copy)]
        if not problems:
            found = copy.read(fingerprint, expected.as_of)
            problems += expected.differences(found)
    finally:
        copy.close()
    return problems


def _snapshot(workspace: Workspace, staged: Path, as_of: date) -> tuple[Path, BooksFingerprint]:
    """An encrypted copy of the books and their fingerprint, taken with nothing written between."""
    for _ in range(_SNAPSHOT_TRIES):
        before = workspace.read(fingerprint, as_of)
        _encrypted_copy(workspace, staged)
        if workspace.read(fingerprint, as_of) == before:
            return staged, before
        _remove_database(staged)
    raise BackupFailed("The books kept changing during the backup; try again in a moment.")


def _encrypted_copy(workspace: Workspace, dest: Path) -> None:
    """SQLite's online backup into ``dest``, encrypted with the same key.

    Unlike ``PracticeFile.copy_to`` this never creates folders: a backup folder
    that went away must not come back as an empty folder on the internal disk.
    """
    data_key = keys.parse_recovery_key(workspace.recovery_key())
    # Made 0600 first: SQLite would create it (and its journal, which copies the file's
    # mode) with the umask's looser default.
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    source = workspace.practice_file.raw_connection()
    try:
        target = sqlcipher.connect(str(dest))
        try:
            target.execute(f"PRAGMA key = {keys.sqlcipher_key_literal(data_key)}")
            source.backup(target)
            target.commit()
        finally:
            target.close()
    finally:
        source.close()


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which directory ``folder`` is (device, inode), or None if there is none."""
    try:
        found = os.stat(folder)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _free_name(folder: Path, source: Path, created: datetime) -> Path:
    stamp = created.strftime("%Y-%m-%dT%H%M%SZ")
    candidate = folder / f"{source.stem}-{stamp}{SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{source.stem}-{stamp}-{n}{SUFFIX}"
        n += 1
    return candidate


@contextlib.contextmanager
def _work_folder(folder: Path) -> Iterator[Path]:
    """A private (0700) scratch folder inside ``folder``, removed afterwards whatever happens."""
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remove_database(path: Path) -> None:
    for candidate in (path, keys.key_file_for(path), path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def _sweep_leftovers(folder: Path) -> None:
    """Remove scratch files of a backup that was killed (encrypted, but clutter)."""
    cutoff = time.time() - _LEFTOVER_AGE
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            stale = entry.name.startswith(WORK_PREFIX) or (
                entry.name.startswith(".") and entry.name.endswith(f"{SUFFIX}.tmp")
            )
            with contextlib.suppress(OSError):
                if stale and entry.lstat().st_mtime < cutoff:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink()


def _why(exc: BaseException, folder: Path) -> str:
    """A sentence for a failed backup, from the OS's or SQLite's error."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if not folder.is_dir():
        code = errno.ENOENT  # whatever the error said, the folder is gone
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or (
        "is full" in text or "no space" in text
    ):
        return (
            f"The backup folder {folder} is full; free some space there or choose another "
            "folder. No backup was made."
        )
    if (
        code in (errno.EROFS, errno.EACCES, errno.EPERM)
        or "readonly" in text
        or ("read-only" in text or "permission" in text)
    ):
        return (
            f"Quiet Ledger cannot write to the backup folder {folder}; check that the drive is "
            "not read-only or choose another folder. No backup was made."
        )
    if code in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO) or "unable to open" in text:
        return (
            f"The backup folder {folder} went away during the backup (was the drive "
            "unplugged?); no backup was made."
        )
    detail = getattr(exc, "strerror", None) or str(exc)
    return f"The backup to {folder} could not be written ({detail}); no backup was made."


# --- finding and rotating backups -----------------------------------------------------


def list_backups(folder: Path, source_name: str | None = None) -> list[BackupInfo]:
    """The complete backups in ``folder`` (of ``source_name`` if given), newest first."""
    found: list[BackupInfo] = []
    try:
        candidates = [p for p in Path(folder).iterdir() if p.name.endswith(SUFFIX)]
    except OSError:
        return []
    for path in candidates:
        try:
            header = read_header(path)
            size = path.stat().st_size
        except (OSError, DamagedBackup):
            continue  # not ours, or not whole: never counted as a good backup
        if source_name is None or header.source_name == source_name:
            found.append(BackupInfo(path, header.created, header.source_name, size))
    found.sort(key=lambda info: (info.created, info.path.name), reverse=True)
    return found


def last_good_backup(folder: Path, source_name: str | None = None) -> BackupInfo | None:
    """The newest complete backup in ``folder``, or None; its ``age()`` drives the warning."""
    found = list_backups(folder, source_name)
    return found[0] if found else None


def backup_due(
    folder: Path, source_name: str, now: datetime | None = None, every: timedelta = DAILY
) -> bool:
    """Whether an automatic backup is due: none in ``folder`` yet, or the last is ``every`` old."""
    last = last_good_backup(folder, source_name)
    return last is None or last.age(now) >= every


def rotate_backups(
    folder: Path, source_name: str, policy: RetentionPolicy = DEFAULT_POLICY
) -> list[Path]:
    """Delete the backups of ``source_name`` that ``policy`` does not keep; return them."""
    found = list_backups(folder, source_name)
    keep = backups_to_keep((info.created for info in found), policy)
    removed: list[Path] = []
    for info in found:
        if info.created in keep:
            continue
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    return removed


# --- backing up from the window ---------------------------------------------------------


def back_up(workspace: Workspace, folder: Path) -> BackupResult:
    """A verified backup into ``folder``, then the folder's older backups thinned out."""
    result = make_backup(workspace, folder)
    rotate_backups(folder, workspace.path.name)
    return result


def backup_job(folder: Path) -> Job[BackupResult]:
    """``back_up`` as a job for the window: Back up now, and the automatic daily backup."""

    def work(workspace: Workspace, progress: Progress) -> BackupResult:
        progress(0, 0)  # a backup cannot report its share done; the progress bar just waits
        return back_up(workspace, folder)

    return Job("Backing up and verifying…", work)
