"""Applying a payment by hand, as a plain class: which charges it may pay, how much each
may take, what is wrong with the amounts typed, and what is left as credit.

The dialog (``desktop.ui.dialogs.payment.AllocationDialog``) shows a field per charge
and feeds this class what is typed; the services check the same limits again when the
payment is re-applied (``payments.reallocate_payment``). Tests drive it without Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from desktop.domain.money import ZERO, MoneyError, format_money, parse_money
from desktop.services.books.payments import Allocations, OpenCharge, PaymentRow


class AllocationForm:
    """The amounts typed against each charge a payment may pay."""

    def __init__(self, payment: PaymentRow, charges: Sequence[OpenCharge]) -> None:
        self.payment = payment
        # A charge this payment already pays is open again once it is re-applied.
        self.current = {a.charge_id: a.amount for a in payment.allocations}
        known = {c.id for c in charges}
        reopened = [
            OpenCharge(
                c.id, c.service_date, c.description, c.amount, c.owed + self.current.get(c.id, 0)
            )
            for c in charges
        ] + [
            OpenCharge(a.charge_id, a.service_date, a.description, a.amount, a.amount)
            for a in payment.allocations
            if a.charge_id not in known
        ]
        self.charges: tuple[OpenCharge, ...] = tuple(
            sorted(reopened, key=lambda c: (c.service_date, c.id))
        )
        # What is applied now starts in the fields; blank where nothing is.
        self.texts: dict[int, str] = {
            c.id: format_money(self.current[c.id], symbol=False) if c.id in self.current else ""
            for c in self.charges
        }

    @staticmethod
    def field(charge_id: int) -> str:
        """The name of the field that holds the amount applied to a charge."""
        return f"charge_{charge_id}"

    def type_amount(self, charge_id: int, text: str) -> None:
        self.texts[charge_id] = text

    def _read(self) -> tuple[Allocations, dict[str, str]]:
        """(charge id, amount) for each charge given an amount, and what is wrong, by field."""
        problems: dict[str, str] = {}
        parts: list[tuple[int, Decimal]] = []
        for charge in self.charges:
            text = self.texts.get(charge.id, "")
            if not text.strip():
                continue  # blank: nothing applied to this charge
            try:
                value = parse_money(text)
            except MoneyError as exc:
                problems[self.field(charge.id)] = str(exc)
                continue
            if value > charge.owed:
                problems[self.field(charge.id)] = f"At most {format_money(charge.owed)} is open."
            elif value:
                parts.append((charge.id, value))
        total = sum((amount for _id, amount in parts), ZERO)
        if total > self.payment.amount:
            problems["total"] = f"That applies {format_money(total)}, more than was paid."
        return tuple(parts), problems

    def problems(self) -> dict[str, str]:
        """What is wrong, by field, in sentences; empty when the amounts can be applied."""
        return self._read()[1]

    @property
    def applied(self) -> Decimal:
        """What the amounts that can be read add up to."""
        return sum((amount for _id, amount in self._read()[0]), ZERO)

    @property
    def left_as_credit(self) -> Decimal:
        """What of the payment the amounts typed leave on account as credit."""
        return self.payment.amount - self.applied

    def to_post(self) -> Allocations | None:
        """(charge id, amount) to apply, in the charges' order, or None while something
        is wrong."""
        parts, problems = self._read()
        return None if problems else parts
