"""Aging buckets: how long an amount has been past due.

A charge is due ``terms`` days after its date of service (the practice's payment
terms, 0 by default). Until the end of its due date it is Current; after that it
falls into 1-30, 31-60, 61-90 or 91+ days. Practices that age from the date of
service count the past-due days from the service date instead (the same with
terms of 0 days), but an amount not yet due is Current either way.
"""

from __future__ import annotations

from datetime import date, timedelta

BUCKETS: tuple[str, ...] = ("Current", "1-30", "31-60", "61-90", "91+")
UNAPPLIED_CREDIT = "UNAPPLIED CREDIT"


def due_on(service_date: date, terms_days: int) -> date:
    """The day a charge falls due under payment terms of ``terms_days``."""
    return service_date + timedelta(days=terms_days)


def bucket_index(days_past_due: int, age_days: int | None = None) -> int:
    """Which bucket an amount belongs in: 0 (Current) when it is not past due, else by
    ``age_days`` (days past due, or days since service when aging from service)."""
    if days_past_due <= 0:
        return 0
    age = max(days_past_due if age_days is None else age_days, 1)
    if age <= 30:
        return 1
    if age <= 60:
        return 2
    if age <= 90:
        return 3
    return 4
