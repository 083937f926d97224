"""The books read on the unlocked file's raw SQLCipher connection, without SQLAlchemy.

A command that only reads plain SQL (``quietledger report aging``: queries written for
a ``db.queries.reader.Source``) need not import the ORM and build the mapped models,
which would cost it most of its time. ``PlainBooks`` reads on a raw connection when
the file is exactly what this version writes: at the migrations' head, its key file
current. Otherwise, and whenever a raw read fails, it opens the ``Workspace`` and reads
there: an older file is then upgraded as on every open, and a newer, damaged or
bookless one is refused in the workspace's own sentences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import sqlcipher3.dbapi2 as sqlcipher

from db.errors import PracticeFileError
from db.migrate import head_revision, revision_on
from db.queries.reader import Source, connection_reader
from db.unlock import Unlocked, connect_raw

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace

P = ParamSpec("P")
T = TypeVar("T")


class PlainBooks:
    """An unlocked practice file's books, for reading only; it holds the file's lock
    until ``close``."""

    def __init__(self, unlocked: Unlocked) -> None:
        self._unlocked = unlocked
        self._workspace: Workspace | None = None
        try:
            # A key file to rewrap is written when the workspace opens the file.
            self._conn = _at_head(unlocked) if unlocked.rewrap_with is None else None
        except BaseException:
            unlocked.release()
            raise
        if self._conn is None:
            self._open_workspace()  # which releases the lock if it cannot open the books

    @property
    def plain(self) -> bool:
        """Whether reads go to the raw connection (not through the workspace)."""
        return self._conn is not None

    def read(
        self, query: Callable[Concatenate[Source, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``query`` run in one read transaction; nothing it does is saved."""
        if self._conn is not None:
            try:
                return read_on(self._conn, query, *args, **kwargs)
            except sqlcipher.ProgrammingError:
                raise  # a mistake in a statement, not the file's
            except sqlcipher.DatabaseError:
                self._close_connection()
                self._open_workspace()
        assert self._workspace is not None
        return self._workspace.read(query, *args, **kwargs)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            return
        self._close_connection()
        self._unlocked.release()

    def __enter__(self) -> PlainBooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_workspace(self) -> None:
        from desktop.services.workspace import Workspace

        self._workspace = Workspace.open_unlocked(self._unlocked)

    def _close_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _at_head(unlocked: Unlocked) -> sqlcipher.Connection | None:
    """A raw connection to the file when its schema is this version's, else None."""
    try:
        conn = connect_raw(unlocked.path, unlocked.data_key)
    except PracticeFileError:
        return None
    try:
        if revision_on(conn) == head_revision():
            return conn
    except sqlcipher.DatabaseError:
        pass
    conn.close()
    return None


def read_on(
    conn: sqlcipher.Connection,
    query: Callable[Concatenate[Source, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``query`` read on a raw connection in one transaction, so every statement of it
    sees the same books; rolled back at the end."""
    conn.execute("BEGIN")
    try:
        return query(connection_reader(conn), *args, **kwargs)
    finally:
        with contextlib.suppress(sqlcipher.Error):
            conn.execute("ROLLBACK")
