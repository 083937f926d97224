"""Edit one payment method, service or payer."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from desktop.services.practice import catalog
from desktop.services.practice.catalog import (
    PayerInput,
    PayerRow,
    PaymentMethodInput,
    PaymentMethodRow,
    ServiceInput,
    ServiceRow,
)
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.money_edit import MoneyEdit

_RATE = re.compile(r"^\s*([0-9]{1,3})(?:\.([0-9]{1,2}))?\s*%?\s*$")
PLACES_OF_SERVICE = (
    (None, "Practice default"),
    ("11", "11 — Office"),
    ("10", "10 — Telehealth in the client's home"),
    ("02", "02 — Telehealth elsewhere"),
)


def parse_rate(text: str) -> int | None:
    """``2.9`` or ``2.90%`` as 290 basis points; blank is 0; None if not a rate."""
    if not text.strip():
        return 0
    match = _RATE.match(text)
    if match is None:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def rate_text(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:.2f}" if basis_points else ""


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class PaymentMethodDialog(FormDialog[PaymentMethodInput]):
    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, row: PaymentMethodRow | None = None
    ) -> None:
        super().__init__(parent, "Edit payment method" if row else "New payment method", runner)
        self.row = row
        self.name = self.form.add("name", "Name", QLineEdit(row.name if row else ""), required=True)
        self.rate = QLineEdit(rate_text(row.fee_basis_points) if row else "")
        self.rate.setPlaceholderText("0.00")
        self.form.add("fee_basis_points", "Fee rate (%)", self.rate)
        self.fixed = MoneyEdit(optional=True)
        self.fixed.set_value(row.fee_fixed if row and row.fee_fixed else None)
        self.form.add("fee_fixed", "Plus per payment", self.fixed)
        self.active = QCheckBox("Active (offered for new payments)")
        self.active.setChecked(row.active if row else True)
        self.form.add("active", "", self.active)
        self.body.addLayout(self.form.layout)
        self.finish_layout()

    def collect(self) -> tuple[PaymentMethodInput | None, dict[str, str]]:
        problems = {}
        rate = parse_rate(self.rate.text())
        if rate is None or rate > 10000:
            problems["fee_basis_points"] = "Enter the rate as a percentage, such as 2.9."
        if self.fixed.problem():
            problems["fee_fixed"] = self.fixed.problem()
        if problems:
            return None, problems
        data = PaymentMethodInput(
            self.name.text(), rate or 0, self.fixed.value() or Decimal("0"), self.active.isChecked()
        )
        return data, {}

    def problems(self, data: PaymentMethodInput) -> dict[str, str]:
        return catalog.payment_method_problems(data)

    def submit(self, data: PaymentMethodInput) -> Outcome[Any]:
        if self.row is None:
            return self.runner.attempt(catalog.create_payment_method, data)
        return self.runner.attempt(catalog.update_payment_method, self.row.id, data)


class ServiceDialog(FormDialog[ServiceInput]):
    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, row: ServiceRow | None = None
    ) -> None:
        super().__init__(parent, "Edit service" if row else "New service", runner)
        self.row = row
        self.code = QLineEdit(row.code if row else "")
        self.code.setMaxLength(12)
        self.code.setPlaceholderText("90834, or your own such as LATE")
        self.form.add("code", "Code", self.code, required=True)
        self.label = QLineEdit(row.label if row else "")
        self.label.setMaxLength(120)
        self.label.setPlaceholderText("Your own words; printed on documents")
        self.form.add("label", "Label", self.label, required=True)
        self.minutes = _spin(0, 600, row.default_minutes if row else 0, " min")
        self.form.add("default_minutes", "Usual length", self.minutes)
        self.fee = MoneyEdit()
        self.fee.set_value(row.default_fee if row else None)
        self.form.add("default_fee", "Fee", self.fee, required=True)
        self.superbill = QCheckBox("Printed on superbills")
        self.superbill.setToolTip("Leave unchecked for late-cancel fees, letters and the like.")
        self.superbill.setChecked(row.superbill if row else True)
        self.form.add("superbill", "", self.superbill)
        self.active = QCheckBox("Active (offered for new sessions)")
        self.active.setChecked(row.active if row else True)
        self.form.add("active", "", self.active)
        self.body.addLayout(self.form.layout)
        self.finish_layout()

    def collect(self) -> tuple[ServiceInput | None, dict[str, str]]:
        fee = self.fee.value()
        if self.fee.problem() or fee is None:
            return None, {"default_fee": self.fee.problem() or "Enter the fee."}
        data = ServiceInput(
            self.code.text(),
            self.label.text(),
            self.minutes.value(),
            fee,
            self.superbill.isChecked(),
            self.active.isChecked(),
        )
        return data, {}

    def problems(self, data: ServiceInput) -> dict[str, str]:
        return catalog.service_problems(data)

    def submit(self, data: ServiceInput) -> Outcome[Any]:
        if self.row is None:
            return self.runner.attempt(catalog.create_service, data)
        return self.runner.attempt(catalog.update_service, self.row.id, data)


class PayerDialog(FormDialog[PayerInput]):
    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, row: PayerRow | None = None
    ) -> None:
        super().__init__(parent, "Edit insurer" if row else "New insurer", runner)
        self.row = row
        self.name = self.form.add("name", "Name", QLineEdit(row.name if row else ""), required=True)
        self.external_id = self.form.add(
            "external_id", "Payer ID", QLineEdit(row.external_id if row else "")
        )
        self.filing = _spin(1, 1095, row.timely_filing_days if row else 365, " days")
        self.filing.setToolTip("How long after the date of service a claim may be filed.")
        self.form.add("timely_filing_days", "Filing limit", self.filing)
        self.usual = _spin(1, 365, row.usual_days_to_pay if row else 30, " days")
        self.form.add("usual_days_to_pay", "Usually pays within", self.usual)
        self.pos = QComboBox()
        for value, text in PLACES_OF_SERVICE:
            self.pos.addItem(text, value)
        self.pos.setCurrentIndex(max(self.pos.findData(row.place_of_service if row else None), 0))
        self.form.add("place_of_service", "Place of service", self.pos)
        self.modifiers = QLineEdit((row.modifiers or "") if row else "")
        self.modifiers.setPlaceholderText("Blank: the practice default; such as 95")
        self.form.add("modifiers", "Telehealth modifiers", self.modifiers)
        self.allowed = MoneyEdit(optional=True, placeholder="Unknown")
        self.allowed.set_value(row.typical_allowed if row else None)
        self.form.add("typical_allowed", "Typical allowed amount", self.allowed)
        self.active = QCheckBox("Active (offered for new clients)")
        self.active.setChecked(row.active if row else True)
        self.form.add("active", "", self.active)
        self.body.addLayout(self.form.layout)
        self.finish_layout()

    def collect(self) -> tuple[PayerInput | None, dict[str, str]]:
        if self.allowed.problem():
            return None, {"typical_allowed": self.allowed.problem()}
        pos = self.pos.currentData()
        data = PayerInput(
            name=self.name.text(),
            external_id=self.external_id.text(),
            timely_filing_days=self.filing.value(),
            usual_days_to_pay=self.usual.value(),
            place_of_service=pos if pos else None,
            modifiers=self.modifiers.text().strip() or None,
            typical_allowed=self.allowed.value(),
            active=self.active.isChecked(),
        )
        return data, {}

    def problems(self, data: PayerInput) -> dict[str, str]:
        return catalog.payer_problems(data)

    def submit(self, data: PayerInput) -> Outcome[Any]:
        if self.row is None:
            return self.runner.attempt(catalog.create_payer, data)
        return self.runner.attempt(catalog.update_payer, self.row.id, data)
