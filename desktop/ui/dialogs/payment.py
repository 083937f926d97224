"""Record a payment (applied oldest first, shown before saving), and apply one by hand.

For a couple or family the payment may come from the unit, from one member, or be
split between members (one payment each, recorded together as one action).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.domain.kinds import UnitKind
from desktop.services.books.payments import (
    OpenCharge,
    PaymentInput,
    PaymentRow,
    open_charges,
    reallocate_payment,
    record_payment,
    record_split_payment,
)
from desktop.services.clients.records import UnitRow, get_unit_detail
from desktop.services.practice.catalog import PaymentMethodRow
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.dialogs.session import picked_unit, unit_picker
from desktop.ui.formatting import format_date, money_text
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
SPLIT = -1  # the "Paid by" choice that splits the payment between members


@dataclass(frozen=True)
class SplitPayment:
    """One payment from several members: (client id, amount) for each who paid."""

    unit_id: int
    received_date: date
    method_id: int
    reference: str
    parts: tuple[tuple[int, Decimal], ...]


def even_split(amount: Decimal, ways: int) -> list[Decimal]:
    """``amount`` in ``ways`` parts to the cent; the first parts take any leftover cents."""
    base = (amount / ways).quantize(CENT, rounding="ROUND_DOWN")
    leftover = int((amount - base * ways) / CENT)
    return [base + (CENT if i < leftover else ZERO) for i in range(ways)]


def oldest_first(charges: list[OpenCharge], amount: Decimal) -> list[tuple[OpenCharge, Decimal]]:
    """How the books will apply ``amount`` when nobody applies it by hand."""
    plan = []
    left = amount
    for charge in charges:
        if left <= 0:
            break
        part = min(left, charge.owed)
        plan.append((charge, part))
        left -= part
    return plan


class PaymentDialog(FormDialog[PaymentInput | SplitPayment]):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        units: list[UnitRow],
        methods: list[PaymentMethodRow],
        *,
        unit_id: int | None = None,
    ) -> None:
        super().__init__(parent, "Record payment", runner, save_text="Record")
        self._kinds = {u.unit_id: u.kind for u in units}
        self._open: list[OpenCharge] = []
        self.client = unit_picker(units, unit_id)
        self.client.currentIndexChanged.connect(lambda _i: self._client_chosen())
        self.day = DateEdit(value=date.today())
        self.amount = MoneyEdit()
        self.method = QComboBox()
        for method in methods:
            self.method.addItem(method.name, method.id)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Cheque number, last digits… (optional)")
        self.payer = QComboBox()
        self.payer.currentIndexChanged.connect(lambda _i: self._payer_chosen())
        self.parts_box = QWidget()
        self.parts_box.setObjectName("split_parts")
        self.parts_layout = QFormLayout(self.parts_box)
        self.parts_layout.setContentsMargins(0, 0, 0, 0)
        self.part_edits: list[tuple[int, MoneyEdit]] = []
        self.form.add("unit_id", "Client", self.client, required=True)
        self.form.add("received_date", "Received", self.day, required=True)
        self.form.add("amount", "Amount", self.amount, required=True)
        self.form.add("method_id", "Method", self.method, required=True)
        self.form.add("reference", "Reference", self.reference)
        self.form.add("payer_client_id", "Paid by", self.payer)
        self.form.add("parts", "Split", self.parts_box)
        self.body.addLayout(self.form.layout)
        self.plan = QLabel()
        self.plan.setObjectName("allocation_plan")
        self.plan.setWordWrap(True)
        self.body.addWidget(self.plan)
        self.amount.textChanged.connect(lambda _t: self._show_plan())
        # While the parts are untouched they follow the amount, shared evenly.
        self.amount.textEdited.connect(lambda _t: self._amount_edited())
        self._client_chosen()
        self.finish_layout()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        (self.amount if unit_id else self.client).setFocus()

    def _client_chosen(self) -> None:
        unit_id = picked_unit(self.client)
        self.payer.clear()
        self._open = []
        if unit_id is not None:
            self._open = self.runner.read(open_charges, unit_id, parent=self) or []
            owed = sum((c.owed for c in self._open), ZERO)
            if owed and not self.amount.text():
                self.amount.set_value(owed)
            if self._kinds.get(unit_id) != UnitKind.INDIVIDUAL:
                detail = self.runner.read(get_unit_detail, unit_id, parent=self)
                members = detail.members if detail else ()
                self.payer.addItem("The couple or family", None)
                for member in members:
                    self.payer.addItem(member.display_name, member.client_id)
                if len(members) > 1:
                    self.payer.addItem("Split between members…", SPLIT)
                self._build_parts([(m.client_id, m.display_name) for m in members])
        self.payer.setEnabled(self.payer.count() > 1)
        self._payer_chosen()

    # --- a payment split between members -----------------------------------------------------

    def _build_parts(self, members: list[tuple[int, str]]) -> None:
        while self.parts_layout.rowCount():
            self.parts_layout.removeRow(0)
        self.part_edits = []
        for client_id, name in members:
            edit = MoneyEdit()
            edit.setObjectName(f"part_{client_id}")
            edit.textEdited.connect(lambda _t: self._part_edited())
            edit.textChanged.connect(lambda _t: self.revalidate())
            self.parts_layout.addRow(name, edit)
            self.part_edits.append((client_id, edit))

    @property
    def splitting(self) -> bool:
        return self.payer.isEnabled() and self.payer.currentData() == SPLIT

    def _payer_chosen(self) -> None:
        splitting = self.splitting
        row_label = self.form.layout.labelForField(self.parts_box.parentWidget())
        for widget in (self.parts_box.parentWidget(), row_label):
            if widget is not None:
                widget.setVisible(splitting)
        if splitting:
            self._share_evenly()
        self._show_plan()
        self.revalidate()

    def _share_evenly(self) -> None:
        amount = self.amount.value()
        if amount is None or amount <= 0 or not self.part_edits:
            return
        for (_client_id, edit), part in zip(
            self.part_edits, even_split(amount, len(self.part_edits)), strict=True
        ):
            edit.set_value(part)

    def _part_edited(self) -> None:
        self.form.touch("parts")
        self.revalidate()

    def _parts(self) -> tuple[tuple[tuple[int, Decimal], ...], str]:
        """The members' amounts, and what is wrong with them ('' when nothing)."""
        parts = []
        for client_id, edit in self.part_edits:
            if edit.problem():
                return (), edit.problem()
            value = edit.value() or ZERO
            if value < 0:
                return (), "A member's part is zero or more."
            if value > 0:
                parts.append((client_id, value))
        if not parts:
            return (), "Enter how much each member paid."
        amount = self.amount.value()
        total = sum((v for _c, v in parts), ZERO)
        if amount is not None and total != amount:
            return (), (
                f"The parts add up to {money_text(total)}; the payment is {money_text(amount)}."
            )
        return tuple(parts), ""

    def _show_plan(self) -> None:
        amount = self.amount.value()
        if picked_unit(self.client) is None or amount is None:
            self.plan.setText("")
            return
        plan = oldest_first(self._open, amount)
        lines = [
            f"{format_date(c.service_date)} {c.description}: {money_text(part)}" for c, part in plan
        ]
        credit = amount - sum((part for _c, part in plan), ZERO)
        if credit > 0:
            lines.append(f"Credit on account: {money_text(credit)}")
        self.plan.setText("Applied oldest first — " + "; ".join(lines) if lines else "")

    def collect(self) -> tuple[PaymentInput | None, dict[str, str]]:
        problems: dict[str, str] = {}
        unit_id = picked_unit(self.client)
        if unit_id is None:
            problems["unit_id"] = "Choose the client: type part of a name, then pick it."
        day = self.day.value()
        if day is None:
            problems["received_date"] = self.day.problem() or "Enter the date it was received."
        amount = self.amount.value()
        if self.amount.problem():
            problems["amount"] = self.amount.problem()
        elif amount is not None and amount <= 0:
            problems["amount"] = "A payment is more than zero."
        if self.method.currentData() is None:
            problems["method_id"] = "Add a payment method in Settings first."
        parts: tuple[tuple[int, Decimal], ...] = ()
        if self.splitting:
            parts, problem = self._parts()
            if problem:
                problems["parts"] = problem
        if problems or unit_id is None or day is None or amount is None:
            return None, problems
        if self.splitting:
            split = SplitPayment(
                unit_id, day, self.method.currentData(), self.reference.text().strip(), parts
            )
            return split, {}
        data = PaymentInput(
            unit_id=unit_id,
            received_date=day,
            amount=amount,
            method_id=self.method.currentData(),
            reference=self.reference.text().strip(),
            payer_client_id=self.payer.currentData() if self.payer.isEnabled() else None,
        )
        return data, {}

    def submit(self, data: PaymentInput | SplitPayment) -> Outcome[Any]:
        if isinstance(data, SplitPayment):
            return self.runner.attempt(
                record_split_payment,
                data.unit_id,
                data.received_date,
                data.method_id,
                data.parts,
                data.reference,
            )
        return self.runner.attempt(record_payment, data)

    def _amount_edited(self) -> None:
        if self.splitting and not self.form.is_touched("parts"):
            self._share_evenly()


