"""The appeal chain: each step's deadline, and a denied appeal never restarts its own clock."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.appeals import AppealLevel, add_months, deadline_for, next_after_denial

L = AppealLevel


def test_the_chain() -> None:
    assert next_after_denial(L.NONE) is L.FIRST
    assert next_after_denial(L.FIRST) is L.EXTERNAL  # no second level: final internal denial
    assert next_after_denial(L.FIRST, second_level=True) is L.SECOND
    assert next_after_denial(L.SECOND) is L.EXTERNAL
    assert next_after_denial(L.SECOND, second_level=True) is L.EXTERNAL  # never a third
    assert next_after_denial(L.EXTERNAL) is None


def test_deadlines() -> None:
    denied = date(2026, 3, 2)
    assert deadline_for(L.FIRST, denied) == date(2026, 8, 29)  # 180 days
    assert deadline_for(L.SECOND, denied) == date(2026, 5, 1)  # the plan's usual 60 days
    assert deadline_for(L.EXTERNAL, denied) == date(2026, 7, 2)  # four months
    assert deadline_for(None, denied) is None


def test_four_months_without_a_corresponding_day_is_the_first_of_the_fifth() -> None:
    assert add_months(date(2026, 10, 30), 4) == date(2027, 3, 1)  # no February 30
    assert add_months(date(2027, 10, 31), 4) == date(2028, 3, 1)  # nor 31 in a leap year
    assert add_months(date(2027, 10, 29), 4) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 4) == date(2026, 12, 31)
    assert add_months(date(2026, 9, 30), 4) == date(2027, 1, 30)


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)))
def test_external_review_is_four_months_never_less(denied: date) -> None:
    due = deadline_for(L.EXTERNAL, denied)
    assert due is not None
    assert timedelta(days=119) <= due - denied <= timedelta(days=124)
    months = (due.year - denied.year) * 12 + due.month - denied.month
    assert (months == 4 and due.day == denied.day) or (months == 5 and due.day == 1)
