"""SQLCipher's and SQLite's own checks of a practice file, on a raw connection.

Both modes read every page and verify its authentication code (SQLCipher's
``cipher_integrity_check``), so a byte changed anywhere in the file is found, and
check the foreign keys. The quick mode (``quietledger check``) adds SQLite's
``quick_check``: every table and index is well-formed (pages, records, NOT NULL and
CHECK constraints). The full mode (``check --full``, and every backup and restore)
runs ``integrity_check`` instead, which also proves that every index holds exactly
its table's rows and that unique keys are unique: it takes twice as long and finds
only what SQLite itself (or someone holding the key and editing pages by hand) got
wrong.

Nothing here imports the ORM, so ``quietledger check`` starts these (the longest
part of a check) as soon as the file is unlocked, while the rest is still loading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future

import sqlcipher3.dbapi2 as sqlcipher

from db.errors import PracticeFileError
from db.unlock import Unlocked, connect_raw

Connect = Callable[[], sqlcipher.Connection]
_CACHE_KIB = 4096


def start_file_checks(pool: Executor, unlocked: Unlocked, *, full: bool) -> Future[list[str]]:
    """``file_problems`` of an unlocked file, started on ``pool``."""
    path, data_key = unlocked.path, unlocked.data_key
    return pool.submit(file_problems, lambda: connect_raw(path, data_key), full=full)


def file_problems(connect: Connect, *, full: bool = True) -> list[str]:
    """SQLCipher's and SQLite's own checks, each on its own so one failure hides no other."""
    structure = "integrity_check" if full else "quick_check"
    try:
        conn = connect()
    except (sqlcipher.DatabaseError, PracticeFileError) as exc:
        return [f"The practice file cannot be read ({exc}); restore it from a backup."]
    # The checks read each page about once: a small cache does, and the books' own
    # connections, checking beside this one, keep their memory.
    conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
    try:
        # Page authentication first: it names damaged pages where SQLite would only fail.
        return [
            *_pragma(conn, "cipher_integrity_check", _cipher, "encrypted pages"),
            *_pragma(conn, structure, _integrity, "database integrity"),
            *_pragma(conn, "foreign_key_check", _foreign_keys, "foreign keys"),
        ]
    finally:
        conn.close()


def _pragma(
    conn: sqlcipher.Connection,
    pragma: str,
    describe: Callable[[list[tuple[object, ...]]], list[str]],
    what: str,
) -> list[str]:
    try:
        return describe(conn.execute(f"PRAGMA {pragma}").fetchall())
    except sqlcipher.DatabaseError as exc:
        return [f"The {what} check could not finish ({exc}); restore the file from a backup."]


def guarded_raw(what: str, check: Callable[[], Sequence[str]]) -> list[str]:
    """A check's problems on a raw connection; a file too damaged to run it (or to be
    opened again) is a problem, not a crash."""
    try:
        return list(check())
    except (sqlcipher.DatabaseError, PracticeFileError) as exc:
        return [f"The {what} check could not finish ({exc}); restore the file from a backup."]


def _integrity(rows: Iterable[tuple[object, ...]]) -> list[str]:
    messages = [str(row[0]) for row in rows]
    if messages == ["ok"]:
        return []
    return [f"The database integrity check reports: {m}." for m in messages]


def _foreign_keys(rows: Iterable[tuple[object, ...]]) -> list[str]:
    # Rows are (table, rowid, parent table, foreign key index).
    return [
        f"Row {rowid} of {table} refers to a {parent} record that does not exist."
        for table, rowid, parent, *_ in rows
    ]


def _cipher(rows: Iterable[tuple[object, ...]]) -> list[str]:
    # SQLCipher returns one row per page whose authentication code does not match.
    return [f"The encrypted pages check reports: {row[0]}." for row in rows]
