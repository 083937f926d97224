"""Business days and the Good Faith Estimate deadlines of 45 CFR 149.610(b)(1).

A business day is a working weekday of the practice (Monday to Friday unless it
says otherwise) that is not a US federal holiday. Holidays count on the day they
are observed: when one falls on a Saturday the Friday before is off, on a Sunday
the Monday after (so New Year's Day 2028, a Saturday, closes Friday 12/31/2027).
The dates come from the ``holidays`` package, never from a list kept here; it is
the one package this layer uses beyond the standard library, because holiday
rules (observance, new holidays such as Juneteenth) are data, not arithmetic.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

MONDAY_TO_FRIDAY: frozenset[int] = frozenset({0, 1, 2, 3, 4})

# 149.610(b)(1): how far ahead a service is scheduled decides how soon the estimate is due.
REQUEST_DAYS = 3  # on request: within 3 business days of the request
FAR_AHEAD_DAYS = 10  # scheduled at least 10 business days ahead ...
FAR_AHEAD_DUE_DAYS = 3  # ... due within 3 business days of scheduling
NEAR_AHEAD_DAYS = 3  # scheduled at least 3 business days ahead ...
NEAR_AHEAD_DUE_DAYS = 1  # ... due within 1 business day of scheduling


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    """The US federal holidays of ``year`` on their observed dates (and actual dates).

    A holiday observed in another calendar year (New Year's Day on a Saturday,
    observed on 31 December) belongs to the year it is observed in.
    """
    return frozenset(holidays.country_holidays("US", years=year, observed=True))


def _checked(workdays: frozenset[int]) -> frozenset[int]:
    if not workdays or not workdays <= frozenset(range(7)):
        raise ValueError("Working days are weekday numbers from 0 (Monday) to 6 (Sunday).")
    return workdays


def is_business_day(day: date, workdays: frozenset[int] = MONDAY_TO_FRIDAY) -> bool:
    """True when ``day`` is a working weekday and not a US federal holiday (as observed)."""
    return day.weekday() in _checked(workdays) and day not in _federal_holidays(day.year)


def add_business_days(day: date, count: int, workdays: frozenset[int] = MONDAY_TO_FRIDAY) -> date:
    """The ``count``-th business day after ``day``; ``day`` itself never counts.

    ``count`` 0 gives ``day`` back unchanged (business day or not).
    """
    if count < 0:
        raise ValueError("Count business days forward: the count cannot be negative.")
    _checked(workdays)
    current = day
    remaining = count
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current, workdays):
            remaining -= 1
    return current


def gfe_due_date(
    scheduled_on: date,
    first_service: date,
    *,
    requested: bool,
    workdays: frozenset[int] = MONDAY_TO_FRIDAY,
) -> date | None:
    """The last day a Good Faith Estimate may be given, per 45 CFR 149.610(b)(1).

    ``scheduled_on`` is the day the service was scheduled, or, when ``requested``,
    the day the client asked for an estimate. On request the estimate is due
    within 3 business days. A service scheduled at least 10 business days ahead
    gets it within 3 business days of scheduling; at least 3 business days
    ahead, within 1 business day. Closer than that the rule sets no deadline and
    None is returned: the practice gives the estimate no later than the visit.

    Raises ValueError when the service comes before the day it was scheduled.
    """
    if first_service < scheduled_on:
        raise ValueError("The first service is before the day it was scheduled.")
    if requested:
        return add_business_days(scheduled_on, REQUEST_DAYS, workdays)
    if first_service >= add_business_days(scheduled_on, FAR_AHEAD_DAYS, workdays):
        return add_business_days(scheduled_on, FAR_AHEAD_DUE_DAYS, workdays)
    if first_service >= add_business_days(scheduled_on, NEAR_AHEAD_DAYS, workdays):
        return add_business_days(scheduled_on, NEAR_AHEAD_DUE_DAYS, workdays)
    return None


def is_late(issued_on: date, due: date | None) -> bool:
    """True when an estimate was given after its due date; never when there was none."""
    return due is not None and issued_on > due
