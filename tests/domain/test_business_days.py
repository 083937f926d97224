"""Business days and the Good Faith Estimate deadlines (45 CFR 149.610(b)(1))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.business_days import (
    MONDAY_TO_FRIDAY,
    add_business_days,
    gfe_due_date,
    is_business_day,
    is_late,
)

MONDAY_TO_THURSDAY = frozenset({0, 1, 2, 3})


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 26), False),  # Thanksgiving, a Thursday
        (date(2026, 11, 27), True),  # the Friday after is not a federal holiday
        (date(2026, 7, 3), False),  # Independence Day (a Saturday) observed on Friday
        (date(2026, 7, 4), False),  # the Saturday itself
        (date(2026, 7, 6), True),
        (date(2027, 6, 18), False),  # Juneteenth (a Saturday) observed on Friday
        (date(2027, 12, 24), False),  # Christmas (a Saturday) observed on Friday
        (date(2027, 12, 31), False),  # New Year's Day 2028 (a Saturday) observed in 2027
        (date(2027, 12, 30), True),
        (date(2028, 1, 3), True),
        (date(2026, 3, 7), False),  # a Saturday
        (date(2026, 3, 8), False),  # a Sunday
        (date(2026, 3, 9), True),
    ],
)
def test_business_days_skip_weekends_and_observed_federal_holidays(
    day: date, expected: bool
) -> None:
    assert is_business_day(day) is expected


def test_a_custom_workweek_makes_friday_a_day_off() -> None:
    assert is_business_day(date(2026, 3, 6))
    assert not is_business_day(date(2026, 3, 6), MONDAY_TO_THURSDAY)
    assert not is_business_day(date(2026, 11, 26), MONDAY_TO_THURSDAY)  # still a holiday


def test_a_workweek_must_name_real_weekdays() -> None:
    with pytest.raises(ValueError, match="weekday numbers"):
        is_business_day(date(2026, 3, 2), frozenset())
    with pytest.raises(ValueError, match="weekday numbers"):
        add_business_days(date(2026, 3, 2), 1, frozenset({7}))


def test_adding_business_days_across_thanksgiving() -> None:
    tuesday = date(2026, 11, 24)
    assert add_business_days(tuesday, 1) == date(2026, 11, 25)
    assert add_business_days(tuesday, 2) == date(2026, 11, 27)  # Thursday skipped
    assert add_business_days(tuesday, 3) == date(2026, 11, 30)
    assert add_business_days(tuesday, 10) == date(2026, 12, 9)


def test_adding_business_days_over_the_christmas_and_new_year_fridays() -> None:
    thursday = date(2027, 12, 23)
    assert add_business_days(thursday, 1) == date(2027, 12, 27)
    assert add_business_days(thursday, 4) == date(2027, 12, 30)
    assert add_business_days(thursday, 5) == date(2028, 1, 3)
    assert add_business_days(thursday, 10) == date(2028, 1, 10)


def test_the_day_itself_never_counts_and_zero_gives_it_back() -> None:
    monday = date(2026, 3, 2)
    assert add_business_days(monday, 1) == date(2026, 3, 3)
    assert add_business_days(monday, 0) == monday
    with pytest.raises(ValueError, match="negative"):
        add_business_days(monday, -1)


def test_scheduled_ten_business_days_ahead_is_due_in_three_across_thanksgiving() -> None:
    tuesday = date(2026, 11, 24)
    assert gfe_due_date(tuesday, date(2026, 12, 9), requested=False) == date(2026, 11, 30)
    # One business day short of ten: the one-day deadline applies.
    assert gfe_due_date(tuesday, date(2026, 12, 8), requested=False) == date(2026, 11, 25)
    # Scheduled the day before Thanksgiving: one business day is the Friday.
    assert gfe_due_date(date(2026, 11, 25), date(2026, 12, 1), requested=False) == date(
        2026, 11, 27
    )


def test_independence_day_observed_on_friday_moves_the_deadline_to_monday() -> None:
    thursday = date(2026, 7, 2)
    assert gfe_due_date(thursday, date(2026, 7, 9), requested=False) == date(2026, 7, 6)
    assert gfe_due_date(thursday, date(2026, 7, 30), requested=False) == date(2026, 7, 8)


def test_the_christmas_and_new_year_stretch() -> None:
    thursday = date(2027, 12, 23)
    assert gfe_due_date(thursday, date(2028, 1, 10), requested=False) == date(2027, 12, 29)
    assert gfe_due_date(thursday, date(2028, 1, 7), requested=False) == date(2027, 12, 27)


def test_scheduled_on_a_saturday_counts_from_monday() -> None:
    saturday = date(2026, 3, 7)
    assert gfe_due_date(saturday, date(2026, 3, 11), requested=False) == date(2026, 3, 9)
    assert gfe_due_date(saturday, date(2026, 3, 20), requested=False) == date(2026, 3, 11)
    assert gfe_due_date(saturday, date(2026, 3, 10), requested=False) is None


def test_a_monday_to_thursday_practice() -> None:
    thursday = date(2026, 3, 5)
    # Friday is not a business day, so one business day after Thursday is Monday.
    assert gfe_due_date(
        thursday, date(2026, 3, 12), requested=False, workdays=MONDAY_TO_THURSDAY
    ) == date(2026, 3, 9)
    assert gfe_due_date(thursday, date(2026, 3, 12), requested=False) == date(2026, 3, 6)


@pytest.mark.parametrize(
    ("first_service", "due"),
    [
        (date(2026, 3, 16), date(2026, 3, 5)),  # exactly 10 business days ahead: 3 days
        (date(2026, 3, 13), date(2026, 3, 3)),  # 9 business days: 1 day
        (date(2026, 3, 5), date(2026, 3, 3)),  # exactly 3 business days ahead: 1 day
        (date(2026, 3, 4), None),  # 2 business days: the rule sets no deadline
        (date(2026, 3, 2), None),  # the same day
    ],
)
def test_the_three_and_ten_business_day_boundaries(first_service: date, due: date | None) -> None:
    assert gfe_due_date(date(2026, 3, 2), first_service, requested=False) == due


def test_a_request_is_due_in_three_business_days_however_near_the_service() -> None:
    monday = date(2026, 3, 2)
    assert gfe_due_date(monday, date(2026, 3, 3), requested=True) == date(2026, 3, 5)
    assert gfe_due_date(monday, date(2026, 3, 4), requested=True) == date(2026, 3, 5)
    assert gfe_due_date(monday, date(2026, 6, 1), requested=True) == date(2026, 3, 5)
    assert gfe_due_date(date(2026, 11, 24), date(2027, 1, 5), requested=True) == date(2026, 11, 30)


def test_a_service_before_its_scheduling_is_refused() -> None:
    with pytest.raises(ValueError, match="before the day it was scheduled"):
        gfe_due_date(date(2026, 3, 2), date(2026, 3, 1), requested=False)
    with pytest.raises(ValueError, match="before the day it was scheduled"):
        gfe_due_date(date(2026, 3, 2), date(2026, 3, 1), requested=True)


def test_late_means_after_the_due_date() -> None:
    due = date(2026, 3, 5)
    assert not is_late(date(2026, 3, 4), due)
    assert not is_late(due, due)
    assert is_late(date(2026, 3, 6), due)
    assert not is_late(date(2027, 1, 1), None)


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    count=st.integers(min_value=1, max_value=40),
    workdays=st.frozensets(st.integers(min_value=0, max_value=6), min_size=1),
)
def test_adding_business_days_lands_on_the_nth_business_day(
    day: date, count: int, workdays: frozenset[int]
) -> None:
    result = add_business_days(day, count, workdays)
    assert result > day
    assert is_business_day(result, workdays)
    between = [day + timedelta(days=offset) for offset in range(1, (result - day).days + 1)]
    assert sum(is_business_day(d, workdays) for d in between) == count


def test_default_workweek_is_monday_to_friday() -> None:
    assert frozenset(range(5)) == MONDAY_TO_FRIDAY
