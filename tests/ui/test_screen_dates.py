"""One date format on screen: the locale's short date, always with a four-digit year and
two-digit day and month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from desktop.ui.formatting import date_format, format_date
from desktop.ui.pages.report_view import on_screen
from desktop.ui.widgets.date_edit import format_hint, parse_date

DAY = date(2026, 3, 5)


@pytest.fixture
def restore_locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


@pytest.mark.parametrize(
    ("language", "country", "shown"),
    [
        (QLocale.Language.English, QLocale.Country.UnitedStates, "03/05/2026"),
        (QLocale.Language.English, QLocale.Country.UnitedKingdom, "05/03/2026"),
        (QLocale.Language.German, QLocale.Country.Germany, "05.03.2026"),
    ],
)
def test_the_locale_short_date_with_a_four_digit_year(
    qtbot: QtBot,
    restore_locale: None,
    language: QLocale.Language,
    country: QLocale.Country,
    shown: str,
) -> None:
    QLocale.setDefault(QLocale(language, country))
    assert "yyyy" in date_format()
    assert format_date(DAY) == shown
    assert format_date(None) == ""


def test_paper_dates_in_a_tables_words_are_shown_in_the_locale(
    qtbot: QtBot, restore_locale: None
) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    text = "Only activity dated on or before 03/05/2026 counts."
    assert on_screen(text, (DAY,)) == "Only activity dated on or before 05.03.2026 counts."


def test_us_dates_read_as_on_paper_and_are_typed_either_way(
    qtbot: QtBot, restore_locale: None
) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert format_hint() == "MM/DD/YYYY"
    assert parse_date("3/5/2026") == DAY
    assert parse_date("03/05/2026") == DAY
    assert parse_date("2026-03-05") == DAY
