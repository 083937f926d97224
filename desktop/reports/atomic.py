"""Writing an export so that it is either complete or not there at all.

An export holds client names and amounts, so it is created 0600 (only the
user can read it), and it replaces an older file of the same name only once
every byte is on disk: a crash or a full disk never leaves half a report.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[BinaryIO]:
    """A binary file to write; on success it becomes ``path`` (temp file, fsync, rename)."""
    target = Path(path)
    # Same folder, so the rename cannot cross file systems; mkstemp makes it 0600
    # with an unguessable name, so nothing else can open it in the meantime.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, FILE_MODE)  # mkstemp already does; be explicit where umask rules differ
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
