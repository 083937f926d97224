"""Dates and amounts as the screens show them: dates in the system locale, money as $1,234.50."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, QLocale

from desktop.domain.kinds import UnitKind
from desktop.domain.money import format_money

KIND_LABELS = {
    UnitKind.INDIVIDUAL: "Individual",
    UnitKind.COUPLE: "Couple",
    UnitKind.FAMILY: "Family",
}


def locale() -> QLocale:
    """The system locale; US English where the system has none (the "C" locale)."""
    system = QLocale()
    if system.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return system


def date_format() -> str:
    """The locale's short date format, always with a four-digit year (birth dates need it)."""
    fmt = locale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


def shown_date_format() -> str:
    """The short format with day and month in two digits, as on paper: 03/05/2026 in the
    US, so a table, a sentence and a printed superbill show a date the same way."""
    return re.sub(r"(?<![dM])([dM])(?![dM])", r"\1\1", date_format())


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    return locale().toString(QDate(value.year, value.month, value.day), shown_date_format())


def money_text(value: Decimal | None, *, blank_zero: bool = False) -> str:
    if value is None or (blank_zero and value == 0):
        return ""
    return format_money(value)


def percent_text(basis_points: int) -> str:
    """5000 as ``50%``, 3333 as ``33.33%``."""
    text = f"{Decimal(basis_points) / 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
