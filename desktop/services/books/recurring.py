"""Regular slots: a client seen every week (or every 2-4 weeks) on the same day and time.

A slot lives on the billing unit. ``due_in_week`` lists the slots that fall in a
week and have no session on that day yet; ``record_week`` records them with the
unit's defaults, so a regular week is one action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit
from db.models import Session as SessionRecord
from desktop.services.books.sessions import SessionInput, SessionRow, defaults_for, record_session
from desktop.services.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Slot:
    unit_id: int
    unit_name: str
    on: date
    start_time: time | None
    minutes: int | None


def set_slot(
    session: Session,
    unit_id: int,
    weekday: int | None,
    at: time | None = None,
    *,
    every_weeks: int = 1,
    start: date | None = None,
    minutes: int | None = None,
) -> None:
    """Give a unit a regular slot (weekday 0 = Monday), or clear it with ``weekday=None``."""
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file.")
    if weekday is not None and not 0 <= weekday <= 6:
        raise InvalidInput("Choose a day of the week.", field="weekday")
    if not 1 <= every_weeks <= 4:
        raise InvalidInput("A slot repeats every 1 to 4 weeks.", field="every_weeks")
    unit.recurring_weekday = weekday
    unit.recurring_time = at if weekday is not None else None
    unit.recurring_every_weeks = every_weeks if weekday is not None else None
    unit.recurring_start = (start or date.today()) if weekday is not None else None
    unit.recurring_minutes = minutes if weekday is not None else None
    session.flush()


def due_in_week(session: Session, monday: date) -> list[Slot]:
    """Active units whose slot falls in the week starting ``monday``, not yet recorded."""
    units = session.execute(
        select(BillingUnit).where(
            BillingUnit.active.is_(True), BillingUnit.recurring_weekday.is_not(None)
        )
    ).scalars()
    slots = []
    for unit in units:
        day = monday + timedelta(days=unit.recurring_weekday or 0)
        start = unit.recurring_start or day
        weeks = (day - start).days // 7
        if day < start or weeks % (unit.recurring_every_weeks or 1):
            continue
        slots.append(Slot(unit.id, unit.name, day, unit.recurring_time, unit.recurring_minutes))
    if not slots:
        return []
    booked = {
        (unit_id, on)
        for unit_id, on in session.execute(
            select(SessionRecord.unit_id, SessionRecord.service_date).where(
                SessionRecord.service_date.between(monday, monday + timedelta(days=6)),
                SessionRecord.voided_at.is_(None),
            )
        )
    }
    return sorted(
        (s for s in slots if (s.unit_id, s.on) not in booked),
        key=lambda s: (s.on, s.start_time or time.min, s.unit_name),
    )


def record_week(session: Session, monday: date) -> list[SessionRow]:
    """Record every slot due in the week, attended, with each unit's defaults."""
    rows = []
    for slot in due_in_week(session, monday):
        defaults = defaults_for(session, slot.unit_id, slot.minutes)
        rows.append(
            record_session(
                session,
                SessionInput(
                    unit_id=slot.unit_id,
                    service_date=slot.on,
                    service_code=defaults.service_code,
                    minutes=slot.minutes or defaults.minutes,
                    start_time=slot.start_time,
                ),
            )
        )
    return rows
