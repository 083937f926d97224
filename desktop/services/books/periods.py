"""Closing the books through a date (keeping what they hold then), and reopening them
with a reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.queries.closed_balances import forget_closed_balances, keep_closed_balances
from desktop.domain.dates import us_date
from desktop.services.audit import log as audit
from desktop.services.books import dates
from desktop.services.errors import InvalidInput
from desktop.services.practice.settings import practice_row


def closed_through(session: Session) -> date | None:
    return practice_row(session).closed_through


def close_period(session: Session, through: date, *, today: date | None = None) -> date:
    """Close the books through ``through``: nothing dated on or before it can be posted."""
    practice = practice_row(session)
    today = today or date.today()
    if through >= today:
        raise InvalidInput(
            "Only days that are over can be closed; choose a date before today.", field="through"
        )
    current = practice.closed_through
    if current is not None and through <= current:
        raise InvalidInput(
            f"The books are already closed through {us_date(current)}; to close less, "
            "reopen with a reason.",
            field="through",
        )
    # Nothing can be posted on or before ``through`` now: what it holds is kept, so
    # reports after it start there rather than at the first entry.
    keep_closed_balances(session, through)
    practice.closed_through = through
    dates.forget_closed_through(session)
    session.flush()
    # The chain head the close saw is kept in the closing entry (and shown to whoever
    # closes): ``check`` proves later that the log still passes through it.
    head = audit.chain_head(session)
    seen = None if head is None else {"entry": head.entry_id, "hash": head.entry_hash}
    audit.record(
        session,
        "close",
        "period",
        1,
        before={"closed_through": current},
        after={"closed_through": through, "audit_head": seen},
    )
    return through


def reopen_period(session: Session, to: date | None, reason: str) -> date | None:
    """Move the closed-through date back (to ``to``, or open everything), with a reason."""
    if not reason.strip():
        raise InvalidInput("Say why the period is being reopened.", field="reason")
    practice = practice_row(session)
    current = practice.closed_through
    if current is None:
        raise InvalidInput("No period is closed.", field="to")
    if to is not None and to >= current:
        raise InvalidInput(f"Reopening moves the date back from {us_date(current)}.", field="to")
    # Days after ``to`` take entries again: what is kept moves back to ``to`` (or goes,
    # when everything is open, and reports read the whole history).
    if to is None:
        forget_closed_balances(session)
    else:
        keep_closed_balances(session, to)
    practice.closed_through = to
    dates.forget_closed_through(session)
    session.flush()
    audit.record(
        session,
        "reopen",
        "period",
        1,
        before={"closed_through": current},
        after={"closed_through": to, "reason": reason.strip()},
    )
    return to
