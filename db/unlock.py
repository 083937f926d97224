"""Unlocking a practice file: its shape checked, its key derived, its writer lock taken.

Nothing here needs SQLAlchemy, so a command can unlock the file and start SQLite's
own checks of it on a raw connection while the ORM is still being imported
(``quietledger check``). ``db.engine.open_unlocked`` then opens the books.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from db import keys
from db.errors import NotAPracticeFile, NotEncrypted, PracticeFileError
from db.files import make_private
from db.lock import WriterLock

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
# SQLite's smallest page: every database file is a whole number of pages.
_MIN_PAGE = 512


def connect_raw(path: Path, data_key: bytes) -> sqlcipher.Connection:
    """A keyed SQLCipher connection with the pragmas every connection needs."""
    conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    # SQLCipher logs to stderr on a damaged page; the app reports problems in sentences.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {keys.sqlcipher_key_literal(data_key)}")
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        conn.close()
        raise NotEncrypted("This installation's SQLite has no encryption; reinstall Quiet Ledger.")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise NotAPracticeFile(
            f"{path.name} does not open with this key; it is not this practice's file, "
            "or it is damaged (restore it from a backup)."
        ) from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed transaction survives a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Pages are decrypted into this cache; a few years of books then stay decrypted
    # between reads instead of being read and decrypted again for every list shown.
    conn.execute("PRAGMA cache_size = -32768")  # KiB
    return conn


def check_not_plain_sqlite(path: Path) -> None:
    """Refuse a file that is an unencrypted SQLite database."""
    with contextlib.suppress(FileNotFoundError), path.open("rb") as handle:
        if handle.read(16) == PLAIN_SQLITE_HEADER:
            raise NotEncrypted(
                f"{path.name} is an unencrypted SQLite file; Quiet Ledger opens only encrypted "
                "practice files (use Import to bring its data in)."
            )


def check_shape(path: Path) -> None:
    """Refuse an empty or cut-short file before SQLite sees it.

    SQLite treats an empty file as a new database and would quietly give it an
    empty schema: a practice file emptied by a failing disk or a bad copy must be
    reported, never turned into empty books.
    """
    size = path.stat().st_size
    if size == 0:
        raise NotAPracticeFile(
            f"{path.name} is empty (0 bytes), so it holds no books; restore it from a backup "
            "('quietledger restore'), and create new books only with 'quietledger init'."
        )
    if size < _MIN_PAGE or size % _MIN_PAGE:
        raise NotAPracticeFile(
            f"{path.name} is cut short ({size} bytes, not a whole number of pages); "
            "restore it from a backup ('quietledger restore')."
        )
    check_not_plain_sqlite(path)


def damaged_pages(path: Path, data_key: bytes) -> str:
    """Which pages of ``path`` fail their authentication, as words ('' if none is named)."""
    try:
        conn = connect_raw(path, data_key)
    except PracticeFileError:
        return ""
    try:
        rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except sqlcipher.DatabaseError:
        return ""
    finally:
        conn.close()
    pages = [str(row[0]) for row in rows][:3]
    return "; ".join(pages)


def damaged_file(path: Path, data_key: bytes) -> NotAPracticeFile:
    found = damaged_pages(path, data_key)
    detail = f" ({found})" if found else ""
    return NotAPracticeFile(
        f"{path.name} is damaged: part of it cannot be read{detail}; restore it from a backup "
        "('quietledger restore')."
    )


@dataclass
class Unlocked:
    """A practice file whose key is known and whose writer lock is held, not yet opened."""

    path: Path  # the real file, whatever name it was given by
    data_key: bytes
    lock: WriterLock
    # The passphrase, when its key file was written by an older version and is to be
    # rewrapped once the file has opened.
    rewrap_with: str | None = None

    def release(self) -> None:
        self.lock.release()
        self.data_key = b""


def unlock_practice_file(
    path: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> Unlocked:
    """The file's key, from its passphrase (through its key file) or its recovery key.

    A file that is missing, empty, cut short, plain SQLite or does not open with the
    key is refused with a sentence; nothing is created or changed.
    """
    if not Path(path).is_file():
        raise PracticeFileError(f"There is no practice file at {path}.")
    # The real file, whatever name it was given by: its key file and lock are beside it.
    path = Path(os.path.realpath(path))
    check_shape(path)
    rewrap_with = None
    if recovery_key is not None:
        data_key = keys.parse_recovery_key(recovery_key)
    elif passphrase is not None:
        envelope = keys.read_envelope(path)
        data_key = envelope.open(passphrase)
        rewrap_with = passphrase if envelope.needs_rewrap else None
    else:
        raise PracticeFileError("A passphrase or recovery key is needed to open the file.")
    lock = WriterLock(path).acquire()
    try:
        connect_raw(path, data_key).close()
        for suffix in ("", *SIDE_FILES):
            make_private(path.with_name(path.name + suffix))
    except BaseException:
        lock.release()
        raise
    return Unlocked(path, data_key, lock, rewrap_with)
