"""Plain SQL read through whatever holds the connection: an ORM session or a bare one.

A query kept here as a SQL string with ``:named`` parameters runs unchanged on both:
the window and month-end read it through their session (inside its transaction, after
its autoflush), while a command that needs nothing else from the books reads it on a
raw SQLCipher connection and never loads SQLAlchemy (``quietledger report aging``).
A function that takes a ``Source`` accepts either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher
    from sqlalchemy.orm import Session

Params = Mapping[str, object]
NO_PARAMS: Params = {}


@dataclass(frozen=True)
class Reader:
    """``rows(sql, params)``: every row of a statement, as plain tuples of stored values.

    ``info`` is where a reading is told how to answer (``closed_balances.whole_history``):
    the session's own ``info``, or a dictionary of its own on a raw connection.
    """

    rows: Callable[[str, Params], list[tuple]]
    info: dict[str, Any] = field(default_factory=dict)

    def first(self, sql: str, params: Params = NO_PARAMS) -> tuple | None:
        found = self.rows(sql, params)
        return found[0] if found else None


Source: TypeAlias = "Session | Reader"


def reader(source: Source) -> Reader:
    """The reader of a session, or the reader itself."""
    return source if isinstance(source, Reader) else session_reader(source)


def session_reader(session: Session) -> Reader:
    # A session is open, so SQLAlchemy is loaded already.
    from sqlalchemy import text

    def rows(sql: str, params: Params) -> list[tuple]:
        return [tuple(row) for row in session.execute(text(sql), params)]

    return Reader(rows, session.info)


def connection_reader(conn: sqlcipher.Connection) -> Reader:
    """A reader on a raw connection: the caller holds its transaction."""

    def rows(sql: str, params: Params) -> list[tuple]:
        cursor = conn.execute(sql, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    return Reader(rows)


def write(session: Session, sql: str, params: Params = NO_PARAMS) -> None:
    """Run a statement that writes, in the session's transaction."""
    from sqlalchemy import text

    session.execute(text(sql), params)
