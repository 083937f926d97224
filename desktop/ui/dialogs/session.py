"""Record or change a session, by keyboard: client, date, time, minutes, then the rest follows.

Choosing a client or typing minutes asks the books for that client's defaults
(``sessions.defaults_for``): suggested code, fee, place of service, modifiers.
Fields the person changed by hand are left alone after that.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop.domain.claim_codes import (
    modifiers_problem,
    place_of_service_problem,
    telehealth_problem,
)
from desktop.domain.kinds import SessionStatus
from desktop.services.books.recurring import set_slot
from desktop.services.books.sessions import (
    SessionInput,
    SessionRow,
    defaults_for,
    record_session,
    update_session,
)
from desktop.services.clients.units import UnitRow
from desktop.services.practice.catalog import ServiceRow
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit


def unit_picker(units: list[UnitRow], selected: int | None = None) -> QComboBox:
    """A client combo box that filters as one types any part of a name or reference."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("", None)
    for unit in units:
        combo.addItem(f"{unit.name}  ({unit.ref})", unit.unit_id)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    if selected is not None:
        combo.setCurrentIndex(max(0, combo.findData(selected)))
    else:
        combo.setCurrentIndex(0)
    return combo


def picked_unit(combo: QComboBox) -> int | None:
    """The unit whose text is in the box (None while the text names no client)."""
    index = combo.findText(combo.currentText())
    return combo.itemData(index) if index > 0 else None


def parse_time(text: str) -> time | None:
    """``9:30``, ``14:00``, ``930``, ``2:30 pm``; raises ValueError for anything else."""
    raw = text.strip().lower().replace(".", ":")
    pm = raw.endswith(("pm", "p"))
    am = raw.endswith(("am", "a"))
    raw = raw.rstrip("apm ").strip()
    if ":" not in raw and raw.isdigit() and len(raw) in (3, 4):
        raw = f"{raw[:-2]}:{raw[-2:]}"
    hours, _, minutes = raw.partition(":")
    hour, minute = int(hours), int(minutes or "0")
    if pm and hour < 12:
        hour += 12
    if am and hour == 12:
        hour = 0
    return time(hour, minute)


