"""What a billing unit keeps for its next sessions, read back from ``billing_units.csv``:
its usual service, its own place of service and modifiers (blank: the payer's, else the
practice's), and its regular slot (day, time, every how many weeks, from when, minutes).

An export without these columns (an older one) leaves the units as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Service
from desktop.services.audit import log as audit
from desktop.services.books.recurring import set_slot
from desktop.services.transfer.export_practice import WEEKDAYS
from desktop.services.transfer.format import FieldError, parse_choice, parse_date, parse_time
from desktop.services.transfer.importing.common import Findings
from desktop.services.transfer.importing.folder_run import parsed, whole
from desktop.services.transfer.importing.sessions import parse_modifiers, parse_place_of_service

COLUMNS = (
    "usual_service",
    "place_of_service",
    "modifiers",
    "recurring_weekday",
    "recurring_time",
    "recurring_every_weeks",
    "recurring_start",
    "recurring_minutes",
)


@dataclass(frozen=True)
class UnitSettings:
    default_service_id: int | None
    place_of_service: str | None
    modifiers: str | None
    recurring_weekday: int | None
    recurring_time: time | None
    recurring_every_weeks: int | None
    recurring_start: date | None
    recurring_minutes: int | None


def read(session: Session, found: Findings, number: int, row: dict[str, str]) -> UnitSettings:
    """The row's settings; each cell that cannot be read is a problem on its row."""
    service_id = None
    if code := row["usual_service"].upper():
        service_id = session.scalar(select(Service.id).where(Service.code == code))
        if service_id is None:
            found.add(number, "usual_service", f"There is no service {code} in services.csv.")

    def cell(column: str, parse: Any) -> Any:
        return parsed(found, number, column, parse, row[column]) if row[column] else None

    weekday = cell("recurring_weekday", _weekday)
    slot = weekday is not None
    return UnitSettings(
        default_service_id=service_id,
        place_of_service=cell("place_of_service", parse_place_of_service),
        modifiers=cell("modifiers", parse_modifiers),
        recurring_weekday=weekday,
        recurring_time=cell("recurring_time", parse_time) if slot else None,
        recurring_every_weeks=(
            parsed(
                found,
                number,
                "recurring_every_weeks",
                whole(1, 4, "weeks between slots", "1"),
                row["recurring_every_weeks"],
            )
            if slot
            else None
        ),
        recurring_start=cell("recurring_start", parse_date) if slot else None,
        recurring_minutes=(
            cell("recurring_minutes", whole(0, 600, "minutes", "")) if slot else None
        ),
    )


def _weekday(text: str) -> int:
    try:
        return [d.lower() for d in WEEKDAYS].index(parse_choice(text, _DAYS))
    except FieldError:
        raise FieldError(f"'{text}' is not a day of the week, such as Monday.") from None


_DAYS = tuple(d.lower() for d in WEEKDAYS)


def apply(session: Session, unit: BillingUnit, wanted: UnitSettings) -> bool:
    """Give the unit these settings; whether anything changed. The usual service, place of
    service and modifiers are audited as a change to the unit; the slot is set as the
    client's page sets it."""
    held = UnitSettings(*(getattr(unit, f.name) for f in fields(UnitSettings)))
    if held == wanted:
        return False
    own = ("default_service_id", "place_of_service", "modifiers")
    before = {name: getattr(held, name) for name in own}
    after = {name: getattr(wanted, name) for name in own}
    if before != after:
        for name, value in after.items():
            setattr(unit, name, value)
        session.flush()
        audit.record(
            session, "update", "billing_unit", unit.id, before=before, after=after, unit_id=unit.id
        )
    slot = [f.name for f in fields(UnitSettings) if f.name.startswith("recurring_")]
    if any(getattr(held, name) != getattr(wanted, name) for name in slot):
        set_slot(
            session,
            unit.id,
            wanted.recurring_weekday,
            wanted.recurring_time,
            every_weeks=wanted.recurring_every_weeks or 1,
            start=wanted.recurring_start,
            minutes=wanted.recurring_minutes,
        )
    return True
