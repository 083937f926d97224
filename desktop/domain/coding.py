"""Psychotherapy procedure-code rules: time ranges and add-on combinations.

Only code numbers are here; the AMA's descriptor text is licensed, so labels
are the practice's own (see ``DEFAULT_SERVICES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ADD_ON_CODES = frozenset({"90785", "90840"})
# An add-on needs one of these primary codes on the same date of service.
ADD_ON_PRIMARIES: dict[str, frozenset[str]] = {
    "90840": frozenset({"90839"}),
    "90785": frozenset({"90791", "90832", "90834", "90837", "90853"}),
}
# Interactive complexity may not be billed with these.
NOT_WITH_90785 = frozenset({"90839", "90840", "90846", "90847"})

# (code, minimum minutes, maximum minutes or None): the time rule of timed codes.
TIMED_CODES: dict[str, tuple[int, int | None]] = {
    "90832": (16, 37),
    "90834": (38, 52),
    "90837": (53, None),
    "90846": (26, None),
    "90847": (26, None),
    "90839": (30, 74),
}


@dataclass(frozen=True)
class DefaultService:
    code: str
    label: str
    minutes: int
    fee: str
    superbill: bool


# Prefilled for a new practice; plain labels of our own, all editable.
DEFAULT_SERVICES: tuple[DefaultService, ...] = (
    DefaultService("90791", "First assessment", 60, "200.00", True),
    DefaultService("90832", "Therapy session, 30 minutes", 30, "100.00", True),
    DefaultService("90834", "Therapy session, 45 minutes", 45, "150.00", True),
    DefaultService("90837", "Therapy session, 60 minutes", 60, "190.00", True),
    DefaultService("90846", "Couples or family session, partner(s) only", 50, "175.00", True),
    DefaultService("90847", "Couples or family session", 50, "175.00", True),
    DefaultService("90853", "Group session", 90, "60.00", True),
    DefaultService("90839", "Crisis session, first hour", 60, "220.00", True),
    DefaultService("90840", "Crisis session, each further 30 minutes", 30, "100.00", True),
    DefaultService("90785", "Interactive complexity", 0, "25.00", True),
    DefaultService("LATE", "Late cancellation fee", 0, "75.00", False),
    DefaultService("NOSHOW", "Missed appointment fee", 0, "75.00", False),
    DefaultService("REPORT", "Report or letter writing", 30, "100.00", False),
)


def suggest_code(minutes: int) -> str | None:
    """The individual psychotherapy code that the minutes support, or None if under 16."""
    if minutes >= 53:
        return "90837"
    if minutes >= 38:
        return "90834"
    if minutes >= 16:
        return "90832"
    return None


def minutes_problem(code: str, minutes: int | None) -> str | None:
    """Why ``minutes`` do not support ``code``, or None when they do (or it is untimed)."""
    rule = TIMED_CODES.get(code)
    if rule is None or minutes is None:
        return None
    low, high = rule
    if minutes < low:
        return f"{code} needs at least {low} minutes; this session was {minutes}."
    if high is not None and minutes > high:
        return f"{code} covers at most {high} minutes; this session was {minutes}."
    return None


def combination_problems(codes_on_date: Iterable[str]) -> list[str]:
    """Impossible code combinations on one date of service, as sentences."""
    codes = set(codes_on_date)
    problems: list[str] = []
    for add_on, primaries in ADD_ON_PRIMARIES.items():
        if add_on in codes and not codes & primaries:
            needed = " or ".join(sorted(primaries))
            problems.append(f"Add-on {add_on} needs its primary code ({needed}) on the same date.")
    if "90785" in codes:
        clash = sorted(codes & NOT_WITH_90785)
        if clash:
            problems.append(f"90785 cannot be billed with {', '.join(clash)}.")
    return problems
