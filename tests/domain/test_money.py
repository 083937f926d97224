"""Money parses, converts and formats exactly; never through float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.money import (
    MoneyError,
    format_money,
    format_plain,
    from_cents,
    parse_money,
    percent_of,
    to_cents,
)

cents = st.integers(min_value=-(10**12), max_value=10**12)


@given(cents)
def test_cents_round_trip(value: int) -> None:
    assert to_cents(from_cents(value)) == value


@given(cents)
def test_formatted_amount_parses_back(value: int) -> None:
    amount = from_cents(value)
    assert parse_money(format_money(amount), allow_negative=True) == amount
    assert parse_money(format_plain(amount), allow_negative=True) == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,234.50", "1234.50"),
        ("1234.5", "1234.50"),
        ("150", "150.00"),
        (" 0.07 ", "0.07"),
        (".5", "0.50"),
        ("12,345,678.90", "12345678.90"),
    ],
)
def test_accepts_what_people_type(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", "not an amount"),
        ("1.234", "more than two decimal"),
        ("12,34.00", "not an amount"),
        ("", "Enter an amount"),
        ("-5", "cannot be negative"),
        ("1e3", "not an amount"),
        ("١٢٣", "not an amount"),
        ("$", "not an amount"),
        ("1.2.3", "not an amount"),
    ],
)
def test_rejects_everything_else_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError, match=fragment):
        parse_money(text)


def test_negative_allowed_where_asked() -> None:
    assert parse_money("-$12.00", allow_negative=True) == Decimal("-12.00")


def test_float_is_refused() -> None:
    with pytest.raises(TypeError):
        to_cents(1.1)  # type: ignore[arg-type]


def test_fraction_of_a_cent_is_refused() -> None:
    with pytest.raises(MoneyError):
        to_cents(Decimal("1.005"))


def test_percent_rounds_half_up() -> None:
    assert percent_of(Decimal("150.00"), 290) == Decimal("4.35")
    assert percent_of(Decimal("0.50"), 100) == Decimal("0.01")  # 0.005 rounds up
