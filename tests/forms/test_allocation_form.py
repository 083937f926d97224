"""Applying a payment by hand, without Qt: which charges it may pay and how much, what is
wrong with the amounts typed, and what is left as credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from desktop.forms.allocation import AllocationForm
from desktop.services.books.payments import AllocationRow, OpenCharge, PaymentRow

MAY_4, MAY_11, MAY_18 = date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 18)


def payment(amount: str, *allocations: AllocationRow) -> PaymentRow:
    applied = sum((a.amount for a in allocations), D("0.00"))
    return PaymentRow(
        id=9,
        unit_id=1,
        received_date=MAY_18,
        method="Check",
        amount=D(amount),
        fee=D("0.00"),
        reference="",
        payer_client_id=None,
        applied=applied,
        unapplied=D(amount) - applied,
        voided=False,
        allocations=allocations,
    )


def test_what_this_payment_pays_now_is_open_again_and_shown_in_the_fields() -> None:
    # The May 11 charge is half paid by this payment; the May 4 one wholly, so it is no
    # longer among the open charges, yet may be paid again.
    paid = payment(
        "200.00",
        AllocationRow(1, 11, MAY_4, "90837", D("150.00"), manual=False),
        AllocationRow(2, 12, MAY_11, "90837", D("50.00"), manual=False),
    )
    open_now = [
        OpenCharge(13, MAY_18, "90834", D("120.00"), D("120.00")),
        OpenCharge(12, MAY_11, "90837", D("150.00"), D("100.00")),
    ]
    form = AllocationForm(paid, open_now)
    assert [(c.id, c.owed) for c in form.charges] == [
        (11, D("150.00")),
        (12, D("150.00")),
        (13, D("120.00")),
    ]
    assert form.texts == {11: "150.00", 12: "50.00", 13: ""}
    assert form.problems() == {}
    assert form.to_post() == ((11, D("150.00")), (12, D("50.00")))
    assert form.left_as_credit == D("0.00")


def test_at_most_what_is_open_and_at_most_what_was_paid() -> None:
    open_now = [
        OpenCharge(1, MAY_4, "90837", D("150.00"), D("150.00")),
        OpenCharge(2, MAY_11, "90837", D("150.00"), D("40.00")),
    ]
    form = AllocationForm(payment("100.00"), open_now)
    form.type_amount(2, "40.01")
    assert form.problems() == {form.field(2): "At most $40.00 is open."}
    assert form.to_post() is None
    form.type_amount(2, "$1,50x")
    assert form.problems() == {
        "charge_2": "'$1,50x' is not an amount; use digits, such as 1,234.50."
    }
    form.type_amount(2, "-5")
    assert form.problems() == {"charge_2": "The amount cannot be negative here."}
    form.type_amount(2, "40")
    form.type_amount(1, "60.01")
    assert form.problems() == {"total": "That applies $100.01, more than was paid."}
    assert form.left_as_credit == D("-0.01")
    form.type_amount(1, "60")
    assert form.problems() == {}
    assert form.to_post() == ((1, D("60.00")), (2, D("40.00")))


def test_blank_and_zero_apply_nothing_and_the_rest_is_credit() -> None:
    open_now = [
        OpenCharge(1, MAY_4, "90837", D("150.00"), D("150.00")),
        OpenCharge(2, MAY_11, "90837", D("150.00"), D("150.00")),
    ]
    form = AllocationForm(payment("200.00"), open_now)
    assert form.left_as_credit == D("200.00")
    assert form.to_post() == ()
    form.type_amount(1, "0")
    form.type_amount(2, " 75.5 ")
    assert form.applied == D("75.50")
    assert form.left_as_credit == D("124.50")
    assert form.to_post() == ((2, D("75.50")),)
    # What cannot be read is not counted in what is left as credit.
    form.type_amount(1, "abc")
    assert form.left_as_credit == D("124.50")
