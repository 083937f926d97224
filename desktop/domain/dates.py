"""Dates as US paper shows them: ``03/05/2026`` (MM/DD/YYYY).

Screens use the user's locale (``desktop/ui/formatting.py``); machine files (CSV) keep
ISO. Everything printed or handed to a bookkeeper (PDFs, workbooks, sentences in them)
goes through ``us_date``.
"""

from __future__ import annotations

from datetime import date


def us_date(day: date) -> str:
    """``03/05/2026``: month and day with leading zeros, a four-digit year."""
    return f"{day:%m/%d/%Y}"


def us_period(start: date, end: date) -> str:
    """``03/01/2026 to 03/31/2026``."""
    return f"{us_date(start)} to {us_date(end)}"
