"""The printer offset for the data-only CMS-1500: how far this printer's output must move
to land in the red form's boxes.

Every printer feeds paper a little differently, so practice tools that print on
the pre-printed form let the user shift the data. The shift is kept in points
(1/72 inch) as a small settings row; a person may give it in points or in
tenths of an inch (one column of the form's 10-pitch grid, 7.2 points).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting
from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput

RIGHT_KEY = "cms1500_offset_right_pt"
DOWN_KEY = "cms1500_offset_down_pt"
LIMIT_POINTS = Decimal("72")  # an inch either way; more is a wrong paper setting, not drift
POINTS_PER_TENTH = Decimal("7.2")


class OffsetUnit(StrEnum):
    POINTS = "pt"
    TENTHS = "tenth"  # 1/10 inch

    @property
    def label(self) -> str:
        return "points (1/72 inch)" if self is OffsetUnit.POINTS else "tenths of an inch"


@dataclass(frozen=True)
class PrintOffset:
    """Right and down are positive, in points."""

    right: Decimal = Decimal("0")
    down: Decimal = Decimal("0")

    def shown_in(self, unit: OffsetUnit) -> tuple[Decimal, Decimal]:
        if unit is OffsetUnit.POINTS:
            return self.right, self.down
        return (
            (self.right / POINTS_PER_TENTH).quantize(Decimal("0.01")),
            (self.down / POINTS_PER_TENTH).quantize(Decimal("0.01")),
        )


def to_points(text: str, unit: OffsetUnit, field: str) -> Decimal:
    """A typed shift (``-1.5``) in ``unit`` as points; refuses what is not a number."""
    try:
        value = Decimal(text.strip() or "0")
    except InvalidOperation:
        raise InvalidInput(
            f"'{text.strip()}' is not a number; type a shift such as 3 or -1.5.", field=field
        ) from None
    if not value.is_finite():
        raise InvalidInput("Type a shift such as 3 or -1.5.", field=field)
    points = value if unit is OffsetUnit.POINTS else value * POINTS_PER_TENTH
    return points.quantize(Decimal("0.01"))


def get_print_offset(session: Session) -> PrintOffset:
    query = select(Setting.key, Setting.value).where(Setting.key.in_((RIGHT_KEY, DOWN_KEY)))
    stored: dict[str, str] = dict(session.execute(query).all())
    try:
        return PrintOffset(Decimal(stored.get(RIGHT_KEY, "0")), Decimal(stored.get(DOWN_KEY, "0")))
    except InvalidOperation:
        return PrintOffset()  # only an edited export brings text like this in


def set_print_offset(session: Session, offset: PrintOffset) -> PrintOffset:
    """Keep the offset (audited); refuses a shift of more than an inch."""
    for field, value in (("right", offset.right), ("down", offset.down)):
        if abs(value) > LIMIT_POINTS:
            raise InvalidInput(
                "Shift the print by at most an inch (72 points, 10 tenths); a larger gap means "
                "the printer's paper size or scaling is wrong: print at 100% on Letter paper.",
                field=field,
            )
    before = get_print_offset(session)
    for key, value in ((RIGHT_KEY, offset.right), (DOWN_KEY, offset.down)):
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=str(value)))
        else:
            row.value = str(value)
    session.flush()
    audit.record(
        session,
        "update",
        "settings",
        1,
        before={RIGHT_KEY: before.right, DOWN_KEY: before.down},
        after={RIGHT_KEY: offset.right, DOWN_KEY: offset.down},
    )
    return get_print_offset(session)
