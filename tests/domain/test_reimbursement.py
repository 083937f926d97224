"""The reimbursement estimator against figures worked by hand."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest

from desktop.domain.reimbursement import estimate


def test_the_domain_example_pays_nothing_while_the_deductible_is_unmet() -> None:
    # DOMAIN.md: fee 200, allowed 120, deductible left 500 -> 0.
    result = estimate(D("200.00"), D("120.00"), D("500.00"), 3000)
    assert result.reimbursement == D("0.00")
    assert result.net_cost == D("200.00")
    assert result.to_deductible == D("120.00")
    assert result.deductible_after == D("380.00")


@pytest.mark.parametrize(
    ("fee", "allowed", "deductible", "coinsurance", "paid", "net"),
    [
        # Deductible met, 30% coinsurance: 120 x 0.7 = 84.
        ("200.00", "120.00", "0.00", 3000, "84.00", "116.00"),
        # The fee is below the allowed amount: 100 x 0.8 = 80.
        ("100.00", "150.00", "0.00", 2000, "80.00", "20.00"),
        # 50 of the deductible left: (120 - 50) x 0.6 = 42.
        ("175.00", "120.00", "50.00", 4000, "42.00", "133.00"),
        # No coinsurance: the plan pays all it allows.
        ("190.00", "140.00", "0.00", 0, "140.00", "50.00"),
        # 100% coinsurance: nothing back.
        ("190.00", "140.00", "0.00", 10000, "0.00", "190.00"),
        # Half-up to the cent: 99.99 x 0.675 = 67.493 -> 67.49; 33.33 x 0.5 = 16.665 -> 16.67
        ("99.99", "99.99", "0.00", 3250, "67.49", "32.50"),
        ("33.33", "40.00", "0.00", 5000, "16.67", "16.66"),
    ],
)
def test_hand_worked_examples(
    fee: str, allowed: str, deductible: str, coinsurance: int, paid: str, net: str
) -> None:
    result = estimate(D(fee), D(allowed), D(deductible), coinsurance)
    assert result.reimbursement == D(paid)
    assert result.net_cost == D(net)
    assert isinstance(result.reimbursement, D)


def test_never_below_zero_and_never_more_than_the_fee() -> None:
    for deductible in ("0.00", "10.00", "119.99", "120.00", "5000.00"):
        result = estimate(D("120.00"), D("300.00"), D(deductible), 2500)
        assert D("0.00") <= result.reimbursement <= D("120.00")


def test_impossible_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        estimate(D("-1.00"), D("100.00"), D("0.00"), 0)
    with pytest.raises(ValueError, match="coinsurance"):
        estimate(D("100.00"), D("100.00"), D("0.00"), 10001)
