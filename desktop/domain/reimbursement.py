"""What an out-of-network claim should pay back, and what the visit then costs the client.

The rule (DOMAIN.md): the smaller of the fee and the plan's allowed amount,
less what is left of the deductible, times the share the plan pays
(1 - coinsurance), never below zero. Coinsurance is in basis points (3000 is
30%); the result is rounded half-up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FULL = 10000  # basis points


@dataclass(frozen=True)
class Estimate:
    fee: Decimal
    allowed: Decimal
    deductible_left: Decimal
    coinsurance_bp: int
    counted: Decimal  # min(fee, allowed): what the plan looks at
    to_deductible: Decimal  # the part of it the client pays towards the deductible
    reimbursement: Decimal
    net_cost: Decimal  # fee less reimbursement: what the visit costs the client
    deductible_after: Decimal  # what is left of the deductible after this visit


def estimate(
    fee: Decimal, allowed: Decimal, deductible_left: Decimal, coinsurance_bp: int
) -> Estimate:
    """The expected reimbursement for one visit; raises ValueError for impossible inputs."""
    if fee < 0 or allowed < 0 or deductible_left < 0:
        raise ValueError("amounts cannot be negative")
    if not 0 <= coinsurance_bp <= FULL:
        raise ValueError("coinsurance is between 0 and 10000 basis points")
    counted = min(fee, allowed)
    to_deductible = min(counted, deductible_left)
    plan_share = Decimal(FULL - coinsurance_bp) / Decimal(FULL)
    paid = ((counted - to_deductible) * plan_share).quantize(CENT, rounding=ROUND_HALF_UP)
    paid = max(paid, ZERO)
    return Estimate(
        fee=fee,
        allowed=allowed,
        deductible_left=deductible_left,
        coinsurance_bp=coinsurance_bp,
        counted=counted,
        to_deductible=to_deductible,
        reimbursement=paid,
        net_cost=fee - paid,
        deductible_after=deductible_left - to_deductible,
    )
