"""Frequencies in words, read as sessions per four weeks, and the busiest four weeks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.frequency import busiest_stretch, sessions_per_four_weeks, too_frequent


@pytest.mark.parametrize(
    ("words", "count"),
    [
        ("weekly", 4),
        ("Once a week", 4),
        ("every other week", 2),
        ("biweekly", 2),
        ("every 2 weeks", 2),
        ("twice a month", 2),
        ("twice a week", 8),
        ("2x weekly", 8),
        ("monthly", 1),
        ("three times a week", 12),
        ("as needed", None),
        ("", None),
    ],
)
def test_the_usual_phrasings_are_read(words: str, count: int | None) -> None:
    assert sessions_per_four_weeks(words) == count


def days(*offsets: int) -> list[int]:
    start = date(2026, 3, 2).toordinal()
    return [start + o for o in offsets]


def test_the_busiest_four_weeks_are_found_and_a_fifth_week_is_outside() -> None:
    assert busiest_stretch(days(0, 7, 14, 21, 28)) == (4, days(21)[0])
    assert busiest_stretch(days(0, 3, 7, 10, 14, 17)) == (6, days(17)[0])
    assert busiest_stretch([]) == (0, 0)


def test_weekly_with_one_make_up_session_is_within_but_twice_a_week_is_not() -> None:
    assert too_frequent("weekly", days(0, 3, 7, 14, 21)) is None  # one make-up session
    assert too_frequent("weekly", days(0, 3, 7, 10, 14, 17)) == (6, 4, days(17)[0])
    assert too_frequent("every other week", days(0, 7, 14)) is None
    assert too_frequent("every other week", days(0, 7, 14, 21)) == (4, 2, days(21)[0])
    assert too_frequent("as needed", days(0, 1, 2, 3, 4, 5)) is None


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_the_busiest_stretch_is_the_most_days_any_four_weeks_hold(offsets: list[int]) -> None:
    ordinals = sorted(days(*offsets))
    most, last = busiest_stretch(ordinals)
    by_hand = max((sum(1 for d in ordinals if end - 27 <= d <= end) for end in ordinals), default=0)
    assert most == by_hand
    if ordinals:
        assert sum(1 for d in ordinals if last - 27 <= d <= last) == most
