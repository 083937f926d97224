"""Opening and creating encrypted practice files.

A ``PracticeFile`` is one open, unlocked, migrated SQLCipher database with its
writer lock held. Services receive ORM sessions from it; nothing else in the
application talks to SQLCipher.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from db import keys
from db.errors import NotAPracticeFile, NotEncrypted, PracticeFileError
from db.files import FILE_MODE, ensure_private_dir, make_private, write_private_atomically
from db.lock import WriterLock
from db.writes import note_statement

# Where a session finds the audit chain's key (``Session.info``).
CHAIN_KEY = "audit.chain_key"
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


def _damaged(path: Path, data_key: bytes) -> NotAPracticeFile:
    found = damaged_pages(path, data_key)
    detail = f" ({found})" if found else ""
    return NotAPracticeFile(
        f"{path.name} is damaged: part of it cannot be read{detail}; restore it from a backup "
        "('quietledger restore')."
    )


def build_engine(path: Path, data_key: bytes) -> Engine:
    engine = create_engine(
        "sqlite://",
        module=sqlcipher,
        creator=lambda: connect_raw(path, data_key),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )

    # The DB-API driver's own transaction handling is off (isolation_level=None in
    # connect_raw); SQLAlchemy issues BEGIN itself so SAVEPOINTs and rollbacks are exact.
    @event.listens_for(engine, "begin")
    def _begin(conn: object) -> None:
        conn.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        note_statement(statement)

    return engine


class PracticeFile:
    """An open practice file: engine, data key and writer lock."""

    def __init__(self, path: Path, data_key: bytes, lock: WriterLock) -> None:
        self.path = path
        self._data_key = data_key
        self._lock = lock
        self.engine = build_engine(path, data_key)
        # The audit log keys its chain with this; it lives only in memory, with the data key.
        self._sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={CHAIN_KEY: keys.chain_key(data_key)}
        )

    # --- sessions ---------------------------------------------------------------

    def new_session(self) -> Session:
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action, one transaction: commit on success, roll back on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def joined(self, work: Callable[[Session], None] | None) -> Callable[[Connection], None] | None:
        """``work`` run in a session joined to a connection's open transaction."""
        if work is None:
            return None

        def run(conn: Connection) -> None:
            session = self._sessions(bind=conn)
            try:
                work(session)
                session.flush()
            finally:
                session.close()

        return run

    # --- keys ---------------------------------------------------------------------

    def raw_connection(self) -> sqlcipher.Connection:
        """A fresh keyed DB-API connection (for backups and checks)."""
        return connect_raw(self.path, self._data_key)

    def change_passphrase(self, new_passphrase: str, known_words: Iterable[str] = ()) -> None:
        problem = keys.passphrase_problem(new_passphrase, known_words)
        if problem:
            raise keys.WeakPassphrase(problem)
        keys.write_envelope(self.path, keys.KeyEnvelope.seal(self._data_key, new_passphrase))

    def recovery_key(self) -> str:
        return keys.format_recovery_key(self._data_key)

    def copy_to(self, dest: Path) -> None:
        """A consistent encrypted copy (same key) of the database, with its key file.

        The destination folder must exist: a backup drive that was unplugged must fail,
        not be silently recreated on the internal disk. The copy is 0600 from its first
        byte (created before SQLite opens it).
        """
        if not dest.parent.is_dir():
            raise PracticeFileError(f"The folder {dest.parent} is not there; nothing was copied.")
        os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        source = self.raw_connection()
        try:
            target = sqlcipher.connect(str(dest))
            try:
                target.execute(f"PRAGMA key = {keys.sqlcipher_key_literal(self._data_key)}")
                source.backup(target)
                target.commit()
            finally:
                target.close()
        finally:
            source.close()
        with contextlib.suppress(FileNotFoundError):
            write_private_atomically(
                keys.key_file_for(dest), keys.key_file_for(self.path).read_bytes()
            )

    # --- lifecycle ------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()
        self._lock.release()
        self._data_key = b""

    @property
    def is_open(self) -> bool:
        return self._lock.held

    def __enter__(self) -> PracticeFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_practice_file(
    path: Path, passphrase: str, *, allow_weak: bool = False, known_words: Iterable[str] = ()
) -> PracticeFile:
    """Create a new, empty, encrypted practice file at the current schema.

    Weak passphrases are refused unless ``allow_weak`` (the demo practice's ``demo``);
    ``known_words`` (the practice's names and email) count as easy to guess.
    """
    from db.migrate import upgrade_to_head

    path = Path(path)
    if path.exists() or keys.key_file_for(path).exists():
        raise PracticeFileError(f"{path} already exists; choose another name or open it.")
    if not allow_weak:
        problem = keys.passphrase_problem(passphrase, known_words)
        if problem:
            raise keys.WeakPassphrase(problem)
    ensure_private_dir(path.parent)
    data_key = keys.new_data_key()
    lock = WriterLock(path).acquire()
    try:
        conn = connect_raw(path, data_key)
        conn.close()
        lock.include_file()
        make_private(path)
        keys.write_envelope(path, keys.KeyEnvelope.seal(data_key, passphrase))
        practice = PracticeFile(path, data_key, lock)
        upgrade_to_head(practice, backup=False)
    except BaseException:
        lock.release()
        _remove_quietly(path)
        raise
    return practice