class SessionDialog(FormDialog[tuple[SessionInput, str]]):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        units: list[UnitRow],
        services: list[ServiceRow],
        *,
        session: SessionRow | None = None,
        unit_id: int | None = None,
        on: date | None = None,
    ) -> None:
        title = "Change session" if session else "Record session"
        super().__init__(parent, title, runner, save_text="Save" if session else "Record")
        self.session = session
        self._filling = False
        self._by_hand: set[str] = set()
        self.client = unit_picker(units, session.unit_id if session else unit_id)
        self.client.currentIndexChanged.connect(lambda _i: self._fill_defaults())
        self.day = DateEdit(value=session.service_date if session else (on or date.today()))
        self.start = QLineEdit()
        self.start.setPlaceholderText("e.g. 14:00 (optional)")
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 480)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("—")
        self.minutes.editingFinished.connect(self._fill_defaults)
        self.code = QComboBox()
        for service in services:
            self.code.addItem(f"{service.code}  {service.label}", service.code)
        # Before a client is chosen: the most common session, not the first code in the list.
        self.code.setCurrentIndex(max(0, self.code.findData("90837")))
        self.fee = MoneyEdit()
        self.pos = QLineEdit()
        self.pos.setMaxLength(2)
        self.pos.setPlaceholderText("11")
        self.modifiers = QLineEdit()
        self.modifiers.setPlaceholderText("e.g. 95")
        self.status = QComboBox()
        for status in SessionStatus:
            self.status.addItem(status.label, status)
        self.memo = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Needed when a charged session's fee, code or date change")
        form = self.form
        form.add("unit_id", "Client", self.client, required=True)
        form.add("service_date", "Date", self.day, required=True)
        form.add("start_time", "Time", self.start)
        form.add("minutes", "Minutes", self.minutes)
        form.add("service_code", "Service", self.code, required=True)
        form.add("fee", "Fee", self.fee, required=True)
        form.add("place_of_service", "Place of service", self.pos)
        form.add("modifiers", "Modifiers", self.modifiers)
        form.add("status", "Status", self.status)
        form.add("memo", "Memo", self.memo)
        self.regular = QCheckBox("Every week on this day at this time")
        if session is not None:
            form.add("reason", "Reason for the change", self.reason)
        else:
            form.add("regular", "Regular slot", self.regular)
        for name, field in (("code", self.code), ("fee", self.fee)):
            signal = field.currentIndexChanged if isinstance(field, QComboBox) else field.textEdited
            signal.connect(lambda *_a, n=name: self._by_hand.add(n) if not self._filling else None)
        self.body.addLayout(form.layout)
        # A payer-rule mismatch (POS 10 without 95, POS 11 with 93): said, never blocking.
        self.telehealth = QLabel()
        self.telehealth.setWordWrap(True)
        self.telehealth.setObjectName("warning")
        self.telehealth.hide()
        self.body.addWidget(self.telehealth)
        self.pos.textChanged.connect(self._check_telehealth)
        self.modifiers.textChanged.connect(self._check_telehealth)
        if session is not None:
            self._show_session(session)
        else:
            self._fill_defaults()
        self.finish_layout()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        (self.day.line if session or unit_id else self.client).setFocus()

    def _check_telehealth(self) -> None:
        pos, mods = self.pos.text().strip(), self.modifiers.text()
        problem = None
        if place_of_service_problem(pos) is None and modifiers_problem(mods) is None:
            problem = telehealth_problem(pos, mods)
        self.telehealth.setText(f"Warning: {problem}" if problem else "")
        self.telehealth.setVisible(problem is not None)

    def _show_session(self, row: SessionRow) -> None:
        self._filling = True
        self.start.setText(row.start_time.strftime("%H:%M") if row.start_time else "")
        self.minutes.setValue(row.minutes or 0)
        self.code.setCurrentIndex(max(0, self.code.findData(row.service_code)))
        self.fee.set_value(row.fee)
        self.pos.setText(row.place_of_service)
        self.modifiers.setText(row.modifiers)
        self.status.setCurrentIndex(max(0, self.status.findData(row.status.value)))
        self.memo.setText(row.memo)
        self._filling = False
        self._by_hand = {"code", "fee"}

    def _fill_defaults(self) -> None:
        unit_id = picked_unit(self.client)
        if unit_id is None or self.session is not None:
            return
        minutes = self.minutes.value() or None
        found = self.runner.read(defaults_for, unit_id, minutes, parent=self)
        if found is None:
            return
        self._filling = True
        if "code" not in self._by_hand:
            self.code.setCurrentIndex(max(0, self.code.findData(found.service_code)))
        if "fee" not in self._by_hand:
            self.fee.set_value(found.fee)
        if not self.minutes.value():
            self.minutes.setValue(found.minutes)
        self.pos.setText(found.place_of_service)
        self.modifiers.setText(found.modifiers)
        self._filling = False
        self.revalidate()

    def collect(self) -> tuple[tuple[SessionInput, str] | None, dict[str, str]]:
        problems: dict[str, str] = {}
        unit_id = picked_unit(self.client)
        if unit_id is None:
            problems["unit_id"] = "Choose the client: type part of a name, then pick it."
        if self.day.problem() or self.day.value() is None:
            problems["service_date"] = self.day.problem() or "Enter the date of the session."
        start: time | None = None
        if self.start.text().strip():
            try:
                start = parse_time(self.start.text())
            except ValueError:
                problems["start_time"] = "Enter a time such as 14:00 or 2:30 pm."
        if self.fee.problem():
            problems["fee"] = self.fee.problem()
        pos = self.pos.text().strip()
        if pos and (problem := place_of_service_problem(pos)):
            problems["place_of_service"] = problem
        if problem := modifiers_problem(self.modifiers.text()):
            problems["modifiers"] = problem
        if problems or unit_id is None:
            return None, problems
        day = self.day.value()
        assert day is not None
        data = SessionInput(
            unit_id=unit_id,
            service_date=day,
            service_code=str(self.code.currentData() or ""),
            status=SessionStatus(self.status.currentData()),
            fee=self.fee.value(),
            minutes=self.minutes.value() or None,
            start_time=start,
            place_of_service=pos or None,
            modifiers=self.modifiers.text().strip(),
            memo=self.memo.text().strip(),
        )
        if self.session is not None:  # the add-on is kept as it was
            data = replace(
                data, addon_code=self.session.addon_code, addon_fee=self.session.addon_fee
            )
        return (data, self.reason.text()), {}

    def submit(self, data: tuple[SessionInput, str]) -> Outcome[Any]:
        session_input, reason = data
        if self.session is None:
            outcome = self.runner.attempt(record_session, session_input)
            if outcome.ok and self.regular.isChecked():
                day = session_input.service_date
                self.runner.run(
                    set_slot,
                    session_input.unit_id,
                    day.weekday(),
                    session_input.start_time,
                    start=day,
                    minutes=session_input.minutes,
                    parent=self,
                )
            return outcome
        return self.runner.attempt(update_session, self.session.id, session_input, reason)
