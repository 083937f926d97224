"""New client and edit client: every field of ClientInput, validated as it is typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import BillingPreference, Relationship, Sex
from desktop.services.claims.insights import payer_insights
from desktop.services.clients.people import (
    ClientDetail,
    ClientInput,
    client_problems,
    create_client,
    update_client,
)
from desktop.services.practice.catalog import PayerRow, ServiceRow
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit
from desktop.ui.widgets.payer_history import PayerHistoryLabel

BILLING_CHOICES = (
    (BillingPreference.PRIVATE, "Pays privately (no superbill)"),
    (BillingPreference.SUPERBILL, "Gets superbills for out-of-network claims"),
)
RELATIONSHIPS = (
    (Relationship.SELF, "Self (policy holder)"),
    (Relationship.SPOUSE, "Spouse or partner"),
    (Relationship.CHILD, "Child"),
    (Relationship.OTHER, "Other"),
)


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    layout = QFormLayout(box)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setVerticalSpacing(style.SPACING)
    layout.setHorizontalSpacing(style.SPACING * 2)
    return box, layout


def _combo() -> QComboBox:
    combo = QComboBox()
    # Long entries (service labels) must not widen the dialog; the list shows them in full.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    return combo


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


class ClientDialog(FormDialog[ClientInput]):
    """``detail`` None: a new client; else that client's edit form."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        services: list[ServiceRow],
        payers: list[PayerRow],
        detail: ClientDetail | None = None,
    ) -> None:
        title = f"Edit {detail.display_name}" if detail else "New client"
        super().__init__(parent, title, runner, save_text="Save" if detail else "Add client")
        self.detail = detail
        columns = QHBoxLayout()
        columns.setSpacing(style.SECTION_SPACING)
        left, right = QVBoxLayout(), QVBoxLayout()
        for column in (left, right):
            host = QWidget()
            # Ignored: the two columns split the width evenly, whatever their contents.
            host.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            host.setLayout(column)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(style.SECTION_SPACING)
            columns.addWidget(host, 1)
        self.body.addLayout(columns)
        # Two equal columns wide enough for the longest messages on one or two lines.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 160)
        add = self.form.add

        box, rows = _group("Name (as on the insurance card)")
        self.first = add("legal_first_name", "Legal first name", _line(80), layout=rows)
        self.middle = add("legal_middle_name", "Middle name", _line(80), layout=rows)
        self.last = add("legal_last_name", "Legal last name", _line(80), required=True, layout=rows)
        self.preferred = add(
            "preferred_name", "Preferred name", _line(80, "Shown on screen only"), layout=rows
        )
        self.ref = add("client_ref", "Reference", _line(40, "Blank: next free number"), layout=rows)
        left.addWidget(box)

        name_rows = rows
        box, rows = _group("Contact")
        self.dob = add("date_of_birth", "Date of birth", DateEdit(optional=True), layout=rows)
        self.sex = _combo()
        for sex in Sex:
            self.sex.addItem(sex.label, sex.value)
        self.sex.setToolTip("As the insurer has it; the CMS-1500 claim form asks for it.")
        add("sex", "Sex", self.sex, layout=rows)
        self.email = add("email", "Email", _line(200, "name@example.com"), layout=rows)
        self.phone = add("phone", "Phone", _line(30, "(518) 555-0142"), layout=rows)
        self.address = add("address", "Address", _line(200), layout=rows)
        self.city = add("city", "City", _line(100), layout=rows)
        self.state = _line(2, "NY")
        self.zip = _line(10, "12207")
        self.state.setMaximumWidth(self.fontMetrics().horizontalAdvance("MMMM"))
        add("state", "State", self.state, layout=rows)
        add("zip", "ZIP code", self.zip, layout=rows)
        left.addWidget(box)
        left.addStretch(1)
        self.form.align(name_rows, rows)

        box, rows = _group("Billing")
        self.billing = _combo()
        for value, text in BILLING_CHOICES:
            self.billing.addItem(text, value)
        add("billing", "Billing", self.billing, layout=rows)
        self.service = _combo()
        self.service.addItem("None", None)
        for service in services:
            self.service.addItem(f"{service.code} — {service.label}", service.id)
        add("default_service_id", "Usual service", self.service, layout=rows)
        self.fee = MoneyEdit(optional=True, placeholder="The service's fee")
        add("default_fee", "Usual fee", self.fee, layout=rows)
        right.addWidget(box)

        billing_rows = rows
        box, rows = _group("Insurance and subscriber")
        self.insurance_box = box
        self.payer = _combo()
        self.payer.addItem("None", None)
        for payer in payers:
            self.payer.addItem(payer.name, payer.id)
        add("payer_id", "Insurer", self.payer, layout=rows)
        # What the chosen insurer has really paid, to tell the client what to expect.
        self.payer_history = PayerHistoryLabel()
        rows.addRow("", self.payer_history)
        self.member_id = add("member_id", "Member ID", _line(40), layout=rows)
        self.group_number = add("group_number", "Group number", _line(40), layout=rows)
        self.relationship = _combo()
        for value, text in RELATIONSHIPS:
            self.relationship.addItem(text, value)
        add("subscriber_relationship", "Relationship to subscriber", self.relationship, layout=rows)
        self.subscriber_name = add("subscriber_name", "Subscriber's name", _line(160), layout=rows)
        self.subscriber_dob = add(
            "subscriber_date_of_birth",
            "Subscriber's birth date",
            DateEdit(optional=True),
            layout=rows,
        )
        self.codes_only = QCheckBox("Print codes without descriptions")
        add("diagnosis_codes_only", "Privacy", self.codes_only, layout=rows)
        right.addWidget(box)
        self.form.align(billing_rows, rows)
        self.active = QCheckBox("Active (shown in the client list)")
        self.active.setChecked(True)
        right.addWidget(self.active)
        right.addStretch(1)

        self.billing.currentIndexChanged.connect(self._billing_changed)
        self.payer.currentIndexChanged.connect(self._payer_changed)
        self.relationship.currentIndexChanged.connect(self._relationship_changed)
        self.state.textEdited.connect(self._upper_state)
        if detail is not None:
            self._load(detail.data)
            self.active.setVisible(True)
        else:
            self.active.setVisible(False)
        self._billing_changed()
        self._relationship_changed()
        self._payer_changed()
        self.finish_layout()
        (self.first if detail is None else self.preferred).setFocus()

    # --- filling and reading ---------------------------------------------------------------

    def _load(self, data: ClientInput) -> None:
        self.first.setText(data.legal_first_name)
        self.middle.setText(data.legal_middle_name)
        self.last.setText(data.legal_last_name)
        self.preferred.setText(data.preferred_name)
        self.ref.setText(data.client_ref)
        self.dob.set_value(data.date_of_birth)
        _select(self.sex, data.sex)
        self.email.setText(data.email)
        self.phone.setText(data.phone)
        self.address.setText(data.address)
        self.city.setText(data.city)
        self.state.setText(data.state)
        self.zip.setText(data.zip)
        _select(self.billing, data.billing)
        _select(self.service, data.default_service_id)
        self.fee.set_value(data.default_fee)
        _select(self.payer, data.payer_id)
        self.member_id.setText(data.member_id)
        self.group_number.setText(data.group_number)
        _select(self.relationship, data.subscriber_relationship)
        self.subscriber_name.setText(data.subscriber_name)
        self.subscriber_dob.set_value(data.subscriber_date_of_birth)
        self.codes_only.setChecked(data.diagnosis_codes_only)
        self.active.setChecked(data.active)

    def collect(self) -> tuple[ClientInput | None, dict[str, str]]:
        problems: dict[str, str] = {}
        for name, field in (
            ("date_of_birth", self.dob),
            ("subscriber_date_of_birth", self.subscriber_dob),
        ):
            if field.problem():
                problems[name] = field.problem()
        if self.fee.problem():
            problems["default_fee"] = self.fee.problem()
        data = ClientInput(
            legal_first_name=self.first.text(),
            legal_middle_name=self.middle.text(),
            legal_last_name=self.last.text(),
            preferred_name=self.preferred.text(),
            client_ref=self.ref.text(),
            date_of_birth=self.dob.value(),
            sex=Sex(self.sex.currentData()),
            email=self.email.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            city=self.city.text(),
            state=self.state.text(),
            zip=self.zip.text(),
            billing=BillingPreference(self.billing.currentData()),
            default_service_id=self.service.currentData(),
            default_fee=self.fee.value(),
            payer_id=self.payer.currentData(),
            member_id=self.member_id.text(),
            group_number=self.group_number.text(),
            subscriber_relationship=Relationship(self.relationship.currentData()),
            subscriber_name=self.subscriber_name.text(),
            subscriber_date_of_birth=self.subscriber_dob.value(),
            diagnosis_codes_only=self.codes_only.isChecked(),
            active=self.active.isChecked(),
        )
        return data, problems

    def problems(self, data: ClientInput) -> dict[str, str]:
        return client_problems(data)

    def submit(self, data: ClientInput) -> Outcome[Any]:
        if self.detail is None:
            return self.runner.attempt(create_client, data)
        return self.runner.attempt(update_client, self.detail.id, data)

    # --- reactions -------------------------------------------------------------------------

    def _billing_changed(self) -> None:
        superbill = self.billing.currentData() == BillingPreference.SUPERBILL
        self.insurance_box.setEnabled(superbill)
        self.insurance_box.setToolTip(
            "" if superbill else "Insurance details matter only for clients who get superbills."
        )

    def _payer_changed(self) -> None:
        payer_id = self.payer.currentData()
        if payer_id is None:
            self.payer_history.show_insight(None, None)
            return
        found = self.runner.read(payer_insights, payer_id, parent=self) or []
        self.payer_history.show_insight(found[0] if found else None, self.payer.currentText())

    def _relationship_changed(self) -> None:
        dependent = self.relationship.currentData() != Relationship.SELF
        self.subscriber_name.setEnabled(dependent)
        self.subscriber_dob.setEnabled(dependent)

    def _upper_state(self, text: str) -> None:
        if text != text.upper():
            position = self.state.cursorPosition()
            self.state.setText(text.upper())
            self.state.setCursorPosition(position)


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))