def open_practice_file(
    path: Path,
    *,
    passphrase: str | None = None,
    recovery_key: str | None = None,
    on_upgrade: Callable[[Session], None] | None = None,
) -> PracticeFile:
    """Unlock and open an existing practice file, upgrading its schema if it is older.

    Only ``create_practice_file`` makes a practice file: a file here that is empty, cut
    short, damaged or holds no books is refused with a sentence, never initialized.
    ``on_upgrade`` gets a session inside the schema upgrade's transaction, when there
    is one, for data work that must land with it.
    """
    from sqlalchemy.exc import DatabaseError

    from db.migrate import current_revision, upgrade_to_head

    if not Path(path).is_file():
        raise PracticeFileError(f"There is no practice file at {path}.")
    # The real file, whatever name it was given by: its key file and lock are beside it.
    path = Path(os.path.realpath(path))
    check_shape(path)
    if recovery_key is not None:
        data_key = keys.parse_recovery_key(recovery_key)
    elif passphrase is not None:
        envelope = keys.read_envelope(path)
        data_key = envelope.open(passphrase)
    else:
        raise PracticeFileError("A passphrase or recovery key is needed to open the file.")
    lock = WriterLock(path).acquire()
    practice: PracticeFile | None = None
    try:
        connect_raw(path, data_key).close()
        for suffix in ("", *SIDE_FILES):
            make_private(path.with_name(path.name + suffix))
        practice = PracticeFile(path, data_key, lock)
        try:
            if current_revision(practice) is None:
                raise NotAPracticeFile(
                    f"{path.name} holds no books (its creation was cut short); restore it "
                    "from a backup, or delete it and its key file and run 'quietledger init'."
                )
            upgrade_to_head(practice, backup=True, after=practice.joined(on_upgrade))
        except (DatabaseError, sqlcipher.DatabaseError):
            raise _damaged(path, data_key) from None
        if passphrase is not None and envelope.needs_rewrap:
            # Stronger stretching for a key file written by an older version, atomically;
            # if it cannot be written now (a full disk), the old one still opens the file.
            with contextlib.suppress(OSError):
                keys.write_envelope(path, keys.KeyEnvelope.seal(data_key, passphrase))
    except BaseException:
        if practice is not None:
            practice.engine.dispose()
        lock.release()
        raise
    return practice


def _remove_quietly(path: Path) -> None:
    for candidate in (
        path,
        keys.key_file_for(path),
        *(path.with_name(path.name + s) for s in (*SIDE_FILES, ".lock")),
    ):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
