"""Applying money to charges, oldest first: the plan, and writing it.

The rule itself is the domain's (``desktop.domain.allocation``); here it is fed
the unit's credit and open charges as the books hold them, and its plan is
written as allocations (``ledger.write_allocation``). A payment's preview and its
posting both plan with ``plan_receipt``, so the preview is what is posted; money
left unapplied is applied by ``apply_credit`` whenever a charge is posted or
credit is freed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import Allocation, Charge, Payment
from desktop.domain.allocation import Credit, Debt, Plan, oldest_first, receiving
from desktop.services.books import dates, ledger, open_amounts
from desktop.services.errors import InvalidInput


@dataclass(frozen=True)
class OnAccount:
    """A unit's credit and open charges as the oldest-first rule sees them (in the books'
    order), with the records an allocation is written against."""

    credits: tuple[Credit, ...]
    debts: tuple[Debt, ...]
    payments: dict[int, Payment]
    charges: dict[int, Charge]


def _on_account(
    charges: list[tuple[Charge, Decimal, date]], payments: list[tuple[Payment, Decimal, date]]
) -> OnAccount:
    return OnAccount(
        credits=tuple(
            Credit(p.id, None, p.received_date, left, moved) for p, left, moved in payments
        ),
        debts=tuple(Debt(c.id, c.service_date, owed, moved) for c, owed, moved in charges),
        payments={p.id: p for p, _, _ in payments},
        charges={c.id: c for c, _, _ in charges},
    )


def on_account(session: Session, unit_id: int) -> OnAccount:
    """The unit's payments with credit left and its open charges, with their last movements."""
    return _on_account(
        open_amounts.open_charges_dated(session, unit_id),
        open_amounts.payments_with_credit_dated(session, unit_id),
    )


def plan_receipt(
    session: Session, unit_id: int, received_date: date, amounts: Sequence[Decimal]
) -> tuple[Plan, OnAccount]:
    """How money received now (one payment per amount, recorded in that order) and the
    credit already on account will be applied, oldest first: the one plan that both a
    payment's preview and its posting use."""
    if any(amount <= 0 for amount in amounts):
        raise InvalidInput("A payment must be more than zero.", field="amount")
    state = on_account(session, unit_id)
    plan = oldest_first(
        receiving(state.credits, received_date, amounts),
        state.debts,
        not_before=received_date,
        opened=dates.first_open_day(session),
    )
    return plan, state


def write_plan(
    session: Session, plan: Plan, state: OnAccount, received: Sequence[Payment] = ()
) -> list[tuple[Allocation, Charge]]:
    """Write the allocations ``plan`` makes, in its order and with its dates; money received
    now is ``received[part]``. Returns each allocation with the charge it pays.

    The amounts and dates were worked out from the books' own sums and last movements
    (``on_account``), so each allocation gets exactly the checks and the date
    post_allocation would give it, without querying them again.
    """
    made: list[tuple[Allocation, Charge]] = []
    for step in plan.applied:
        if step.payment_id is not None:
            payment = state.payments[step.payment_id]
        else:
            assert step.part is not None
            payment = received[step.part]
        charge = state.charges[step.charge_id]
        allocation = ledger.write_allocation(
            session, payment, charge, step.amount, step.on, manual=False
        )
        made.append((allocation, charge))
    return made


def apply_credit(
    session: Session, unit_id: int, not_before: date
) -> list[tuple[Allocation, Charge]]:
    """Apply the unit's unapplied money to its open charges, oldest first; returns each
    allocation made with the charge it pays.

    ``not_before`` is the date of the action that prompts this: money that sat unapplied
    until now is applied now, never back-dated, so earlier "as of" views do not move.
    """
    if open_amounts.unit_credit(session, unit_id) <= 0:  # the common case: nothing to apply
        return []
    charges = open_amounts.open_charges_dated(session, unit_id)
    if not charges:
        return []
    state = _on_account(charges, open_amounts.payments_with_credit_dated(session, unit_id))
    plan = oldest_first(
        state.credits, state.debts, not_before=not_before, opened=dates.first_open_day(session)
    )
    return write_plan(session, plan, state)
