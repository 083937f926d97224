"""The documents' shared look (colors) and the text helpers they format with."""

from __future__ import annotations

from datetime import date

from reportlab.lib.colors import HexColor

INK = HexColor("#1F2933")
MUTED = HexColor("#5F6B7A")
RULE = HexColor("#C5CDD6")
SHADE = HexColor("#EEF2F6")
ACCENT = HexColor("#24476B")

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def us_date(day: date) -> str:
    """``03/05/2025``: the form US insurers' claim forms use."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def long_date(day: date) -> str:
    """``March 5, 2025``, whatever the locale (strftime's %B follows it)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def city_line(city: str, state: str, zip_code: str) -> str:
    """``Albany, NY 12207`` with whatever parts are present."""
    head = ", ".join(part for part in (city.strip(), state.strip()) if part)
    return f"{head} {zip_code.strip()}".strip()


def address_lines(address: str, city: str, state: str, zip_code: str) -> list[str]:
    """Street lines (a newline starts a second) and the city line, empty ones dropped."""
    street = [part.strip() for part in address.splitlines() if part.strip()]
    last = city_line(city, state, zip_code)
    return [*street, last] if last else street


def person_with_credentials(name: str, credentials: str) -> str:
    return f"{name}, {credentials}" if credentials else name
