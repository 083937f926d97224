"""How often sessions are expected, as a Good Faith Estimate states it in words.

A change of frequency is a change of scope that calls for a new estimate
(45 CFR 149.610(e)). The estimate keeps its frequency as the person wrote it
("weekly", "every other week"); this reads the usual phrasings as sessions per
four weeks, so the sessions billed can be compared with it. A phrasing it does
not know reads as None, and nothing is compared.
"""

from __future__ import annotations

import re

WINDOW_DAYS = 28  # four weeks: a month's sessions, whatever the month
SLACK = 1  # one make-up session in a four-week stretch is not a new frequency

_PER_FOUR_WEEKS: tuple[tuple[str, int], ...] = (
    (r"(three|3) (times|x) (a|per) week|(three|3)x weekly|thrice weekly", 12),
    (r"twice (a|per) week|twice weekly|(two|2) (times|x) (a|per) week|2x weekly|semi-?weekly", 8),
    (r"every (other|second|two|2) weeks?|bi-?weekly|fortnightly|twice (a|per) month", 2),
    (r"(once )?(a|per) month|monthly|every (four|4) weeks", 1),
    (r"(once )?(a|per) week|weekly|every week", 4),
)


def sessions_per_four_weeks(frequency: str) -> int | None:
    """The sessions a frequency allows in four weeks; None for a phrasing not known."""
    text = " ".join(frequency.lower().split())
    for pattern, count in _PER_FOUR_WEEKS:
        if re.search(pattern, text):
            return count
    return None


def busiest_stretch(days: list[int]) -> tuple[int, int]:
    """The most sessions in any four-week stretch of ``days`` (ordinal dates, sorted),
    and the last day of the first stretch that holds that many."""
    best, best_end = 0, days[0] if days else 0
    start = 0
    for end, day in enumerate(days):
        while day - days[start] >= WINDOW_DAYS:
            start += 1
        if end - start + 1 > best:
            best, best_end = end - start + 1, day
    return best, best_end


def too_frequent(frequency: str, days: list[int]) -> tuple[int, int, int] | None:
    """(sessions, allowed, last day) of the first four weeks with more sessions than the
    frequency allows (with one make-up session of slack); None when none had."""
    allowed = sessions_per_four_weeks(frequency)
    if allowed is None or not days:
        return None
    most, last = busiest_stretch(days)
    return (most, allowed, last) if most > allowed + SLACK else None
