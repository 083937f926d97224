"""One writer at a time: an exclusive OS lock on ``practice.qlb.lock``.

The operating system releases the lock when the process ends, however it ends,
so a lock left by a crash is recovered simply by opening the file again.

The lock follows the real file, not the name it was opened by: the lock file
sits beside the path with every symlink resolved, and a second lock, named
after the file's device and inode in a private folder of the user's temporary
directory, is held too, so a hard link or any other spelling of the path meets
the same lock.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from db.errors import AlreadyOpen
from db.files import DIR_MODE, FILE_MODE

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path_for(db_path: Path) -> Path:
    real = Path(os.path.realpath(db_path))
    return real.with_name(real.name + ".lock")


def identity_lock_path(db_path: Path) -> Path | None:
    """The lock named after the file itself (device and inode), or None if it is not there."""
    try:
        found = os.stat(db_path)
    except OSError:
        return None
    folder = Path(tempfile.gettempdir()) / f"quietledger-locks-{_user_tag()}"
    folder.mkdir(mode=DIR_MODE, exist_ok=True)
    return folder / f"{found.st_dev:x}-{found.st_ino:x}.lock"


def _user_tag() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid else os.environ.get("USERNAME", "user")


class WriterLock:
    """Held for as long as a practice file is open for writing."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = Path(db_path)
        self.path = lock_path_for(self._db_path)
        self._fds: list[int] = []
        self._identity: Path | None = None

    def acquire(self) -> WriterLock:
        """Take the lock beside the real file, and the file's own lock once it exists."""
        self._fds.append(_take(self.path))
        try:
            self.include_file()
        except BaseException:
            self.release()
            raise
        return self

    def include_file(self) -> None:
        """Also hold the lock named after the file itself (call once the file exists)."""
        identity = identity_lock_path(self._db_path)
        if identity is not None and self._identity is None:
            self._fds.append(_take(identity, removable=True))
            self._identity = identity

    def release(self) -> None:
        if self._identity is not None:
            # Removed while still held: whoever opens that name next makes a new file, and
            # a process that opened the old one sees it is gone (see ``_take``).
            with contextlib.suppress(OSError):
                self._identity.unlink()
            self._identity = None
        for fd in reversed(self._fds):
            _unlock(fd)
            os.close(fd)
        self._fds = []

    @property
    def held(self) -> bool:
        return bool(self._fds)


def _take(path: Path, *, removable: bool = False) -> int:
    while True:
        fd = _lock_once(path)
        if not removable or _same_file(fd, path):
            return fd
        _unlock(fd)  # locked a file its holder had already removed: take the new one
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _lock_once(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    if not _try_lock(fd):
        holder = _read_holder(fd)
        os.close(fd)
        who = f" (process {holder})" if holder else ""
        raise AlreadyOpen(
            f"This practice file is already open in another Quiet Ledger window{who}; "
            "switch to that window or close it first."
        )
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode("ascii", "replace").strip()
    return ""
