"""Record a payment (applied oldest first, shown before saving), and apply one by hand.

For a couple or family the payment may come from the unit, from one member, or be
split between members (one payment each, recorded together as one action).

The payment dialog adapts ``desktop.forms.payment.PaymentForm``: its widgets feed the
form, which says what is wrong and what would be posted; the preview is the services'
own plan (``preview_payment``), the one that posting carries out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.domain.kinds import UnitKind
from desktop.forms.allocation import AllocationForm
from desktop.forms.payment import Member, PaymentForm, PreviewRequest
from desktop.services.books.payments import (
    Allocations,
    OpenCharge,
    PaymentInput,
    PaymentPlan,
    PaymentRow,
    SplitPaymentInput,
    preview_payment,
    reallocate_payment,
    record_payment,
    record_split_payment,
)
from desktop.services.books.queries import balance
from desktop.services.clients.units import UnitRow, get_unit_detail
from desktop.services.practice.catalog import PaymentMethodRow
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.dialogs.session import picked_unit, unit_picker
from desktop.ui.formatting import format_date, money_text
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit

SPLIT = -1  # the "Paid by" item that splits the payment between members


class PaymentDialog(FormDialog[PaymentInput | SplitPaymentInput]):
    field_aliases = {"method": "method_id", "payer": "payer_client_id"}  # noqa: RUF012

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
        self.state = PaymentForm(received_date=date.today())
        self._showing_parts = False
        self._previewed: tuple[PreviewRequest | None, PaymentPlan | None] = (None, None)
        self.client = unit_picker(units, unit_id)
        self.client.currentIndexChanged.connect(lambda _i: self._client_chosen())
        self.day = DateEdit(value=date.today())
        self.amount = MoneyEdit()
        self.method = QComboBox()
        for method in methods:
            self.method.addItem(method.name, method.id)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Check number, last digits… (optional)")
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
        # While the parts are untouched they follow the amount, shared evenly.
        self.amount.textEdited.connect(self._amount_edited)
        self._client_chosen()
        self.finish_layout()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        (self.amount if unit_id else self.client).setFocus()

    # --- widgets -> form -----------------------------------------------------------------

    def _feed(self) -> None:
        """Hand the form what the plain fields hold now."""
        self.state.received_date = self.day.value()
        self.state.date_problem = self.day.problem()
        self.state.amount_text = self.amount.text()
        self.state.method_id = self.method.currentData()
        self.state.reference = self.reference.text()
        for client_id, edit in self.part_edits:
            self.state.part_texts[client_id] = edit.text()

    def _client_chosen(self) -> None:
        unit_id = picked_unit(self.client)
        if unit_id is not None and unit_id == self.state.unit_id:
            return  # the same client, picked again as the text settles
        self._feed()
        individual = unit_id is None or self._kinds.get(unit_id) == UnitKind.INDIVIDUAL
        members: tuple[Member, ...] = ()
        if not individual:
            detail = self.runner.read(get_unit_detail, unit_id, parent=self)
            members = (
                tuple(Member(m.client_id, m.display_name) for m in detail.members) if detail else ()
            )
        owes = self.runner.read(balance, unit_id, parent=self) if unit_id is not None else None
        self.state.choose_unit(unit_id, individual=individual, members=members, balance=owes)
        if self.amount.text() != self.state.amount_text:
            self.amount.setText(self.state.amount_text)
        self._build_payers()
        self._build_parts()
        self._payer_chosen()

    def _build_payers(self) -> None:
        self.payer.blockSignals(True)
        self.payer.clear()
        for choice in self.state.payer_choices():
            self.payer.addItem(choice.label, SPLIT if choice.split else choice.client_id)
        self.payer.blockSignals(False)
        self.payer.setEnabled(self.state.payer_enabled)

    def _build_parts(self) -> None:
        while self.parts_layout.rowCount():
            self.parts_layout.removeRow(0)
        self.part_edits = []
        for member in self.state.members:
            edit = MoneyEdit()
            edit.setObjectName(f"part_{member.client_id}")
            edit.textEdited.connect(
                lambda text, client_id=member.client_id: self._part_edited(client_id, text)
            )
            edit.textChanged.connect(lambda _t: self.revalidate())
            self.parts_layout.addRow(member.name, edit)
            self.part_edits.append((member.client_id, edit))
        # Parts are made after the buttons; Tab goes from "Paid by" through them, in order.
        previous: QWidget = self.payer
        for _client_id, edit in self.part_edits:
            QWidget.setTabOrder(previous, edit)
            previous = edit

    def _payer_chosen(self) -> None:
        choices = self.state.payer_choices()
        index = self.payer.currentIndex()
        if choices and 0 <= index < len(choices):
            self._feed()
            self.state.choose_payer(choices[index])
            self._show_parts()
        splitting = self.state.splitting
        row_label = self.form.layout.labelForField(self.parts_box.parentWidget())
        for widget in (self.parts_box.parentWidget(), row_label):
            if widget is not None:
                widget.setVisible(splitting)
        self.revalidate()

    def _amount_edited(self, text: str) -> None:
        self._feed()
        self.state.type_amount(text)
        self._show_parts()

    def _part_edited(self, client_id: int, text: str) -> None:
        self.state.type_part(client_id, text)
        self.form.touch("parts")
        self.revalidate()

    def _show_parts(self) -> None:
        """Show the parts the form holds (after it shared the amount evenly), checking them
        once all are in place rather than after each."""
        texts = dict(self.state.part_texts)
        self._showing_parts = True
        try:
            for client_id, edit in self.part_edits:
                if edit.text() != texts.get(client_id, ""):
                    edit.setText(texts.get(client_id, ""))
        finally:
            self._showing_parts = False
        self.revalidate()

    # --- form -> screen ------------------------------------------------------------------

    def revalidate(self) -> None:
        if self._showing_parts:
            return
        super().revalidate()
        if self._ready:
            self._show_plan()

    def _show_plan(self) -> None:
        """The services' plan for what would be recorded: the one posting carries out."""
        request = self.state.preview_request()
        asked, plan = self._previewed
        if request != asked:
            plan = self.runner.read(preview_payment, *request, parent=self) if request else None
            self._previewed = (request, plan)
        self.plan.setText(self.state.preview_text(plan, format_date))

    def collect(self) -> tuple[PaymentInput | SplitPaymentInput | None, dict[str, str]]:
        self._feed()
        problems = self.state.problems()
        return (None, problems) if problems else (self.state.to_post(), {})

    def submit(self, data: PaymentInput | SplitPaymentInput) -> Outcome[Any]:
        if isinstance(data, SplitPaymentInput):
            return self.runner.attempt(record_split_payment, data)
        return self.runner.attempt(record_payment, data)


