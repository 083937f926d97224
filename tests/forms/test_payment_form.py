"""The payment dialog's state without Qt: problems, the even split, what would be posted,
and the preview's lines from the services' own plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from desktop.forms.payment import SPLIT, THE_UNIT, Member, Payer, PaymentForm
from desktop.services.books import payments, sessions
from desktop.services.books.payments import (
    PaymentInput,
    PaymentPlan,
    PlannedAllocation,
    SplitPaymentInput,
)
from desktop.services.books.queries import Balance
from desktop.services.books.sessions import SessionInput
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id

DAY = date(2026, 5, 20)
ALEX, SAM = Member(11, "Alex Rivera"), Member(12, "Sam Rivera")


def couple_form(amount: str = "175.00") -> PaymentForm:
    form = PaymentForm(received_date=DAY)
    form.method_id = 3
    form.choose_unit(7, individual=False, members=(ALEX, SAM))
    form.type_amount(amount)
    return form


def test_a_blank_form_says_what_is_missing() -> None:
    form = PaymentForm(received_date=DAY)
    assert form.problems() == {
        "unit_id": "Choose the client: type part of a name, then pick it.",
        "amount": "Enter an amount, such as 150.00.",
        "method_id": "Add a payment method in Settings first.",
    }
    assert form.to_post() is None
    assert form.preview_request() is None


def test_amounts_and_dates_that_cannot_be_posted() -> None:
    form = PaymentForm(received_date=DAY)
    form.choose_unit(7)
    form.method_id = 3
    form.type_amount("$1,50x")
    assert form.problems() == {"amount": "'$1,50x' is not an amount; use digits, such as 1,234.50."}
    form.type_amount("0")
    assert form.problems() == {"amount": "A payment is more than zero."}
    form.type_amount("$1,500.5")
    form.received_date = None
    form.date_problem = "Enter a date such as 3/14/2025."
    assert form.problems() == {"received_date": "Enter a date such as 3/14/2025."}
    form.date_problem = ""
    assert form.problems() == {"received_date": "Enter the date it was received."}
    assert form.to_post() is None


def test_one_person_pays_what_is_owed_after_credit() -> None:
    form = PaymentForm(received_date=DAY)
    form.method_id = 3
    form.choose_unit(7, balance=Balance(D("150.00"), D("50.00")))
    assert form.amount_text == "100.00"  # not the 150 owed: 50 is already on account
    assert form.payer_choices() == ()
    assert not form.payer_enabled
    form.reference = "  cheque 114 "
    assert form.problems() == {}
    assert form.to_post() == PaymentInput(7, DAY, D("100.00"), 3, "cheque 114")
    assert form.preview_request() == (7, DAY, (D("100.00"),))
    # A typed amount is kept when the client changes; nothing owed suggests nothing.
    form.type_amount("80")
    form.choose_unit(8, balance=Balance(D("150.00"), D("0.00")))
    assert form.amount == D("80.00")
    form.amount_text = ""
    form.choose_unit(9, balance=Balance(D("0.00"), D("20.00")))
    assert form.amount_text == ""


def test_one_member_of_a_couple_pays() -> None:
    form = couple_form()
    assert form.payer_choices() == (
        THE_UNIT,
        Payer("Alex Rivera", 11),
        Payer("Sam Rivera", 12),
        SPLIT,
    )
    assert form.to_post() == PaymentInput(7, DAY, D("175.00"), 3)
    form.choose_payer(Payer("Sam Rivera", 12))
    assert form.to_post() == PaymentInput(7, DAY, D("175.00"), 3, payer_client_id=12)


def test_a_split_follows_the_amount_until_a_part_is_typed() -> None:
    form = couple_form("100.01")
    form.choose_payer(SPLIT)
    assert form.splitting
    assert form.part_texts == {11: "50.01", 12: "50.00"}  # the first member takes the cent
    form.type_amount("175")
    assert form.part_texts == {11: "87.50", 12: "87.50"}
    assert form.to_post() == SplitPaymentInput(
        7, DAY, D("175.00"), 3, ((11, D("87.50")), (12, D("87.50")))
    )
    assert form.preview_request() == (7, DAY, (D("87.50"), D("87.50")))
    form.type_part(11, "100")
    form.type_amount("180")  # typed parts stay as typed
    assert form.part_texts == {11: "100", 12: "87.50"}
    assert form.problems() == {"parts": "The parts add up to $187.50; the payment is $180.00."}
    assert form.to_post() is None
    # While the parts do not add up, the preview is of the amount as one payment.
    assert form.preview_request() == (7, DAY, (D("180.00"),))
    form.type_part(11, "180")
    form.type_part(12, "0")  # Sam paid nothing: left out of what is posted
    assert form.to_post() == SplitPaymentInput(7, DAY, D("180.00"), 3, ((11, D("180.00")),))
    form.type_part(11, "0")
    assert form.problems() == {"parts": "Enter how much each member paid."}
    form.type_part(11, "")
    assert form.problems() == {"parts": "Enter an amount, such as 150.00."}


def test_choosing_a_split_again_shares_the_amount_evenly_again() -> None:
    form = couple_form("90")
    form.choose_payer(SPLIT)
    form.type_part(11, "60")
    form.choose_payer(THE_UNIT)
    assert not form.splitting
    assert form.problems() == {}  # the parts matter only when splitting
    form.choose_payer(SPLIT)
    assert form.part_texts == {11: "45.00", 12: "45.00"}


def _row(
    charge: int, owed: str, applied: str, payment: int | None, part: int | None
) -> PlannedAllocation:
    return PlannedAllocation(
        charge_id=charge,
        service_date=date(2026, 5, charge),
        description="90837 Psychotherapy, 60 min",
        owed=D(owed),
        applied=D(applied),
        applied_on=DAY,
        payment_id=payment,
        part=part,
    )


def test_preview_lines_say_what_credit_on_account_pays() -> None:
    plan = PaymentPlan(
        allocations=(
            _row(4, "150.00", "80.00", 31, None),
            _row(4, "70.00", "70.00", None, 0),
            _row(11, "150.00", "100.00", None, 0),
        ),
        owed=D("300.00"),
        credit=D("80.00"),
        left=(D("0.00"),),
    )
    form = PaymentForm()
    assert form.preview_lines(plan) == [
        "2026-05-04 90837 Psychotherapy, 60 min: $150.00 ($80.00 of it from credit on account)",
        "2026-05-11 90837 Psychotherapy, 60 min: $100.00 of $150.00",
    ]
    overpaid = PaymentPlan((_row(4, "150.00", "150.00", None, 0),), D("150.00"), D("0"), (D("50"),))
    assert form.preview_text(overpaid, lambda d: f"{d:%b} {d.day}") == (
        "Applied oldest first — May 4 90837 Psychotherapy, 60 min: $150.00; "
        "Credit on account: $50.00"
    )
    assert form.preview_text(PaymentPlan((), D("0"), D("0"), (D("0"),))) == ""
    assert form.preview_text(None) == ""


def test_the_preview_of_a_real_plan_and_what_is_posted(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "F1", "Fay Ruiz")
    cash = workspace.run(method_id, "Cash")
    for day in (date(2026, 5, 4), date(2026, 5, 11)):
        workspace.run(
            sessions.record_session, SessionInput(unit, day, "90837", fee=D("150"), minutes=55)
        )
    [first, second] = workspace.read(payments.open_charges, unit)
    workspace.run(
        payments.record_payment,
        PaymentInput(unit, date(2026, 5, 12), D("60"), cash, allocations=((second.id, D("10")),)),
    )
    form = PaymentForm(received_date=DAY)
    form.method_id = cash
    form.choose_unit(unit, balance=Balance(D("290.00"), D("50.00")))
    request = form.preview_request()
    assert request == (unit, DAY, (D("240.00"),))
    plan = workspace.read(payments.preview_payment, *request)
    assert form.preview_lines(plan) == [
        f"2026-05-04 {first.description}: $150.00 ($50.00 of it from credit on account)",
        f"2026-05-11 {second.description}: $140.00",
    ]
    data = form.to_post()
    assert isinstance(data, PaymentInput)
    workspace.run(payments.record_payment, data)
    assert workspace.read(payments.open_charges, unit) == []
