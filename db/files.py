"""Private files: 0600 files, 0700 folders, atomic replacement."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path, *, ours: bool = False) -> Path:
    """Create ``path`` (and parents) as 0700 if needed.

    An existing folder is made 0700 only when it is ``ours`` (the app's data folder);
    a folder the user chose, such as Documents, keeps the permissions it has.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if ours or not existed:
        with contextlib.suppress(PermissionError):
            os.chmod(path, DIR_MODE)
    return path


def write_private_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as 0600, atomically: temp file, fsync, rename, fsync dir."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_private(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)
