"""Reading cells as other programs write them: US date-times, XLSX values as text.

SimplePractice writes dates as ``MM/DD/YYYY HH:MM``; a spreadsheet program
keeps typed values (dates, numbers) that an import reads as the text a CSV
would hold. How Quiet Ledger's own files spell values, which every import
reads, is in ``desktop.services.transfer.format``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from desktop.services.transfer.format import FieldError, parse_date, parse_time

_US_DATE_TIME = re.compile(
    r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"(?:\s+(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::[0-9]{2})?\s*(?P<ampm>[AaPp][Mm])?)?"
)


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
    try:
        return parse_date(day), parse_time(clock) if clock.strip() else None
    except FieldError:
        return parse_us_date_time(raw)


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