class AllocationDialog(FormDialog[tuple[tuple[int, Decimal], ...]]):
    """Apply a payment by hand: an amount against each open charge; the rest is credit."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        payment: PaymentRow,
        charges: list[OpenCharge],
    ) -> None:
        super().__init__(parent, "Apply payment", runner, save_text="Apply")
        self.payment = payment
        self.body.addWidget(
            QLabel(
                f"{money_text(payment.amount)} received {format_date(payment.received_date)}"
                f" by {payment.method}."
            )
        )
        # A charge this payment already pays is open again once it is re-applied.
        current = {a.charge_id: a.amount for a in payment.allocations}
        known = {c.id for c in charges}
        self.charges = [
            OpenCharge(c.id, c.service_date, c.description, c.amount, c.owed + current.get(c.id, 0))
            for c in charges
        ] + [
            OpenCharge(a.charge_id, a.service_date, a.description, a.amount, a.amount)
            for a in payment.allocations
            if a.charge_id not in known
        ]
        self.charges.sort(key=lambda c: (c.service_date, c.id))
        self.edits: dict[int, MoneyEdit] = {}
        for charge in self.charges:
            edit = MoneyEdit(optional=True)
            edit.set_value(current.get(charge.id))
            self.edits[charge.id] = edit
            label = (
                f"{format_date(charge.service_date)} {charge.description} "
                f"({money_text(charge.owed)} open)"
            )
            self.form.add(f"charge_{charge.id}", label, edit)
        self.body.addLayout(self.form.layout)
        self.left = QLabel()
        self.left.setObjectName("credit_left")
        self.body.addWidget(self.left)
        self.finish_layout()

    def collect(self) -> tuple[tuple[tuple[int, Decimal], ...] | None, dict[str, str]]:
        problems: dict[str, str] = {}
        parts: list[tuple[int, Decimal]] = []
        for charge in self.charges:
            edit = self.edits[charge.id]
            value = edit.value()
            if edit.problem():
                problems[f"charge_{charge.id}"] = edit.problem()
            elif value is not None and value > charge.owed:
                problems[f"charge_{charge.id}"] = f"At most {money_text(charge.owed)} is open."
            elif value:
                parts.append((charge.id, value))
        total = sum((amount for _id, amount in parts), ZERO)
        if total > self.payment.amount:
            problems["total"] = f"That applies {money_text(total)}, more than was paid."
        self.left.setText(f"Left as credit: {money_text(self.payment.amount - total)}")
        return (None, problems) if problems else (tuple(parts), {})

    def submit(self, data: tuple[tuple[int, Decimal], ...]) -> Outcome[Any]:
        return self.runner.attempt(reallocate_payment, self.payment.id, data)
