"""Restoring a backup: into a new file, or over the current one after a safety copy.

Either way the backup is first unpacked beside the destination into a private
folder, opened with the passphrase (or recovery key) and checked; only a copy
that passes every check is moved into place, by rename, so the destination is
at every moment either untouched or the whole restored file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db import keys
from db.errors import AlreadyOpen
from db.files import FILE_MODE, ensure_private_dir, fsync_dir, write_private_atomically
from db.lock import WriterLock
from db.unlock import SIDE_FILES
from desktop.services.audit.checks import run_checks
from desktop.services.backups.container import BackupHeader, DamagedBackup, unpack
from desktop.services.errors import NotAllowed, ServiceError
from desktop.services.jobs import Job, Progress
from desktop.services.workspace import UnlockFailed, Workspace

_CHUNK = 1 << 20


class RestoreFailed(ServiceError):
    """Nothing was restored and nothing was changed; the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    backup_created: datetime  # UTC
    safety_copy: Path | None  # what was replaced, kept beside it (restore over only)
    has_key_file: bool  # False: only the recovery key opens the restored file


def restore_backup(
    backup: Path, dest: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> RestoreResult:
    """Restore ``backup`` into the new file ``dest``; an existing file is never replaced."""
    dest = Path(dest)
    _refuse_existing(dest)
    try:
        ensure_private_dir(dest.parent)
    except OSError as exc:
        raise RestoreFailed(
            f"Cannot make the folder {dest.parent} ({exc.strerror or exc}); choose another place."
        ) from None
    with _checked_copy(Path(backup), dest.parent, passphrase, recovery_key) as (staged, header):
        _place_new(staged, dest)
        if header.key_file is not None:
            try:
                _place_new(keys.key_file_for(staged), keys.key_file_for(dest))
            except BaseException:
                with contextlib.suppress(OSError):
                    dest.unlink()
                raise
        fsync_dir(dest.parent)
    return RestoreResult(dest, header.created, None, header.key_file is not None)


def restore_job(backup: Path, dest: Path) -> Job[RestoreResult]:
    """``restore_backup`` into the new file ``dest`` as a job for the window.

    The restored file opens with the open practice's recovery key (and with the
    passphrase the backup was made with, when the backup carries its key file).
    The open file is not touched, so the job changes none of its records.
    """

    def work(workspace: Workspace, progress: Progress) -> RestoreResult:
        progress(0, 0)  # unpacking and checking cannot report their share done
        return restore_backup(backup, dest, recovery_key=workspace.recovery_key())

    return Job("Restoring and checking…", work)


def restore_over(
    backup: Path,
    target: Path,
    *,
    confirmed: bool,
    passphrase: str | None = None,
    recovery_key: str | None = None,
) -> RestoreResult:
    """Replace the practice file ``target`` with ``backup``, keeping a safety copy of it.

    The file must be closed (its writer lock is taken here). The safety copy is
    ``<name>.before-restore-<time>`` with its key file (and WAL, if any) beside it.
    The backup's key file comes along, so afterwards the file opens with the
    passphrase the backup was made with (the one given here).
    """
    target = Path(target)
    if not confirmed:
        raise NotAllowed(
            f"Restoring over {target.name} replaces all of its books with the backup's; "
            "confirm to go ahead (a safety copy of the current file is kept)."
        )
    if not target.is_file():
        raise RestoreFailed(f"There is no practice file at {target}; restore into a new file.")
    try:
        lock = WriterLock(target).acquire()
    except AlreadyOpen as exc:
        raise RestoreFailed(f"{exc} Nothing was restored.") from None
    try:
        with _checked_copy(Path(backup), target.parent, passphrase, recovery_key) as (
            staged,
            header,
        ):
            safety = _safety_copy(target)
            try:
                _replace(staged, target, header)
            except OSError as exc:
                raise RestoreFailed(
                    f"The restore stopped part way ({exc.strerror or exc}); the file as it was "
                    f"is kept as {safety.name}, beside it."
                ) from None
    finally:
        lock.release()
    return RestoreResult(target, header.created, safety, header.key_file is not None)


def _replace(staged: Path, target: Path, header: BackupHeader) -> None:
    # A WAL left by a crash belongs to the old file; applied to the new one it would
    # damage it, so it goes first (the safety copy has it).
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            target.with_name(target.name + suffix).unlink()
    os.replace(staged, target)
    if header.key_file is not None:
        write_private_atomically(keys.key_file_for(target), header.key_file.encode())
    fsync_dir(target.parent)


@contextlib.contextmanager
def _checked_copy(
    backup: Path, near: Path, passphrase: str | None, recovery_key: str | None
) -> Iterator[tuple[Path, BackupHeader]]:
    """The backup unpacked into a private folder in ``near``, opened and checked."""
    try:
        work = Path(tempfile.mkdtemp(prefix=".quietledger-restore-", dir=near))
    except OSError as exc:
        raise RestoreFailed(
            f"Cannot write in {near} ({exc.strerror or exc}); choose another place."
        ) from None
    try:
        staged = work / "restored.qlb"
        try:
            header = unpack(backup, staged)
        except FileNotFoundError:
            raise RestoreFailed(f"There is no backup at {backup}.") from None
        except DamagedBackup as exc:
            raise RestoreFailed(f"{exc} Nothing was restored.") from None
        if header.key_file is not None:
            write_private_atomically(keys.key_file_for(staged), header.key_file.encode())
        elif recovery_key is None:
            raise RestoreFailed(
                "This backup has no key file, so only the recovery key opens it. "
                "Nothing was restored."
            )
        _check(staged, backup, passphrase, recovery_key)
        if staged.with_name(staged.name + "-wal").exists():
            raise RestoreFailed("The restored copy could not be closed cleanly; try again.")
        yield staged, header
    except OSError as exc:
        raise RestoreFailed(
            f"The backup could not be restored ({exc.strerror or exc}); nothing was changed."
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(staged: Path, backup: Path, passphrase: str | None, recovery_key: str | None) -> None:
    try:
        copy = Workspace.open(staged, passphrase=passphrase, recovery_key=recovery_key)
    except UnlockFailed as exc:
        raise RestoreFailed(f"{exc} Nothing was restored.") from None
    try:
        problems = run_checks(copy)
    finally:
        copy.close()
    if problems:
        raise RestoreFailed(
            f"The backup {backup.name} fails its checks: {' '.join(problems)} "
            "Nothing was restored; try an older backup."
        )


def _refuse_existing(dest: Path) -> None:
    if dest.exists() or keys.key_file_for(dest).exists():
        raise RestoreFailed(
            f"{dest} already exists; restore into a new file, or restore over it "
            "(which keeps a safety copy)."
        )


def _place_new(source: Path, dest: Path) -> None:
    """Move ``source`` to ``dest`` without ever replacing an existing ``dest``."""
    try:
        os.link(source, dest)  # fails if dest exists, closing the race a check would leave
    except FileExistsError:
        raise RestoreFailed(f"{dest} already exists; nothing was restored.") from None
    except OSError:
        # Some drives (FAT, exFAT) have no hard links; rename after the check instead.
        _refuse_existing(dest)
        os.replace(source, dest)
        return
    source.unlink()


def _safety_copy(target: Path) -> Path:
    """A byte-for-byte copy (still encrypted) of the file about to be replaced."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S.%fZ")
    safety = target.with_name(f"{target.name}.before-restore-{stamp}")
    pairs = [(target, safety)]
    for suffix in ("-wal",):
        side = target.with_name(target.name + suffix)
        if side.exists():
            pairs.append((side, safety.with_name(safety.name + suffix)))
    if keys.key_file_for(target).exists():
        pairs.append((keys.key_file_for(target), keys.key_file_for(safety)))
    for source, copy in pairs:
        _copy_private(source, copy)
    fsync_dir(target.parent)
    return safety


def _copy_private(source: Path, dest: Path) -> None:
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
