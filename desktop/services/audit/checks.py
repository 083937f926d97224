"""Checking an open practice file: the database, its encryption, its guards, the audit
chain, the books against the audit log, the ledger.

Each problem comes back as one plain sentence; an empty list means every check
passed. Nothing here changes the file.

SQLite's own checks and the ledger's invariants are SQL that SQLite runs without
holding Python's lock; the audit chain and the replay are Python. The two halves
run side by side, each on a connection of its own, so a check takes about as
long as the longer half rather than both.

What SQLite's part proves depends on the mode. Both read every page and verify
its authentication code (SQLCipher's ``cipher_integrity_check``), so a byte
changed anywhere in the file is found, and check the foreign keys. The quick
mode (``quietledger check``) adds SQLite's ``quick_check``: every table and
index is well-formed (pages, records, NOT NULL and CHECK constraints). The full
mode (``check --full``, and every backup and restore) runs ``integrity_check``
instead, which also proves that every index holds exactly its table's rows and
that unique keys are unique: it takes twice as long and finds only what SQLite
itself (or someone holding the key and editing pages by hand) got wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from db.errors import PracticeFileError
from db.guards import missing_guards
from desktop.services.audit.agreement import agreement_problems
from desktop.services.audit.anchors import Anchor, CloseAnchors, anchor_problem
from desktop.services.audit.log import verify_chain
from desktop.services.books.queries import ledger_problems
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace


def checks_done(*, full: bool) -> tuple[str, ...]:
    """What a check of this mode verified, as a list a person can read."""
    return (
        "encrypted pages",
        "database integrity" if full else "database structure",
        "foreign keys",
        "protective triggers and constraints",
        "audit chain",
        "books against the audit log",
        "ledger balances",
    )


def run_checks(workspace: Workspace, *, full: bool = True) -> list[str]:
    """Every problem found in the open practice file, one sentence each.

    ``full`` runs SQLite's complete integrity check (see the module's docstring);
    without it, its quick check.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="check") as sqlite_side:
        database = sqlite_side.submit(database_problems, workspace, full=full)
        ledger = sqlite_side.submit(_guarded, "ledger", lambda: workspace.read(ledger_problems))
        audit = _guarded("audit log", lambda: workspace.read(log_problems))
        problems = database.result() + audit + ledger.result()
    return [_sentence(p) for p in problems]


def log_problems(session: Session) -> list[str]:
    """The chain verified (with the month closes' chain heads found on the way), then the
    books replayed against it."""
    closes = CloseAnchors()
    report = verify_chain(session, visit=closes.visit)
    return [*report.problems, *closes.problems(session), *agreement_problems(session)]


def check_against(workspace: Workspace, anchor: Anchor, *, full: bool = True) -> list[str]:
    """Every check, and whether the chain still passes through ``anchor``."""
    problems = run_checks(workspace, full=full)
    found = _guarded(
        "audit log", lambda: [p for p in [workspace.read(anchor_problem, anchor)] if p]
    )
    return problems + [_sentence(p) for p in found]


def database_problems(workspace: Workspace, *, full: bool = True) -> list[str]:
    """SQLCipher's and SQLite's own checks, each on its own so one failure hides no other."""
    structure = "integrity_check" if full else "quick_check"
    try:
        conn = workspace.practice_file.raw_connection()
    except (sqlcipher.DatabaseError, PracticeFileError) as exc:
        return [f"The practice file cannot be read ({exc}); restore it from a backup."]
    try:
        # Page authentication first: it names damaged pages where SQLite would only fail.
        return [
            *_pragma(conn, "cipher_integrity_check", _cipher, "encrypted pages"),
            *_pragma(conn, structure, _integrity, "database integrity"),
            *_pragma(conn, "foreign_key_check", _foreign_keys, "foreign keys"),
            *_guarded_raw("protective triggers and constraints", lambda: missing_guards(conn)),
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


def _guarded(what: str, check: Callable[[], Sequence[str]]) -> list[str]:
    """A check's problems; a file too damaged to run it is a problem, not a crash."""
    try:
        return list(check())
    except (DatabaseError, ServiceError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return [f"The {what} could not be checked ({reason}); restore the file from a backup."]


def _guarded_raw(what: str, check: Callable[[], Sequence[str]]) -> list[str]:
    try:
        return list(check())
    except sqlcipher.DatabaseError as exc:
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


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
