"""New or edit couple/family: members, the identified patient, who pays what share."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import UnitKind
from desktop.services.clients.lookups import FULL_SHARE
from desktop.services.clients.people import ClientRow
from desktop.services.clients.units import (
    CoupleInput,
    MemberShare,
    UnitDetail,
    create_couple,
    create_family,
    update_unit,
)
from desktop.services.practice.catalog import ServiceRow
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.formatting import percent_text
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.money_edit import MoneyEdit

_PERCENT = re.compile(r"^\s*([0-9]{1,3})(?:\.([0-9]{1,2}))?\s*%?\s*$")


def parse_percent(text: str) -> int | None:
    """``50``, ``50%`` or ``33.33`` as basis points; None if it is not a percentage."""
    match = _PERCENT.match(text)
    if match is None:
        return None
    value = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return value if value <= FULL_SHARE else None


class _MemberRow:
    def __init__(self, client: ClientRow, share_bp: int, role: str) -> None:
        self.client = client
        self.name = QLabel(f"{client.display_name} ({client.client_ref})")
        self.role = QLineEdit(role)
        self.role.setPlaceholderText("Role")
        self.role.setMaxLength(40)
        self.share = QLineEdit(percent_text(share_bp).rstrip("%"))
        self.share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.share.setMaximumWidth(self.share.fontMetrics().horizontalAdvance("100.00 %") + 16)
        self.patient = QRadioButton()
        self.patient.setToolTip("The identified patient: their details go on superbills.")
        self.remove = QToolButton()
        self.remove.setText("Remove")

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.role, self.share, self.patient, self.remove)


class UnitDialog(FormDialog[CoupleInput]):
    """``detail`` None: a new couple or family of ``kind``; else that unit's edit form."""

    field_aliases = {"shares": "members", "identified_patient_id": "members"}  # noqa: RUF012

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        clients: list[ClientRow],
        services: list[ServiceRow],
        kind: UnitKind = UnitKind.COUPLE,
        detail: UnitDetail | None = None,
    ) -> None:
        self.kind = detail.kind if detail else kind
        noun = "couple" if self.kind == UnitKind.COUPLE else "family"
        title = f"Edit {detail.name}" if detail else f"New {noun}"
        super().__init__(parent, title, runner, save_text="Save" if detail else f"Add {noun}")
        self.detail = detail
        self._clients = {c.id: c for c in clients}
        self._rows: list[_MemberRow] = []
        self._patient_group = QButtonGroup(self)
        self._patient_group.buttonToggled.connect(lambda *_: self.revalidate())

        picker_row = QHBoxLayout()
        self.picker = QComboBox()
        self.picker.setObjectName("member_picker")
        self.picker.setEditable(True)
        self.picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for client in clients:
            self.picker.addItem(f"{client.display_name} ({client.client_ref})", client.id)
        self.picker.setCurrentIndex(-1)
        self.picker.lineEdit().setPlaceholderText("Type a client's name")
        completer = self.picker.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        add_button = QPushButton("Add member")
        add_button.setAutoDefault(False)
        add_button.clicked.connect(self._add_picked)
        picker_row.addWidget(self.picker, 1)
        picker_row.addWidget(add_button)
        self.body.addLayout(picker_row)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(style.SPACING * 2)
        for column, heading in enumerate(("Member", "Role", "Pays %", "Patient", "")):
            label = QLabel(heading)
            label.setFont(style.small_font(label.font()))
            self.grid.addWidget(label, 0, column)
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 1)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.grid_host)
        self.form.add("members", "Members", host, required=True)

        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("Blank: made from the members' names")
        self.form.add("name", "Name", self.name)
        self.service = QComboBox()
        self.service.addItem("None", None)
        for service in services:
            self.service.addItem(f"{service.code} — {service.label}", service.id)
        self.form.add("default_service_id", "Usual service", self.service)
        self.fee = MoneyEdit(optional=True, placeholder="The service's fee")
        self.form.add("default_fee", "Usual fee", self.fee)
        self.form.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.body.addLayout(self.form.layout)

        if detail is not None:
            for member in detail.members:
                client = self._clients.get(member.client_id) or ClientRow(
                    member.client_id,
                    member.client_ref,
                    member.legal_name,
                    member.display_name,
                    None,
                    member.active,
                )
                self._add(client, member.pays_share_bp, member.role, member.identified_patient)
            self.name.setText(detail.name)
            self.service.setCurrentIndex(max(self.service.findData(detail.default_service_id), 0))
            self.fee.set_value(detail.default_fee)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 90)
        self.finish_layout()
        self.picker.setFocus()

    # --- members ---------------------------------------------------------------------------

    def add_member(self, client_id: int) -> None:
        client = self._clients[client_id]
        if any(r.client.id == client_id for r in self._rows):
            return
        # The first member pays everything until the shares are changed.
        share = FULL_SHARE if not self._rows else 0
        self._add(client, share, "", patient=not self._rows)
        self.form.touch("members")
        self.revalidate()

    def _add_picked(self) -> None:
        index = self.picker.findText(self.picker.currentText())
        if index >= 0:
            self.add_member(self.picker.itemData(index))
        self.picker.setCurrentIndex(-1)
        self.picker.clearEditText()
        self.picker.setFocus()

    def _add(self, client: ClientRow, share: int, role: str, patient: bool) -> None:
        row = _MemberRow(client, share, role)
        self._rows.append(row)
        self._patient_group.addButton(row.patient)
        row.patient.setChecked(patient)
        row.share.textChanged.connect(lambda _t: self._edited())
        row.role.textChanged.connect(lambda _t: self._edited())
        row.remove.clicked.connect(lambda: self._remove(row))
        self._lay_out()

    def _remove(self, row: _MemberRow) -> None:
        self._rows.remove(row)
        self._patient_group.removeButton(row.patient)
        for widget in row.widgets():
            widget.deleteLater()
        self._lay_out()
        self._edited()

    def _lay_out(self) -> None:
        for number, row in enumerate(self._rows, start=1):
            for column, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, number, column)

    def _edited(self) -> None:
        self.form.touch("members")
        self.revalidate()

    # --- FormDialog ------------------------------------------------------------------------

    def collect(self) -> tuple[CoupleInput | None, dict[str, str]]:
        problems: dict[str, str] = {}
        if self.fee.problem():
            problems["default_fee"] = self.fee.problem()
        count = len(self._rows)
        shares = [parse_percent(r.share.text()) for r in self._rows]
        patient = next((r.client.id for r in self._rows if r.patient.isChecked()), None)
        if self.kind == UnitKind.COUPLE and count != 2:
            problems["members"] = "A couple has exactly two members; add them above."
        elif self.kind == UnitKind.FAMILY and count < 2:
            problems["members"] = "A family has at least two members; add them above."
        elif any(s is None for s in shares):
            problems["members"] = "Each share is a percentage between 0 and 100, such as 50."
        elif sum(s or 0 for s in shares) != FULL_SHARE:
            total = Decimal(sum(s or 0 for s in shares)) / 100
            problems["members"] = f"The shares add up to {total:g}%; they must add up to 100%."
        elif patient is None:
            problems["members"] = "Choose the identified patient."
        if problems:
            return None, problems
        data = CoupleInput(
            members=tuple(
                MemberShare(r.client.id, s or 0, r.role.text())
                for r, s in zip(self._rows, shares, strict=True)
            ),
            identified_patient_id=patient or 0,
            default_service_id=self.service.currentData(),
            default_fee=self.fee.value(),
            name=self.name.text(),
            ref=self.detail.ref if self.detail else "",
        )
        return data, {}

    def submit(self, data: CoupleInput) -> Outcome[Any]:
        if self.detail is not None:
            return self.runner.attempt(update_unit, self.detail.unit_id, data)
        create = create_couple if self.kind == UnitKind.COUPLE else create_family
        return self.runner.attempt(create, data)
