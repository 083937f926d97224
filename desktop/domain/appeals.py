"""The appeal chain of a denied claim and each step's deadline.

ERISA group health plans (29 CFR 2560.503-1(h)(3)(i), and for non-grandfathered
plans 26 CFR 54.9815-2719(b)) give a claimant at least 180 days from the notice
of a denial to file an internal appeal. A plan may have a second internal level
(never more than two); its filing window is the plan's own term, so it is not
fixed here: 60 days is common, and the date on the denial letter wins. After
the final internal denial the claimant may ask for external review within four
months of receiving that notice (26 CFR 54.9815-2719(c) and (d)); where the
fourth month has no such day, by the first day of the fifth month (October 30
gives March 1). A denied appeal never restarts the clock of the level it was:
each denial starts the clock of the next step, and an external review's
decision ends the chain.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum

from desktop.domain.kinds import ClaimStatus

INTERNAL_APPEAL_DAYS = 180
SECOND_LEVEL_DAYS = 60  # the plan's own term; the denial letter's date replaces it
EXTERNAL_REVIEW_MONTHS = 4


class AppealLevel(IntEnum):
    NONE = 0
    FIRST = 1  # first-level internal appeal
    SECOND = 2  # second-level internal appeal, where the plan has one
    EXTERNAL = 3  # external review by an independent reviewer

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def value_name(self) -> str:
        """The name the command line and exports use: ``first_appeal``."""
        return _NAMES[self]

    @classmethod
    def named(cls, name: str) -> AppealLevel:
        """The step a ``value_name`` names; ValueError for any other text."""
        for level, known in _NAMES.items():
            if known == name.strip().lower():
                return level
        raise ValueError(f"'{name}' is not one of {', '.join(_NAMES.values())}.")


_LABELS = {
    AppealLevel.NONE: "Claim",
    AppealLevel.FIRST: "First-level appeal",
    AppealLevel.SECOND: "Second-level appeal",
    AppealLevel.EXTERNAL: "External review",
}
_NAMES = {
    AppealLevel.NONE: "claim",
    AppealLevel.FIRST: "first_appeal",
    AppealLevel.SECOND: "second_appeal",
    AppealLevel.EXTERNAL: "external_review",
}


def next_after_denial(denied: AppealLevel, second_level: bool = False) -> AppealLevel | None:
    """The step open to the claimant once ``denied`` is denied: the first appeal after the
    claim, the second after the first where the plan has one, else external review; none
    after external review."""
    if denied is AppealLevel.NONE:
        return AppealLevel.FIRST
    if denied is AppealLevel.FIRST and second_level:
        return AppealLevel.SECOND
    if denied is AppealLevel.EXTERNAL:
        return None
    return AppealLevel.EXTERNAL


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; when that month has no such day, the first day of
    the month after it (the external-review rule)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        following = month % 12 + 1
        return date(year + (month == 12), following, 1)


def deadline_for(step: AppealLevel | None, denied_on: date) -> date | None:
    """The last day to ask for ``step``, counted from the denial notice it answers."""
    if step is AppealLevel.FIRST:
        return denied_on + timedelta(days=INTERNAL_APPEAL_DAYS)
    if step is AppealLevel.SECOND:
        return denied_on + timedelta(days=SECOND_LEVEL_DAYS)
    if step is AppealLevel.EXTERNAL:
        return add_months(denied_on, EXTERNAL_REVIEW_MONTHS)
    return None


def step_text(status: ClaimStatus, level: AppealLevel) -> str:
    """Where a claim stands in the chain, in words: "First-level appeal denied"."""
    if status is ClaimStatus.DENIED:
        if level is AppealLevel.NONE:
            return "Denied"
        if level is AppealLevel.EXTERNAL:
            return "External review upheld the denial"
        return f"{level.label} denied"
    if status is ClaimStatus.APPEALED:
        if level is AppealLevel.EXTERNAL:
            return "External review requested"
        return f"{level.label} sent"
    if level is not AppealLevel.NONE and status in (ClaimStatus.PAID, ClaimStatus.PARTLY_PAID):
        return f"{status.label} after {level.label.lower()}"
    return status.label
