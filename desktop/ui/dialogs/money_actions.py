"""Small money actions, each with what it needs and nothing more: void with a reason,
refund credit, write off (or discount) what is owed on a charge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop.domain.kinds import AdjustmentKind, AdjustmentReason
from desktop.services.books.payments import OpenCharge
from desktop.services.books.refunds import record_refund
from desktop.services.books.write_offs import write_off
from desktop.services.practice.catalog import PaymentMethodRow
from desktop.ui.dialogs.base import FormDialog, ReasonDialog
from desktop.ui.formatting import format_date, money_text
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit


class VoidDialog(ReasonDialog):
    """Ask why, then void: ``action(reason)`` does it (a void_session or void_entry call)."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        what: str,
        action: Callable[[str], Outcome[Any]],
    ) -> None:
        super().__init__(
            parent,
            runner,
            title="Void",
            about=(
                f"Void {what}? Nothing is deleted: the entry stays in the books, marked void, "
                "and any money applied to it becomes credit again."
            ),
            save_text="Void",
            example="e.g. entered twice",
            missing="Say why this is being voided.",
            action=action,
        )


@dataclass(frozen=True)
class RefundInput:
    amount: Decimal
    on: date
    method_id: int | None
    reference: str


class RefundDialog(FormDialog[RefundInput]):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        unit_id: int,
        credit: Decimal,
        methods: list[PaymentMethodRow],
    ) -> None:
        super().__init__(parent, "Refund credit", runner, save_text="Refund")
        self.unit_id = unit_id
        self.credit = credit
        about = QLabel(f"Credit on account: {money_text(credit)}")
        self.body.addWidget(about)
        self.amount = MoneyEdit()
        self.amount.set_value(credit)
        self.day = DateEdit(value=date.today())
        self.method = QComboBox()
        self.method.addItem("As it was paid", None)
        for method in methods:
            self.method.addItem(method.name, method.id)
        self.reference = QLineEdit()
        self.form.add("amount", "Amount", self.amount, required=True)
        self.form.add("on", "Date", self.day, required=True)
        self.form.add("method_id", "Paid back by", self.method)
        self.form.add("reference", "Reference", self.reference)
        self.body.addLayout(self.form.layout)
        self.finish_layout()
        self.amount.setFocus()
        self.amount.selectAll()

    def collect(self) -> tuple[RefundInput | None, dict[str, str]]:
        problems: dict[str, str] = {}
        amount = self.amount.value()
        if self.amount.problem():
            problems["amount"] = self.amount.problem()
        elif amount is not None and (amount <= 0 or amount > self.credit):
            problems["amount"] = f"Refund between 0.01 and {money_text(self.credit)}."
        day = self.day.value()
        if day is None:
            problems["on"] = self.day.problem() or "Enter the date of the refund."
        if problems or amount is None or day is None:
            return None, problems
        return RefundInput(amount, day, self.method.currentData(), self.reference.text()), {}

    def submit(self, data: RefundInput) -> Outcome[Any]:
        return self.runner.attempt(
            record_refund,
            self.unit_id,
            data.amount,
            data.on,
            method_id=data.method_id,
            reference=data.reference,
        )


@dataclass(frozen=True)
class WriteOffInput:
    charge_id: int
    amount: Decimal
    reason: AdjustmentReason
    kind: AdjustmentKind
    on: date
    note: str


class WriteOffDialog(FormDialog[WriteOffInput]):
    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, charges: list[OpenCharge]
    ) -> None:
        super().__init__(parent, "Write off", runner, save_text="Write off")
        self.charges = {c.id: c for c in charges}
        self.charge = QComboBox()
        for charge in charges:
            self.charge.addItem(
                f"{format_date(charge.service_date)}  {charge.description}  "
                f"— {money_text(charge.owed)} owed",
                charge.id,
            )
        self.charge.currentIndexChanged.connect(self._charge_chosen)
        self.amount = MoneyEdit()
        self.kind = QComboBox()
        self.kind.addItem("Write-off", AdjustmentKind.WRITE_OFF)
        self.kind.addItem("Discount", AdjustmentKind.DISCOUNT)
        self.reason = QComboBox()
        for reason in AdjustmentReason:
            self.reason.addItem(reason.label, reason)
        self.day = DateEdit(value=date.today())
        self.note = QLineEdit()
        self.form.add("charge_id", "Charge", self.charge, required=True)
        self.form.add("amount", "Amount", self.amount, required=True)
        self.form.add("kind", "Kind", self.kind)
        self.form.add("reason", "Reason", self.reason)
        self.form.add("on", "Date", self.day, required=True)
        self.form.add("note", "Note", self.note)
        self.body.addLayout(self.form.layout)
        self._charge_chosen()
        self.finish_layout()
        self.amount.setFocus()
        self.amount.selectAll()

    def _charge_chosen(self) -> None:
        charge = self.charges.get(self.charge.currentData())
        if charge is not None:
            self.amount.set_value(charge.owed)

    def collect(self) -> tuple[WriteOffInput | None, dict[str, str]]:
        problems: dict[str, str] = {}
        charge = self.charges.get(self.charge.currentData())
        if charge is None:
            problems["charge_id"] = "Nothing is owed; there is no charge to write off."
        amount = self.amount.value()
        if self.amount.problem():
            problems["amount"] = self.amount.problem()
        elif charge is not None and amount is not None and not 0 < amount <= charge.owed:
            problems["amount"] = f"Write off between 0.01 and {money_text(charge.owed)}."
        day = self.day.value()
        if day is None:
            problems["on"] = self.day.problem() or "Enter the date."
        if problems or charge is None or amount is None or day is None:
            return None, problems
        data = WriteOffInput(
            charge.id,
            amount,
            AdjustmentReason(self.reason.currentData()),
            AdjustmentKind(self.kind.currentData()),
            day,
            self.note.text(),
        )
        return data, {}

    def submit(self, data: WriteOffInput) -> Outcome[Any]:
        return self.runner.attempt(
            write_off,
            data.charge_id,
            data.amount,
            data.reason,
            on=data.on,
            kind=data.kind,
            note=data.note,
        )
