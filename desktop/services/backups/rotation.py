"""Which backups to keep: the newest of each recent day, week and month.

A pure function of the backups' times, so it can be tested thoroughly. The
rule is the grandfather-father-son one of borg and restic: for each of the
``daily`` most recent days that have a backup, keep that day's newest; the
same for ISO weeks and calendar months. The newest backup is always kept.
Days, weeks and months are UTC ones, like the times in the backups' names.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RetentionPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


DEFAULT_POLICY = RetentionPolicy()


def _day(t: datetime) -> Hashable:
    return t.date()


def _week(t: datetime) -> Hashable:
    year, week, _ = t.isocalendar()
    return (year, week)


def _month(t: datetime) -> Hashable:
    return (t.year, t.month)


def backups_to_keep(
    times: Iterable[datetime], policy: RetentionPolicy = DEFAULT_POLICY
) -> set[datetime]:
    """The times, among ``times``, whose backups the policy keeps."""
    newest_first = sorted(set(times), reverse=True)
    if not newest_first:
        return set()
    keep = {newest_first[0]}
    rules: tuple[tuple[int, Callable[[datetime], Hashable]], ...] = (
        (policy.daily, _day),
        (policy.weekly, _week),
        (policy.monthly, _month),
    )
    for count, period in rules:
        seen: set[Hashable] = set()
        for t in newest_first:
            if len(seen) >= count:
                break
            bucket = period(t)
            if bucket not in seen:
                seen.add(bucket)
                keep.add(t)  # the newest backup in this period
    return keep
