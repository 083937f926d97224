"""How money on account pays open charges when nobody applies it by hand: the rule itself.

Plain data in, a plan out; no database. The books post exactly what ``oldest_first``
plans (``desktop.services.books.applying`` writes it), and a payment's preview shows that
same plan before anything is written, so what a person confirms is what is posted.

The rule: the oldest money pays the oldest charge first. Money is ordered by the date
it was received (then the order it was recorded in); charges by date of service (then
the order they were recorded in). Credit already on account is therefore spent before a
payment received after it, and a payment back-dated before older credit is spent first.

Each amount applied gets a date: never before the money or the charge existed, never in
a closed period, never before the last movement of either (so no earlier "as of" view
shows money applied twice), and never before the action that prompts it (so money that
sat unapplied until now is applied now, and earlier views do not move).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Credit:
    """Money on account that can be applied: what is left of one payment.

    ``payment_id`` names a payment already in the books; money being received now has
    none yet, and ``part`` says which of the amounts being received it is.
    """

    payment_id: int | None
    part: int | None
    received_date: date
    left: Decimal
    last_moved: date  # the date this payment's credit last changed


@dataclass(frozen=True)
class Debt:
    """What is still owed on one charge."""

    charge_id: int
    service_date: date
    owed: Decimal
    last_moved: date  # the date this charge's balance last changed


@dataclass(frozen=True)
class Applied:
    """One amount of a payment's credit applied to one charge, and the date it gets."""

    payment_id: int | None
    part: int | None
    charge_id: int
    amount: Decimal
    on: date
    owed_before: Decimal  # what was owed on the charge just before this amount


@dataclass(frozen=True)
class Plan:
    """What ``oldest_first`` applies, in the order it is to be written, and what is left."""

    applied: tuple[Applied, ...]
    credits_left: tuple[Credit, ...]
    debts_left: tuple[Debt, ...]


def receiving(
    credits: Sequence[Credit], received_date: date, amounts: Sequence[Decimal]
) -> list[Credit]:
    """``credits`` (in the books' order) with the amounts received now added where the books
    will put them: after all money received on or before ``received_date``, in the order
    given (a payment recorded now is recorded after every payment already there)."""
    if any(amount <= 0 for amount in amounts):
        raise ValueError("money received is more than zero")
    new = [
        Credit(None, part, received_date, amount, received_date)
        for part, amount in enumerate(amounts)
    ]
    # A stable sort on the date alone: ties keep the books' order, new money last.
    return sorted([*credits, *new], key=lambda credit: credit.received_date)


def oldest_first(
    credits: Sequence[Credit],
    debts: Sequence[Debt],
    *,
    not_before: date,
    opened: date | None,
) -> Plan:
    """Apply ``credits`` to ``debts``, oldest money to the oldest charge, until one runs out.

    Both come in the books' order (see the module's note); ``opened`` is the first day
    after the closed period, if any; ``not_before`` is the date of the action prompting
    this.
    """
    applied: list[Applied] = []
    money = [c for c in credits if c.left > 0]
    owed = [d for d in debts if d.owed > 0]
    mi = di = 0
    while mi < len(money) and di < len(owed):
        credit, debt = money[mi], owed[di]
        amount = min(credit.left, debt.owed)
        on = max(
            day
            for day in (
                credit.received_date,
                debt.service_date,
                opened,
                credit.last_moved,
                debt.last_moved,
                not_before,
            )
            if day is not None
        )
        applied.append(
            Applied(credit.payment_id, credit.part, debt.charge_id, amount, on, debt.owed)
        )
        money[mi] = replace(credit, left=credit.left - amount, last_moved=on)
        owed[di] = replace(debt, owed=debt.owed - amount, last_moved=on)
        if owed[di].owed == 0:
            di += 1
        if money[mi].left == 0:
            mi += 1
    return Plan(tuple(applied), tuple(money[mi:]), tuple(owed[di:]))
