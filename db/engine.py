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
from db.errors import NotAPracticeFile, PracticeFileError
from db.files import FILE_MODE, ensure_private_dir, make_private, write_private_atomically
from db.lock import WriterLock
from db.unlock import SIDE_FILES, Unlocked, connect_raw, damaged_file, unlock_practice_file
from db.writes import note_statement

# Where a session finds the audit chain's key (``Session.info``).
CHAIN_KEY = "audit.chain_key"


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
    unlocked = unlock_practice_file(path, passphrase=passphrase, recovery_key=recovery_key)
    return open_unlocked(unlocked, on_upgrade=on_upgrade)


def open_unlocked(
    unlocked: Unlocked, *, on_upgrade: Callable[[Session], None] | None = None
) -> PracticeFile:
    """Open an unlocked file's books (see ``open_practice_file``); its lock passes to the
    open file, and is released if the books cannot be opened."""
    from sqlalchemy.exc import DatabaseError

    from db.migrate import current_revision, upgrade_to_head

    path, data_key = unlocked.path, unlocked.data_key
    practice: PracticeFile | None = None
    try:
        practice = PracticeFile(path, data_key, unlocked.lock)
        try:
            if current_revision(practice) is None:
                raise NotAPracticeFile(
                    f"{path.name} holds no books (its creation was cut short); restore it "
                    "from a backup, or delete it and its key file and run 'quietledger init'."
                )
            upgrade_to_head(practice, backup=True, after=practice.joined(on_upgrade))
        except (DatabaseError, sqlcipher.DatabaseError):
            raise damaged_file(path, data_key) from None
        if unlocked.rewrap_with is not None:
            # Stronger stretching for a key file written by an older version, atomically;
            # if it cannot be written now (a full disk), the old one still opens the file.
            with contextlib.suppress(OSError):
                keys.write_envelope(path, keys.KeyEnvelope.seal(data_key, unlocked.rewrap_with))
    except BaseException:
        if practice is not None:
            practice.engine.dispose()
        unlocked.release()
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
