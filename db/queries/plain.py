"""Rows straight from the driver, for the checks that stream ten years of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

_BATCH = 2000


def plain_rows(
    session: Session, sql: str, params: Sequence[object] = (), *, batch: int = _BATCH
) -> Iterator[tuple]:
    """The rows of ``sql`` as the driver gives them (tuples of stored values), read in
    batches on the session's connection, inside its transaction.

    No SQLAlchemy result object stands between: over a hundred thousand rows its
    wrapping of each batch costs more than reading them. A damaged file still raises
    SQLAlchemy's ``DatabaseError``, as every other read does. Rows holding files (a
    PDF) are read in smaller ``batch``es.
    """
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, tuple(params))
    except sqlcipher.DatabaseError as exc:
        cursor.close()
        raise DatabaseError(sql, params, exc) from exc
    return chain.from_iterable(_batches(cursor, sql, params, batch))  # no Python code for each row


def _batches(cursor: Any, sql: str, params: Sequence[object], size: int) -> Iterator[list[tuple]]:
    try:
        while batch := cursor.fetchmany(size):
            yield batch
    except sqlcipher.DatabaseError as exc:
        raise DatabaseError(sql, params, exc) from exc
    finally:
        cursor.close()
