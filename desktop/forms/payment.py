"""The payment dialog's state as a plain class: what is typed, what is wrong with it, what
would be posted, and how the preview of it reads.

The rules are the services' and the domain's (the even split, what a split must add up
to, how money is applied); this class only keeps what the person has typed and asks
them. The dialog (``desktop.ui.dialogs.payment``) feeds it from its widgets and shows
what it answers; tests drive it without Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.money import ZERO, MoneyError, even_split, format_money, parse_money
from desktop.services.books.payments import (
    PaymentInput,
    PaymentPlan,
    PlannedAllocation,
    SplitPaymentInput,
    split_problem,
)
from desktop.services.books.queries import Balance

PLAN_HEADING = "Applied oldest first — "


@dataclass(frozen=True)
class Member:
    """A member of a couple or family who may pay."""

    client_id: int
    name: str


@dataclass(frozen=True)
class Payer:
    """One choice of "Paid by"."""

    label: str
    client_id: int | None = None  # None: the couple or family as a whole
    split: bool = False  # shared between members, an amount each


THE_UNIT = Payer("The couple or family")
SPLIT = Payer("Split between members…", split=True)

PreviewRequest = tuple[int, date, tuple[Decimal, ...]]  # unit, date received, amounts


def _money(text: str) -> tuple[Decimal | None, str]:
    """The amount typed and "", or None and what is wrong with it."""
    try:
        return parse_money(text), ""
    except MoneyError as exc:
        return None, str(exc)


class PaymentForm:
    """What the payment dialog edits: the client, who paid (one member, the couple or
    family, or a split between members), the amount and each member's part, the method,
    the date received and a reference."""

    def __init__(self, *, received_date: date | None = None) -> None:
        self.unit_id: int | None = None
        self.individual = True
        self.members: tuple[Member, ...] = ()
        self.payer = THE_UNIT
        self.amount_text = ""
        self.part_texts: dict[int, str] = {}
        self.parts_touched = False  # once a part is typed, parts stop following the amount
        self.method_id: int | None = None
        self.received_date = received_date
        self.date_problem = ""  # what the date field says is wrong with what was typed
        self.reference = ""

    # --- what the person does ------------------------------------------------------------

    def choose_unit(
        self,
        unit_id: int | None,
        *,
        individual: bool = True,
        members: tuple[Member, ...] = (),
        balance: Balance | None = None,
    ) -> None:
        """Pick the client; a blank amount becomes what they owe after credit on account."""
        self.unit_id = unit_id
        self.individual = individual or unit_id is None
        self.members = members if not self.individual else ()
        self.payer = THE_UNIT
        self.part_texts = {m.client_id: "" for m in self.members}
        self.parts_touched = False
        if balance is not None and balance.net > 0 and not self.amount_text.strip():
            self.amount_text = format_money(balance.net, symbol=False)

    def payer_choices(self) -> tuple[Payer, ...]:
        """The "Paid by" choices: none for one person (the field is off)."""
        if self.individual:
            return ()
        choices = (THE_UNIT, *(Payer(m.name, m.client_id) for m in self.members))
        return (*choices, SPLIT) if len(self.members) > 1 else choices

    def choose_payer(self, payer: Payer) -> None:
        """Choosing a split shares the amount evenly between the members."""
        self.payer = payer
        if self.splitting:
            self.share_evenly()

    def type_amount(self, text: str) -> None:
        """The person typed the amount: parts nobody has typed follow it, shared evenly."""
        self.amount_text = text
        if self.splitting and not self.parts_touched:
            self.share_evenly()

    def type_part(self, client_id: int, text: str) -> None:
        self.part_texts[client_id] = text
        self.parts_touched = True

    def share_evenly(self) -> None:
        amount = self.amount
        if amount is None or amount <= 0 or not self.members:
            return
        for member, part in zip(self.members, self.even_parts(amount), strict=True):
            self.part_texts[member.client_id] = format_money(part, symbol=False)

    # --- what it amounts to --------------------------------------------------------------

    @property
    def payer_enabled(self) -> bool:
        return len(self.payer_choices()) > 1

    @property
    def splitting(self) -> bool:
        return self.payer_enabled and self.payer.split

    @property
    def amount(self) -> Decimal | None:
        return _money(self.amount_text)[0]

    def even_parts(self, amount: Decimal) -> tuple[Decimal, ...]:
        """``amount`` shared evenly between the members, in their order (the domain's
        rounding: the first members take any odd cents)."""
        return even_split(amount, len(self.members))

    def _parts(self) -> tuple[tuple[tuple[int, Decimal], ...], str]:
        """(client id, amount) of each member who paid, and what is wrong ("" if nothing)."""
        parts = []
        for member in self.members:
            value, problem = _money(self.part_texts.get(member.client_id, ""))
            if value is None:
                return (), problem
            if value != 0:  # a member who paid nothing is left out
                parts.append((member.client_id, value))
        amount = self.amount
        if amount is None:
            return tuple(parts), "" if parts else split_problem(ZERO, ())
        return tuple(parts), split_problem(amount, tuple(parts))

    def problems(self) -> dict[str, str]:
        """What is wrong, by field, in sentences; empty when the payment can be recorded."""
        problems: dict[str, str] = {}
        if self.unit_id is None:
            problems["unit_id"] = "Choose the client: type part of a name, then pick it."
        if self.received_date is None or self.date_problem:
            problems["received_date"] = self.date_problem or "Enter the date it was received."
        amount, problem = _money(self.amount_text)
        if problem:
            problems["amount"] = problem
        elif amount is not None and amount <= 0:
            problems["amount"] = "A payment is more than zero."
        if self.method_id is None:
            problems["method_id"] = "Add a payment method in Settings first."
        if self.splitting:
            _parts, problem = self._parts()
            if problem:
                problems["parts"] = problem
        return problems

    def to_post(self) -> PaymentInput | SplitPaymentInput | None:
        """What recording would post, or None while something is wrong."""
        amount = self.amount
        if (
            self.problems()
            or self.unit_id is None
            or self.received_date is None
            or amount is None
            or self.method_id is None
        ):
            return None
        reference = self.reference.strip()
        if self.splitting:
            parts, _problem = self._parts()
            return SplitPaymentInput(
                self.unit_id, self.received_date, amount, self.method_id, parts, reference
            )
        return PaymentInput(
            unit_id=self.unit_id,
            received_date=self.received_date,
            amount=amount,
            method_id=self.method_id,
            reference=reference,
            payer_client_id=self.payer.client_id if self.payer_enabled else None,
        )

    # --- the preview ---------------------------------------------------------------------

    def preview_request(self) -> PreviewRequest | None:
        """What to ask ``preview_payment`` for: the unit, the date, and the amounts that
        would be recorded (each member's part of a split that adds up, else the amount);
        None until there is a client, a date and an amount."""
        amount = self.amount
        if self.unit_id is None or self.received_date is None or amount is None or amount <= 0:
            return None
        amounts: tuple[Decimal, ...] = (amount,)
        if self.splitting:
            parts, problem = self._parts()
            if not problem:
                amounts = tuple(part for _client, part in parts)
        return self.unit_id, self.received_date, amounts

    def preview_lines(
        self, plan: PaymentPlan, date_text: Callable[[date], str] = date.isoformat
    ) -> list[str]:
        """One line per charge paid, saying how much of it credit on account pays, then
        what stays on account; ``date_text`` writes a date as the screen does."""
        by_charge: dict[int, list[PlannedAllocation]] = {}
        for row in plan.allocations:
            by_charge.setdefault(row.charge_id, []).append(row)
        lines = []
        for rows in by_charge.values():
            first = rows[0]
            applied = sum((r.applied for r in rows), ZERO)
            line = f"{date_text(first.service_date)} {first.description}: {format_money(applied)}"
            if applied < first.owed:
                line += f" of {format_money(first.owed)}"
            from_credit = sum((r.applied for r in rows if r.from_credit), ZERO)
            if from_credit:
                line += f" ({format_money(from_credit)} of it from credit on account)"
            lines.append(line)
        if plan.new_credit > 0:
            lines.append(f"Credit on account: {format_money(plan.new_credit)}")
        return lines

    def preview_text(
        self, plan: PaymentPlan | None, date_text: Callable[[date], str] = date.isoformat
    ) -> str:
        lines = self.preview_lines(plan, date_text) if plan is not None else []
        return PLAN_HEADING + "; ".join(lines) if lines else ""
