"""Parsing one cell of an import: dates, times, amounts, whole numbers, choices.

Every parser takes text and returns a value or raises ``FieldError`` with a
sentence that names what was expected. Digits are ASCII only: ``int()`` and
``date.fromisoformat`` would otherwise accept other scripts' digits.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from desktop.domain.money import MoneyError, parse_money
from desktop.reports.safe_cells import TRIGGERS


class FieldError(ValueError):
    """A cell that cannot be read; the message says what it should look like."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_US_DATE_TIME = re.compile(
    r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"(?:\s+(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::[0-9]{2})?\s*(?P<ampm>[AaPp][Mm])?)?"
)
_TIME = re.compile(r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?")
MAX_AMOUNT = Decimal("999999.99")  # far above any fee; stops nonsense before it is stored
_WHOLE = re.compile(r"[0-9]{1,6}")


def clean(text: str) -> str:
    """Trim a cell and undo the apostrophe our exports put before formula-like text."""
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].lstrip(" ")[:1] in TRIGGERS:
        return text[1:]
    return text


def parse_date(text: str) -> date:
    raw = text.strip()
    if _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise FieldError(f"'{raw}' is not a date; write it as YYYY-MM-DD, such as 2026-03-31.")


def parse_us_date_time(text: str) -> tuple[date, time | None]:
    """``MM/DD/YYYY HH:MM`` (time optional, 12-hour with AM/PM accepted)."""
    raw = text.strip()
    match = _US_DATE_TIME.fullmatch(raw)
    if match is not None:
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            if match["H"] is None:
                return day, None
            hour = int(match["H"])
            if match["ampm"]:
                if not 1 <= hour <= 12:
                    raise ValueError
                hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            return day, time(hour, int(match["M"]))
        except ValueError:
            pass
    raise FieldError(f"'{raw}' is not a date; expected MM/DD/YYYY HH:MM, such as 03/31/2026 14:00.")


def parse_sheet_date_time(text: str) -> tuple[date, time | None]:
    """``MM/DD/YYYY HH:MM`` as a CSV has it, or ``YYYY-MM-DD HH:MM`` as an XLSX date cell
    reads (see ``as_text``)."""
    raw = text.strip()
    day, _, clock = raw.partition(" ")
    if _ISO_DATE.fullmatch(day):
        try:
            return parse_date(day), parse_time(clock) if clock.strip() else None
        except FieldError:
            pass
    return parse_us_date_time(raw)


def parse_time(text: str) -> time:
    raw = text.strip()
    match = _TIME.fullmatch(raw)
    if match is not None:
        try:
            return time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
        except ValueError:
            pass
    raise FieldError(f"'{raw}' is not a time of day; write it as HH:MM, such as 14:30.")


def parse_amount(text: str) -> Decimal:
    """An amount of money such as ``150.00`` or ``150`` (never negative)."""
    try:
        value = parse_money(text)
    except MoneyError as exc:
        raise FieldError(str(exc)) from None
    if value > MAX_AMOUNT:
        raise FieldError(f"'{text.strip()}' is more than {MAX_AMOUNT:,}; check the amount.")
    return value


def parse_whole(text: str, *, low: int, high: int, what: str) -> int:
    raw = text.strip()
    if _WHOLE.fullmatch(raw) and low <= int(raw) <= high:
        return int(raw)
    raise FieldError(f"'{raw}' is not a number of {what} from {low} to {high}.")


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    raw = text.strip().lower()
    if raw in choices:
        return raw
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
    raise FieldError(f"'{text.strip()}' is not one of {listed}.")


def format_time(value: time | None) -> str:
    return "" if value is None else value.strftime("%H:%M")


def as_text(value: object) -> str:
    """An XLSX cell value as the text a CSV would hold (dates ISO, whole numbers plain)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        # A spreadsheet stores numbers as doubles; the shortest repr is the number typed
        # (150.5 -> "150.5"), which the text parsers then read exactly.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
