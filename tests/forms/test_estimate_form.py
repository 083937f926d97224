"""The estimate dialog's state, without Qt: defaults, the deadline as typed, problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the figures

from desktop.forms.estimate import EstimateForm
from desktop.services.estimates.drafts import EstimateInput, ExpectedService

MONDAY = date(2026, 2, 2)
FEES = {"90834": D("120.00"), "90837": D("160.00")}


def proposed(first: date = date(2026, 2, 23)) -> EstimateInput:
    return EstimateInput(7, MONDAY, first, items=(ExpectedService("90834", 24, D("140.00")),))


def form() -> EstimateForm:
    made = EstimateForm(scheduled_on=MONDAY, fees=FEES)
    made.propose(proposed())
    return made


def test_the_proposal_fills_the_lines_and_twelve_months_less_a_day() -> None:
    made = form()
    assert made.lines[0].code == "90834"
    assert made.lines[0].count == 24
    assert made.lines[0].fee_text == "140.00"
    assert made.through == date(2027, 2, 22)
    assert made.total() == D("3360.00")
    assert made.total_text() == "24 services expected · total $3,360.00"
    assert made.problems() == {}
    data = made.to_input()
    assert data is not None
    assert data.items == (ExpectedService("90834", 24, D("140.00")),)
    assert (data.unit_id, data.period_end, data.frequency) == (7, date(2027, 2, 22), "weekly")


def test_the_end_follows_the_first_session_until_typed() -> None:
    made = form()
    made.set_first_service(date(2026, 3, 2))
    assert made.through == date(2027, 3, 1)
    made.set_through(date(2026, 12, 31))
    made.set_first_service(date(2026, 3, 9))
    assert made.through == date(2026, 12, 31)


def test_the_deadline_is_worked_out_as_the_dates_are_typed() -> None:
    made = form()  # three weeks ahead: 3 business days after scheduling
    assert made.due_by() == date(2026, 2, 5)
    assert made.due_text().startswith("Due by 2026-02-05: 3 business days after scheduling")
    made.set_first_service(date(2026, 2, 9))  # 5 business days ahead: 1 business day
    assert made.due_by() == date(2026, 2, 3)
    assert "1 business day after scheduling" in made.due_text()
    made.set_first_service(date(2026, 2, 3))  # tomorrow: no deadline
    assert made.due_by() is None
    assert made.due_text().startswith("No deadline")
    made.requested = True  # on request: 3 business days, Presidents' Day (16 Feb) skipped
    made.scheduled_on = date(2026, 2, 13)
    made.set_first_service(date(2026, 2, 13))
    assert made.due_by() == date(2026, 2, 19)
    assert "after the request" in made.due_text()
    made.set_first_service(date(2026, 2, 12))
    assert made.due_by() is None
    assert "in order" in made.due_text()


def test_a_new_line_takes_the_usual_fee_and_bad_typing_is_named() -> None:
    made = form()
    made.add_line("90837", 2)
    assert made.lines[1].fee_text == "160.00"
    made.set_code(1, "90834")  # the client's own fee for their usual service
    assert made.lines[1].fee_text == "140.00"
    made.set_fee_text(1, "lots")
    assert made.total() is None
    assert made.total_text().endswith("total —")
    assert set(made.problems()) == {"line1"}
    assert made.to_input() is None
    made.set_fee_text(1, "$1,000")
    made.set_count(1, 0)
    assert "at least once" in made.problems()["line1"]
    made.remove_line(1)
    made.remove_line(0)
    assert made.problems() == {"lines": "List at least one expected service."}


def test_missing_client_dates_and_frequency_each_say_what_to_do() -> None:
    made = EstimateForm(scheduled_on=None, fees=FEES)
    made.frequency = " "
    made.date_problems["first_service"] = "Enter a date such as 03/15/2026."
    assert made.problems() == {
        "unit_id": "Choose the client: type part of a name, then pick it.",
        "scheduled_on": "Enter the day the client scheduled it.",
        "first_service": "Enter a date such as 03/15/2026.",
        "through": "Enter the last day the estimate covers.",
        "frequency": "Say how often the sessions are expected, such as weekly.",
        "lines": "List at least one expected service.",
    }


def test_a_correction_starts_from_the_estimate_as_given() -> None:
    given = EstimateInput(
        7,
        MONDAY,
        date(2026, 2, 23),
        items=(ExpectedService("90837", 10, D("175.00")),),
        through=date(2026, 8, 31),
        frequency="every other week",
        show_diagnoses=True,
    )
    made = EstimateForm(scheduled_on=None, fees=FEES, correcting=given)
    assert made.correcting
    assert made.through_by_hand
    assert made.to_input() == given
