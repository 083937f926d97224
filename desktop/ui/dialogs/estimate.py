"""A new Good Faith Estimate (or a corrected version of one): the client, the dates, the
expected services, the deadline as it is typed, and the checker's problems before Issue.

The state lives in ``desktop.forms.estimate.EstimateForm``; this dialog feeds it from
the widgets and shows what it answers. The checker (``estimates.checks.problems``)
runs on its own shortly after each change, and again on Check; Issue goes through
``runner.attempt``, and a refusal's sentences are listed here rather than in a box.

When the estimate cannot be given yet, "Note as owed" keeps the client and the dates,
so the deadline shows on the Estimates page until it is given. When the client
already has a current estimate over the same days, the checker refuses a second
one and the dialog offers to make this the corrected version of that one instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.forms.estimate import MAX_COUNT, EstimateForm
from desktop.services.clients.units import UnitRow
from desktop.services.documents.blocks import CheckFailed
from desktop.services.estimates import checks
from desktop.services.estimates.follow import CurrentEstimate, current_estimates
from desktop.services.estimates.issue import IssuedEstimate, correct_estimate, issue_estimate
from desktop.services.estimates.owed import OwedEstimate, note_owed
from desktop.services.estimates.views import estimate_as_given, estimate_form_view
from desktop.ui import style
from desktop.ui.dialogs.base import ReasonDialog
from desktop.ui.dialogs.session import picked_unit, unit_picker
from desktop.ui.formatting import format_date
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit

FREQUENCIES = ("weekly", "every other week", "twice a week", "monthly")
CHECK_DELAY_MS = 400  # after the last change, ask the checker (not on every keystroke)


class EstimateDialog(QDialog):
    """Propose, check and issue an estimate; with ``correcting``, its next version."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        units: list[UnitRow],
        *,
        unit_id: int | None = None,
        correcting: CurrentEstimate | None = None,
        owed: OwedEstimate | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.correcting = correcting
        self.issued: IssuedEstimate | None = None
        self.noted: OwedEstimate | None = None  # noted as owed instead of issued
        self.overlap: CurrentEstimate | None = None  # the current one this would overlap
        if owed is not None:
            unit_id = owed.unit_id
        self.checked: tuple[str, ...] | None = None  # the checker's last answer
        self._filling = False
        day = today or date.today()
        view = runner.read(estimate_form_view, None, day, day, parent=self)
        self.services = view.services if view else ()
        given = runner.read(estimate_as_given, correcting.estimate_id) if correcting else None
        self.state = EstimateForm(
            scheduled_on=owed.scheduled_on if owed else day,
            fees={s.code: s.default_fee for s in self.services},
            workdays=view.workdays if view else frozenset(range(5)),
            format_date=format_date,
            correcting=given,
        )
        if owed is not None:
            self.state.requested = owed.requested
            self.state.set_first_service(owed.first_service)
        self.setWindowTitle(
            f"Correct estimate {correcting.label}" if correcting else "New Good Faith Estimate"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)

        form = QFormLayout()
        form.setSpacing(style.SPACING)
        self.client = unit_picker(units, correcting.unit_id if correcting else unit_id)
        self.client.setObjectName("estimate_client")
        self.client.setEnabled(correcting is None)
        form.addRow("Client", self.client)
        self.requested = QCheckBox("The client asked for an estimate (nothing scheduled yet)")
        self.requested.setChecked(self.state.requested)
        form.addRow("", self.requested)
        self.scheduled = DateEdit(value=self.state.scheduled_on)
        self.scheduled_label = QLabel("Scheduled on")
        form.addRow(self.scheduled_label, self.scheduled)
        self.first = DateEdit(value=self.state.first_service)
        form.addRow("First session", self.first)
        self.through = DateEdit(value=self.state.through)
        self.through.setToolTip("At most 12 months from the first session")
        form.addRow("Through", self.through)
        self.frequency = QComboBox()
        self.frequency.setEditable(True)
        self.frequency.addItems(FREQUENCIES)
        form.addRow("How often", self.frequency)
        self.due = QLabel()
        self.due.setObjectName("estimate_due")
        self.due.setWordWrap(True)
        form.addRow("Due", self.due)
        layout.addLayout(form)

        services_box = QGroupBox("Expected services")
        box = QVBoxLayout(services_box)
        box.setSpacing(style.SPACING)
        self.lines_grid = QGridLayout()
        self.lines_grid.setHorizontalSpacing(style.SPACING)
        self.lines_grid.setColumnStretch(0, 1)
        box.addLayout(self.lines_grid)
        under = QHBoxLayout()
        self.add_button = QPushButton("Add a service")
        self.add_button.clicked.connect(self._add_line)
        under.addWidget(self.add_button)
        under.addStretch(1)
        self.total = QLabel()
        self.total.setObjectName("estimate_total")
        under.addWidget(self.total)
        box.addLayout(under)
        layout.addWidget(services_box)
        self.line_widgets: list[tuple[QComboBox, QSpinBox, MoneyEdit]] = []

        self.diagnoses = QCheckBox("Show the client's diagnoses on the estimate")
        self.diagnoses.setToolTip("Off unless the client wants them there")
        layout.addWidget(self.diagnoses)
        if correcting is not None:
            note = QLabel(
                f"Version {correcting.version + 1} replaces {correcting.label}; both are kept."
            )
            note.setWordWrap(True)
            style.muted(note)
            layout.addWidget(note)

        self.problems_box = QVBoxLayout()
        self.problems_box.setSpacing(style.SPACING // 2)
        layout.addLayout(self.problems_box)
        self.summary = QLabel()
        self.summary.setObjectName("estimate_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.owed_button = QPushButton("Note as owed")
        self.owed_button.setObjectName("note_owed")
        self.owed_button.setToolTip(
            "Not ready to give it yet: keep the client and dates so the deadline shows "
            "on the Estimates page"
        )
        self.owed_button.clicked.connect(self.note_as_owed)
        self.buttons.addButton(self.owed_button, QDialogButtonBox.ButtonRole.ActionRole)
        # After addButton, which shows what it is given.
        self.owed_button.setVisible(correcting is None and owed is None)
        self.switch_button = QPushButton()
        self.switch_button.setObjectName("correct_instead")
        self.switch_button.clicked.connect(self.correct_instead)
        self.buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.switch_button.setVisible(False)
        self.check_button = QPushButton("Check")
        self.issue_button = QPushButton(
            f"Issue version {correcting.version + 1}" if correcting else "Issue"
        )
        self.issue_button.setObjectName("issue_estimate")
        self.issue_button.setDefault(True)
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.issue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.check_button.clicked.connect(self.run_check)
        self.issue_button.clicked.connect(self.issue)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_check)
        self.client.currentIndexChanged.connect(lambda _i: self._client_changed())
        self.requested.toggled.connect(lambda _on: self._changed())
        for edit in (self.scheduled, self.first, self.through):
            edit.changed.connect(self._changed)
        self.frequency.currentTextChanged.connect(lambda _t: self._changed())
        self.diagnoses.toggled.connect(lambda _on: self._changed())
        style.keep_min_width(layout, self.fontMetrics().horizontalAdvance("M") * 44)
        if given is not None:
            self._show_state()
        elif picked_unit(self.client) is not None:
            self._client_changed()
        else:
            self._show_state()
        (self.first.line if correcting or unit_id else self.client).setFocus()

    # --- from the books ---------------------------------------------------------------------

    def _client_changed(self) -> None:
        if self._filling or self.correcting is not None:
            return
        unit_id = picked_unit(self.client)
        self.state.unit_id = unit_id
        if unit_id is not None:
            scheduled = self.scheduled.value() or date.today()
            first = self.first.value() or scheduled
            first = max(first, scheduled)
            view = self.runner.read(
                estimate_form_view,
                unit_id,
                scheduled,
                first,
                self.requested.isChecked(),
                parent=self,
            )
            if view is not None and view.proposed is not None:
                self.state.propose(view.proposed)
                # The first session is the person's to say; the proposal only fills a blank.
                if self.first.value() is None:
                    self.state.set_first_service(None)
        self._show_state()

    def _show_state(self) -> None:
        """Put the form's state into the widgets (after a proposal, on opening)."""
        self._filling = True
        state = self.state
        self.requested.setChecked(state.requested)
        self.scheduled.set_value(state.scheduled_on)
        self.first.set_value(state.first_service)
        self.through.set_value(state.through)
        self.frequency.setCurrentText(state.frequency)
        self.diagnoses.setChecked(state.show_diagnoses)
        self._build_lines()
        self._filling = False
        self._changed()

    # --- the expected services --------------------------------------------------------------

    def _build_lines(self) -> None:
        while self.lines_grid.count():
            item = self.lines_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.line_widgets = []
        for column, title in enumerate(("Service", "How many", "Fee each")):
            heading = QLabel(title)
            style.muted(heading)
            self.lines_grid.addWidget(heading, 0, column)
        for row, line in enumerate(self.state.lines):
            code = QComboBox()
            for service in self.services:
                code.addItem(f"{service.code}  {service.label}", service.code)
            if code.findData(line.code) < 0:
                code.addItem(line.code, line.code)
            code.setCurrentIndex(code.findData(line.code))
            count = QSpinBox()
            count.setRange(0, MAX_COUNT)
            count.setValue(line.count)
            fee = MoneyEdit()
            fee.setText(line.fee_text)
            fee.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 12)
            remove = QToolButton()
            remove.setText("✕")
            remove.setToolTip("Remove this service")
            code.currentIndexChanged.connect(lambda _i, r=row: self._code_changed(r))
            count.valueChanged.connect(lambda v, r=row: self._line_changed(r, count=v))
            fee.textEdited.connect(lambda t, r=row: self._line_changed(r, fee=t))
            remove.clicked.connect(lambda _c=False, r=row: self._remove_line(r))
            for column, widget in enumerate((code, count, fee, remove)):
                self.lines_grid.addWidget(widget, row + 1, column)
            self.line_widgets.append((code, count, fee))

    def _code_changed(self, row: int) -> None:
        if self._filling:
            return
        code, _count, fee = self.line_widgets[row]
        self.state.set_code(row, str(code.currentData() or ""))
        fee.setText(self.state.lines[row].fee_text)
        self._changed()

    def _line_changed(self, row: int, *, count: int | None = None, fee: str | None = None) -> None:
        if self._filling:
            return
        if count is not None:
            self.state.set_count(row, count)
        if fee is not None:
            self.state.set_fee_text(row, fee)
        self._changed()

    def _add_line(self) -> None:
        codes = {line.code for line in self.state.lines}
        spare = next((s.code for s in self.services if s.code not in codes), "")
        self.state.add_line(spare or (self.services[0].code if self.services else ""))
        self._filling = True
        self._build_lines()
        self._filling = False
        self._changed()

    def _remove_line(self, row: int) -> None:
        self.state.remove_line(row)
        self._filling = True
        self._build_lines()
        self._filling = False
        self._changed()

    # --- as typed ---------------------------------------------------------------------------

    def _changed(self) -> None:
        if self._filling:
            return
        state = self.state
        state.requested = self.requested.isChecked()
        self.scheduled_label.setText("Asked on" if state.requested else "Scheduled on")
        state.scheduled_on = self.scheduled.value()
        if self.first.value() != state.first_service:
            state.set_first_service(self.first.value())
            if not state.through_by_hand:
                self._filling = True
                self.through.set_value(state.through)
                self._filling = False
        if self.through.value() != state.through:
            state.set_through(self.through.value())
        state.date_problems = {
            name: edit.problem()
            for name, edit in (
                ("scheduled_on", self.scheduled),
                ("first_service", self.first),
                ("through", self.through),
            )
            if edit.problem() and edit.line.text().strip()
        }
        state.frequency = self.frequency.currentText()
        state.show_diagnoses = self.diagnoses.isChecked()
        self.due.setText(state.due_text())
        self.total.setText(state.total_text())
        self.checked = None
        typing = state.problems()
        self.check_button.setEnabled(not typing)
        if typing:
            self._check_timer.stop()
            self.show_problems(tuple(dict.fromkeys(typing.values())))
            self.summary.setText("")
            self.issue_button.setEnabled(False)
            return
        self.issue_button.setEnabled(True)
        self._check_timer.start()

    def run_check(self) -> None:
        """Ask the checker about the estimate as typed, and list what it says."""
        self._check_timer.stop()
        data = self.state.to_input()
        if data is None or not self.runner.is_open:
            return
        correcting_id = self.correcting.estimate_id if self.correcting else None
        found = self.runner.attempt_read(checks.problems, data, correcting_id)
        if found.error is not None:
            self.checked = (str(found.error),)
        else:
            self.checked = tuple(found.value or ())
        self.show_problems(self.checked)
        self._offer_correction(data.unit_id, data.first_service, data.period_end)

    def _offer_correction(self, unit_id: int, first: date, last: date) -> None:
        """When the client's current estimate covers these days, offer to correct it."""
        self.overlap = None
        if self.correcting is None and self.checked:
            found = self.runner.read(current_estimates, None, unit_id=unit_id, parent=self) or []
            self.overlap = next(
                (e for e in found if e.first_service <= last and e.period_end >= first), None
            )
        if self.overlap is not None:
            self.switch_button.setText(f"Correct {self.overlap.label} instead")
        self.switch_button.setVisible(self.overlap is not None)

    def correct_instead(self) -> None:
        """Make what is typed the next version of the overlapping estimate."""
        if self.overlap is None:
            return
        self.correcting = self.overlap
        self.state.correcting = True
        self.client.setEnabled(False)
        self.owed_button.setVisible(False)
        self.switch_button.setVisible(False)
        self.setWindowTitle(f"Correct estimate {self.overlap.label}")
        self.issue_button.setText(f"Issue version {self.overlap.version + 1}")
        self.run_check()

    def show_problems(self, problems: tuple[str, ...]) -> None:
        while self.problems_box.count():
            item = self.problems_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for problem in problems:
            self.problems_box.addWidget(style.problem_label(problem))
        if self.checked is None:
            return
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            self.summary.setText(f"Fix {len(problems)} {noun} before this estimate is issued.")
        else:
            self.summary.setText("The checker found no problems; the estimate can be issued.")
        self.issue_button.setEnabled(not problems)

    def problem_texts(self) -> list[str]:
        """The sentences listed above the buttons (for tests and for reading back)."""
        texts = []
        for i in range(self.problems_box.count()):
            item = self.problems_box.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                texts.append(widget.accessibleName())
        return texts

    # --- issuing ----------------------------------------------------------------------------

    def note_as_owed(self) -> None:
        """Keep the client and the dates as an estimate owed, to give before its deadline."""
        unit_id, scheduled = picked_unit(self.client), self.scheduled.value()
        first = self.first.value()
        if unit_id is None or scheduled is None or first is None:
            self.runner.interaction.show_info(
                self, "Choose the client and enter both dates, then note the estimate as owed."
            )
            return
        outcome = self.runner.attempt(
            note_owed, unit_id, scheduled, first, self.requested.isChecked()
        )
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
            return
        self.noted = outcome.value
        self.accept()

    def issue(self) -> None:
        data = self.state.to_input()
        if data is None:
            return
        if self.correcting is not None:
            outcome = self.runner.attempt(correct_estimate, self.correcting.estimate_id, data)
        else:
            outcome = self.runner.attempt(issue_estimate, data)
        if isinstance(outcome.error, CheckFailed):
            self.checked = outcome.error.problems
            self.show_problems(self.checked)
            return
        if outcome.error is not None:
            self.runner.interaction.show_error(self, str(outcome.error))
            return
        self.issued = outcome.value
        self.accept()


class CloseOwedDialog(ReasonDialog):
    """Close an estimate owed that is no longer needed, with the reason."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        client_name: str,
        action: Callable[[str], Outcome[object]],
    ) -> None:
        super().__init__(
            parent,
            runner,
            title="Estimate not needed",
            about=(
                f"{client_name} will not be given this estimate. Nothing is deleted: the note "
                "stays in the file, closed, with your reason."
            ),
            save_text="Close it",
            example="e.g. did not go ahead",
            missing="Say why no estimate is needed.",
            action=action,
        )
