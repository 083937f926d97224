"""Checking an open practice file: the database, its encryption, its guards, the audit
chain, the books against the audit log, the ledger.

Each problem comes back as one plain sentence; an empty list means every check
passed. Nothing here changes the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

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

CHECKS_DONE = (
    "encrypted pages",
    "database integrity",
    "foreign keys",
    "protective triggers and constraints",
    "audit chain",
    "books against the audit log",
    "ledger balances",
)


def run_checks(workspace: Workspace) -> list[str]:
    """Every problem found in the open practice file, one sentence each."""
    problems = database_problems(workspace)
    problems += _guarded("audit log", lambda: workspace.read(log_problems))
    problems += _guarded("ledger", lambda: workspace.read(ledger_problems))
    return [_sentence(p) for p in problems]


def log_problems(session: Session) -> list[str]:
    """The chain verified (with the month closes' chain heads found on the way), then the
    books replayed against it."""
    closes = CloseAnchors()
    report = verify_chain(session, visit=closes.visit)
    return [*report.problems, *closes.problems(session), *agreement_problems(session)]


def check_against(workspace: Workspace, anchor: Anchor) -> list[str]:
    """Every check, and whether the chain still passes through ``anchor``."""
    problems = run_checks(workspace)
    found = _guarded(
        "audit log", lambda: [p for p in [workspace.read(anchor_problem, anchor)] if p]
    )
    return problems + [_sentence(p) for p in found]


def database_problems(workspace: Workspace) -> list[str]:
    """SQLCipher's and SQLite's own checks, each on its own so one failure hides no other."""
    try:
        conn = workspace.practice_file.raw_connection()
    except (sqlcipher.DatabaseError, PracticeFileError) as exc:
        return [f"The practice file cannot be read ({exc}); restore it from a backup."]
    try:
        # Page authentication first: it names damaged pages where SQLite would only fail.
        return [
            *_pragma(conn, "cipher_integrity_check", _cipher, "encrypted pages"),
            *_pragma(conn, "integrity_check", _integrity, "database integrity"),
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
