"""The dates the books accept: today, and the closed period no entry may be dated in.

Every posting asks ``ensure_open`` before it writes, and allocations are never dated
before ``first_open_day``. The closed-through date is read once per unit of work and
held in the session; closing or reopening (``periods``) forgets it, so the next entry
reads it again.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Practice
from desktop.domain.dates import us_date
from desktop.services.errors import PeriodClosed

_CLOSED_KEY = "ledger.closed_through"


def closed_through(session: Session) -> date | None:
    """The closed-through date, read once per unit of work (periods.py refreshes it)."""
    if _CLOSED_KEY not in session.info:
        session.info[_CLOSED_KEY] = session.execute(
            select(Practice.closed_through)
        ).scalar_one_or_none()
    return session.info[_CLOSED_KEY]


def forget_closed_through(session: Session) -> None:
    session.info.pop(_CLOSED_KEY, None)


def first_open_day(session: Session) -> date | None:
    closed = closed_through(session)
    return closed + timedelta(days=1) if closed else None


def ensure_open(session: Session, on: date, what: str = "This entry") -> None:
    """Refuse a date on or before the closed-through date."""
    closed = closed_through(session)
    if closed is not None and on <= closed:
        raise PeriodClosed(
            f"{what} is dated {us_date(on)}, but the books are closed through "
            f"{us_date(closed)}; date it after {us_date(closed)} or reopen the period."
        )


def today() -> date:
    return date.today()
