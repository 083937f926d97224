"""The money and date editors, and the form messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from desktop.ui.widgets.date_edit import DateEdit, parse_date
from desktop.ui.widgets.masked_edit import MaskedEdit
from desktop.ui.widgets.money_edit import MoneyEdit


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("$1,234.50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.50")),
        ("150", Decimal("150.00")),
        (" 0.99 ", Decimal("0.99")),
    ],
)
def test_money_edit_accepts_amounts(qtbot: QtBot, typed: str, value: Decimal) -> None:
    edit = MoneyEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, typed)
    assert edit.value() == value
    assert edit.problem() == ""
    assert isinstance(edit.value(), Decimal)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("12.345", "more than two decimal places"),
        ("abc", "is not an amount"),
        ("1,23", "is not an amount"),
        ("-5", "cannot be negative"),
        ("1.2.3", "is not an amount"),
    ],
)
def test_money_edit_rejects_the_rest_with_a_sentence(qtbot: QtBot, typed: str, words: str) -> None:
    edit = MoneyEdit()
    qtbot.addWidget(edit)
    seen: list[str] = []
    edit.problem_changed.connect(seen.append)
    qtbot.keyClicks(edit, typed)
    assert edit.value() is None
    assert words in edit.problem()
    assert seen[-1] == edit.problem()


def test_money_edit_blank(qtbot: QtBot) -> None:
    required, optional = MoneyEdit(), MoneyEdit(optional=True)
    qtbot.addWidget(required)
    qtbot.addWidget(optional)
    assert required.problem() == "Enter an amount, such as 150.00."
    assert optional.problem() == ""
    assert optional.value() is None


def test_money_edit_tidies_on_leaving(qtbot: QtBot) -> None:
    edit = MoneyEdit()
    qtbot.addWidget(edit)
    edit.set_value(Decimal("1234.5"))
    assert edit.text() == "1,234.50"


def test_dates_follow_the_locale_and_accept_iso(qtbot: QtBot) -> None:
    edit = DateEdit(optional=True)
    qtbot.addWidget(edit)
    edit.set_value(date(1988, 4, 2))
    assert parse_date(edit.line.text()) == date(1988, 4, 2)
    assert "1988" in edit.line.text()
    edit.line.setText("1988-04-02")
    assert edit.value() == date(1988, 4, 2)
    edit.line.setText("31/31/1988")
    assert edit.value() is None
    assert edit.problem().startswith("Enter a date such as")
    edit.line.clear()
    assert edit.value() is None
    assert edit.problem() == ""


def test_required_date_says_so(qtbot: QtBot) -> None:
    edit = DateEdit(value=date(2025, 1, 2))
    qtbot.addWidget(edit)
    edit.line.clear()
    assert edit.problem() == "Enter a date."


def test_tax_id_is_masked_unless_being_edited(qtbot: QtBot) -> None:
    edit = MaskedEdit()
    qtbot.addWidget(edit)
    edit.set_value("12-3456789")
    assert edit.text() == "•••••6789"
    assert edit.value() == "12-3456789"
    assert edit.is_masked()
