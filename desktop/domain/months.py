"""Calendar arithmetic the pages page by: a month's first and last day, months and weeks."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])


def shift_month(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s (before it, if negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())
