"""Rows a unit of work asks for again and again, held for as long as it lasts.

The session's identity map holds objects weakly: a billing unit, payment method
or service read by primary key is dropped as soon as the caller lets go of it,
and the next ``session.get`` reads it again. Posting a day's sessions asks for
the same few rows hundreds of times, so those lookups hold what they find.
Each lookup still goes through ``session.get``, so a row deleted or expired in
the meantime is seen as such.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")

_KEY = "held.rows"


def get_held(session: Session, model: type[T], ident: object) -> T | None:
    """``session.get(model, ident)``, kept in memory until the session ends."""
    row = session.get(model, ident)
    if row is not None:
        session.info.setdefault(_KEY, {})[(model, ident)] = row
    return row
