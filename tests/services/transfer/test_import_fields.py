"""Parsing import cells: exact in what is refused, forgiving in what is accepted."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal as D  # noqa: N817 - reads like the figures in a file

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.services.transfer.format import (
    AppliedCharge,
    FieldError,
    century,
    clean,
    format_applied_to,
    parse_amount,
    parse_applied_to,
    parse_choice,
    parse_date,
    parse_time,
    parse_whole,
)
from desktop.services.transfer.importing.fields import as_text, parse_us_date_time

PARSERS = (
    parse_date,
    parse_time,
    parse_amount,
    lambda t: parse_us_date_time(t),
    lambda t: parse_whole(t, low=0, high=600, what="minutes"),
    lambda t: parse_choice(t, ("attended", "no_show")),
    parse_applied_to,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("150", D("150.00")),
        ("150.00", D("150.00")),
        (" 75.5 ", D("75.50")),
        ("$1,234.50", D("1234.50")),
    ],
)
def test_amounts(text: str, value: D) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["١٥٠", "１５０", "-5", "1.005", "1e3", "", "150,00", "9999999"])
def test_amounts_refused(text: str) -> None:
    with pytest.raises(FieldError):
        parse_amount(text)


def test_dates_are_iso_or_us_and_ascii() -> None:
    assert parse_date("2026-03-31") == date(2026, 3, 31)
    assert parse_date("3/31/2026") == date(2026, 3, 31)
    assert parse_date("03/01/2026") == date(2026, 3, 1)  # month first, as the app shows
    for bad in ("2026-02-30", "20260331", "2/30/2026", "٢٠٢٦-٠٣-٣١", "2026-W13-1", "", "3/31"):
        with pytest.raises(FieldError, match="YYYY-MM-DD or M/D/YYYY"):
            parse_date(bad)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("03/31/26", date(2026, 3, 31)),  # 2026 is this year: 20YY
        ("12/31/26", date(2026, 12, 31)),
        ("01/01/00", date(2000, 1, 1)),
        ("07/04/58", date(1958, 7, 4)),  # 2058 is still to come: 19YY
        ("1/2/27", date(1927, 1, 2)),
    ],
)
def test_two_digit_years_follow_the_century_rule(text: str, meant: date) -> None:
    assert parse_date(text, this_year=2026) == meant
    assert century(26, 2026) == 2026
    assert century(27, 2026) == 1927


def test_ambiguous_and_impossible_dates_say_why() -> None:
    with pytest.raises(FieldError, match=r"month first.*no month 13; did you mean 2/13/2026"):
        parse_date("13/2/2026")
    with pytest.raises(FieldError, match="could be read more than one way"):
        parse_date("04.03.2026")
    with pytest.raises(FieldError, match="not a date on the calendar"):
        parse_date("2/29/2026")


def test_us_date_times() -> None:
    assert parse_us_date_time("03/31/2026 14:05") == (date(2026, 3, 31), time(14, 5))
    assert parse_us_date_time("3/1/2026 2:05 PM") == (date(2026, 3, 1), time(14, 5))
    assert parse_us_date_time("12/01/2025") == (date(2025, 12, 1), None)
    for bad in ("13/01/2026 10:00", "2026-03-31 10:00", "03/31/2026 25:00", "03/31/2026 13:00 PM"):
        with pytest.raises(FieldError, match="MM/DD/YYYY"):
            parse_us_date_time(bad)


def test_whole_numbers_and_times() -> None:
    assert parse_whole("50", low=0, high=600, what="minutes") == 50
    assert parse_time("9:05") == time(9, 5)
    for bad in ("٥٠", "601", "-1", "5.0"):
        with pytest.raises(FieldError):
            parse_whole(bad, low=0, high=600, what="minutes")
    with pytest.raises(FieldError):
        parse_time("24:00")


def test_choices_ignore_case_and_list_what_is_allowed() -> None:
    assert parse_choice(" Attended ", ("attended", "no_show")) == "attended"
    with pytest.raises(FieldError, match="attended or no_show"):
        parse_choice("maybe", ("attended", "no_show"))


def test_clean_undoes_only_the_export_apostrophe() -> None:
    assert clean(" '=SUM(A1) ") == "=SUM(A1)"
    assert clean("'@avery") == "@avery"
    assert clean("O'Neil") == "O'Neil"
    assert clean("'quoted'") == "'quoted'"


def test_xlsx_values_become_the_text_a_csv_would_hold() -> None:
    assert as_text(150.0) == "150"
    assert as_text(150.5) == "150.5"
    assert as_text(None) == ""
    assert as_text(date(2026, 1, 2)) == "2026-01-02"
    assert parse_amount(as_text(0.1)) == D("0.10")


@given(st.text(max_size=40))
def test_every_parser_returns_or_explains(text: str) -> None:
    for parse in PARSERS:
        message = "parsed"
        try:
            parse(text)
        except FieldError as exc:
            message = str(exc)
        assert message.strip()


@given(st.text(alphabet=st.characters(whitelist_categories=("Nd",)), min_size=1, max_size=6))
def test_only_ascii_digits_are_numbers(digits: str) -> None:
    if digits.isascii():
        return
    for parse in (parse_amount, lambda t: parse_whole(t, low=0, high=10**6, what="x")):
        with pytest.raises(FieldError):
            parse(digits)


@given(
    st.lists(
        st.builds(
            AppliedCharge,
            st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
            st.sampled_from(["90834", "90847", "LATE", "REPORT"]),
            st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2),
        ),
        max_size=4,
    )
)
def test_applied_to_reads_back_what_an_export_writes(parts: list[AppliedCharge]) -> None:
    assert parse_applied_to(format_applied_to(parts)) == tuple(parts)
