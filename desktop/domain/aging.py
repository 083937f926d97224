"""Aging buckets: how long an amount has been owed."""

from __future__ import annotations

from datetime import date

BUCKETS: tuple[str, ...] = ("0-30", "31-60", "61-90", "91+")


def bucket_for(age_days: int) -> str:
    """The bucket label for an amount ``age_days`` old (negative ages count as current)."""
    if age_days <= 30:
        return BUCKETS[0]
    if age_days <= 60:
        return BUCKETS[1]
    if age_days <= 90:
        return BUCKETS[2]
    return BUCKETS[3]


def bucket_index(age_days: int) -> int:
    return BUCKETS.index(bucket_for(age_days))


def age_in_days(since: date, as_of: date) -> int:
    return (as_of - since).days
