"""The aging rule: Current until the due date (itself included), then past-due buckets."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.aging import BUCKETS, bucket_index, due_on


def test_due_on_adds_the_payment_terms() -> None:
    assert due_on(date(2026, 3, 1), 0) == date(2026, 3, 1)
    assert due_on(date(2026, 3, 1), 30) == date(2026, 3, 31)


def test_bucket_edges() -> None:
    assert [BUCKETS[bucket_index(d)] for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "Current",
        "Current",
        "1-30",
        "1-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "91+",
    ]


@given(st.integers(-400, 400), st.integers(0, 120))
def test_aging_from_service_never_makes_an_amount_younger(past_due: int, terms: int) -> None:
    # Counted from the date of service an amount is ``terms`` days older than from its due
    # date, so it can only land in the same bucket or an older one; never out of Current
    # unless it is past due.
    by_due = bucket_index(past_due)
    by_service = bucket_index(past_due, past_due + terms)
    assert by_service >= by_due
    assert (by_service == 0) == (past_due <= 0)
