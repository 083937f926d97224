"""Checking an open practice file: the database, its encryption, the audit chain, the ledger.

Each problem comes back as one plain sentence; an empty list means every check
passed. Nothing here changes the file.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlcipher3.dbapi2 as sqlcipher

from desktop.services.audit import verify_chain
from desktop.services.books import ledger_problems
from desktop.services.workspace import Workspace

CHECKS_DONE = (
    "database integrity",
    "foreign keys",
    "encrypted pages",
    "audit chain",
    "ledger balances",
)


def run_checks(workspace: Workspace) -> list[str]:
    """Every problem found in the open practice file, one sentence each."""
    problems = database_problems(workspace)
    problems += [_sentence(p) for p in workspace.read(lambda s: verify_chain(s).problems)]
    problems += [_sentence(p) for p in workspace.read(ledger_problems)]
    return problems


def database_problems(workspace: Workspace) -> list[str]:
    """SQLite's and SQLCipher's own checks, on a fresh keyed connection."""
    try:
        conn = workspace.practice_file.raw_connection()
    except sqlcipher.DatabaseError as exc:
        return [f"The practice file cannot be read ({exc}); restore it from a backup."]
    try:
        return [
            *_integrity(conn.execute("PRAGMA integrity_check").fetchall()),
            *_foreign_keys(conn.execute("PRAGMA foreign_key_check").fetchall()),
            *_cipher(conn.execute("PRAGMA cipher_integrity_check").fetchall()),
        ]
    except sqlcipher.DatabaseError as exc:
        return [f"The practice file could not be checked ({exc}); restore it from a backup."]
    finally:
        conn.close()


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