class AllocationDialog(FormDialog[Allocations]):
    """Apply a payment by hand: an amount against each open charge; the rest is credit.

    The dialog adapts ``desktop.forms.allocation.AllocationForm``, which says which
    charges may be paid, how much each may take and what is left as credit.
    """

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        payment: PaymentRow,
        charges: list[OpenCharge],
    ) -> None:
        super().__init__(parent, "Apply payment", runner, save_text="Apply")
        self.payment = payment
        self.state = AllocationForm(payment, charges)
        self.body.addWidget(
            QLabel(
                f"{money_text(payment.amount)} received {format_date(payment.received_date)}"
                f" by {payment.method}."
            )
        )
        self.edits: dict[int, MoneyEdit] = {}
        for charge in self.state.charges:
            edit = MoneyEdit(optional=True)
            edit.setText(self.state.texts[charge.id])
            self.edits[charge.id] = edit
            label = (
                f"{format_date(charge.service_date)} {charge.description} "
                f"({money_text(charge.owed)} open)"
            )
            self.form.add(self.state.field(charge.id), label, edit)
        self.body.addLayout(self.form.layout)
        self.left = QLabel()
        self.left.setObjectName("credit_left")
        self.body.addWidget(self.left)
        self.finish_layout()

    def collect(self) -> tuple[Allocations | None, dict[str, str]]:
        for charge_id, edit in self.edits.items():
            self.state.type_amount(charge_id, edit.text())
        self.left.setText(f"Left as credit: {money_text(self.state.left_as_credit)}")
        problems = self.state.problems()
        return (None, problems) if problems else (self.state.to_post(), {})

    def submit(self, data: Allocations) -> Outcome[Any]:
        return self.runner.attempt(reallocate_payment, self.payment.id, data)
