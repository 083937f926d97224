"""Checking an open practice file: the database, its encryption, its guards, the audit
chain, the books against the audit log, the ledger.

Each problem comes back as one plain sentence; an empty list means every check
passed. Nothing here changes the file.

SQLite's own checks of the file (``file_checks``, where what each mode proves is
said) and the ledger's invariants are SQL that SQLite runs without holding
Python's lock; the audit chain and the replay are Python. They run side by side,
each on a connection of its own, so a check takes about as long as its longest
part rather than all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from db.guards import missing_guards
from desktop.services.audit.agreement import agreement_problems, stored_copy_problems
from desktop.services.audit.anchors import Anchor, CloseAnchors, anchor_problem
from desktop.services.audit.file_checks import file_problems, guarded_raw
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


def run_checks(
    workspace: Workspace, *, full: bool = True, file_checks: Future[list[str]] | None = None
) -> list[str]:
    """Every problem found in the open practice file, one sentence each.

    ``full`` runs SQLite's complete integrity check (see ``file_checks``); without it,
    its quick check. ``file_checks`` is that part when it was started before the books
    were opened (``file_checks.start_file_checks``).
    """
    raw = workspace.practice_file.raw_connection
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="check") as sqlite_side:
        if file_checks is None:
            file_checks = sqlite_side.submit(file_problems, raw, full=full)
        ledger = sqlite_side.submit(_guarded, "ledger", lambda: workspace.read(ledger_problems))
        audit = _guarded("audit log", lambda: workspace.read(_small_cache(log_problems)))
        guards = guarded_raw("protective triggers and constraints", lambda: _missing_guards(raw))
        problems = file_checks.result() + guards + audit + ledger.result()
    return [_sentence(p) for p in problems]


def _small_cache(query: Callable[[Session], list[str]]) -> Callable[[Session], list[str]]:
    """``query`` run with its connection's page cache kept small: the chain and the replay
    read each page of the log about once, and the checks beside them need the memory."""

    def run(session: Session) -> list[str]:
        conn = session.connection()
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{_STREAMED_CACHE_KIB}")
        try:
            return query(session)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")

    return run


_STREAMED_CACHE_KIB = 4096


def _missing_guards(connect: Callable[[], sqlcipher.Connection]) -> list[str]:
    conn = connect()
    try:
        return missing_guards(conn)
    finally:
        conn.close()


def log_problems(session: Session) -> list[str]:
    """The chain verified (with the month closes' chain heads found on the way), then the
    books replayed against it."""
    closes = CloseAnchors()
    report = verify_chain(session, visit=closes.visit)
    return [
        *report.problems,
        *closes.problems(session),
        *agreement_problems(session),
        *stored_copy_problems(session),
    ]


def check_against(
    workspace: Workspace,
    anchor: Anchor,
    *,
    full: bool = True,
    file_checks: Future[list[str]] | None = None,
) -> list[str]:
    """Every check, and whether the chain still passes through ``anchor``."""
    problems = run_checks(workspace, full=full, file_checks=file_checks)
    found = _guarded(
        "audit log", lambda: [p for p in [workspace.read(anchor_problem, anchor)] if p]
    )
    return problems + [_sentence(p) for p in found]


def _guarded(what: str, check: Callable[[], Sequence[str]]) -> list[str]:
    """A check's problems; a file too damaged to run it is a problem, not a crash."""
    try:
        return list(check())
    except (DatabaseError, ServiceError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return [f"The {what} could not be checked ({reason}); restore the file from a backup."]


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
