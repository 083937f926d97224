"""Practice preferences: auto-lock, aging basis, defaults for place of service and modifiers,
and how Good Faith Estimates are proposed and followed."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import AgingBasis
from desktop.services.practice.settings import (
    EstimateSettings,
    Preferences,
    get_preferences,
    update_preferences,
)
from desktop.ui import style
from desktop.ui.pages.settings.printer_offset import PrinterOffsetBox
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.form import Form
from desktop.ui.widgets.money_edit import MoneyEdit

AGING_CHOICES = (
    (AgingBasis.SERVICE_DATE, "From the date of service (usual)"),
    (AgingBasis.DUE_DATE, "From the due date"),
)
PLACES = (
    ("11", "11 — Office"),
    ("10", "10 — Telehealth in the client's home"),
    ("02", "02 — Telehealth elsewhere"),
)
WEEKDAYS = (
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
)  # in the order of date.weekday(): 0 is Monday


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0000 minutes") + 40)
    return spin


class PreferencesTab(QWidget):
    def __init__(self, runner: ActionRunner) -> None:
        super().__init__()
        self.runner = runner
        self._saved: Preferences | None = None
        self.form = Form(self.revalidate)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, style.MARGIN, 0, 0)
        outer.setSpacing(style.SECTION_SPACING)
        columns = QHBoxLayout()
        columns.setSpacing(style.SECTION_SPACING)

        privacy = QGroupBox("Privacy")
        rows = QFormLayout(privacy)
        self.autolock = _spin(1, 240, " minutes")
        self.autolock.setObjectName("autolock_minutes")
        self.form.add("autolock_minutes", "Lock after idle for", self.autolock, layout=rows)
        books = QGroupBox("Books")
        rows2 = QFormLayout(books)
        self.aging = QComboBox()
        for value, text in AGING_CHOICES:
            self.aging.addItem(text, value.value)
        self.form.add("aging_basis", "Age unpaid charges", self.aging, layout=rows2)
        self.due_days = _spin(0, 120, " days")
        self.due_days.setToolTip(
            "A charge is due this many days after its date of service; until then the "
            "aging shows it as Current. 0 days: due on the day of the session."
        )
        self.form.add("due_days", "Payment terms", self.due_days, layout=rows2)
        self.unsubmitted = _spin(1, 365, " days")
        self.form.add(
            "superbill_unsubmitted_days",
            "Remind of unsubmitted superbills after",
            self.unsubmitted,
            layout=rows2,
        )

        defaults = QGroupBox("Superbill defaults (an insurer's own settings come first)")
        rows3 = QFormLayout(defaults)
        self.pos = QComboBox()
        for value, text in PLACES:
            self.pos.addItem(text, value)
        self.form.add("default_place_of_service", "Place of service", self.pos, layout=rows3)
        self.modifiers = QLineEdit()
        self.modifiers.setPlaceholderText("Such as 95 for video telehealth")
        self.modifiers.setMaxLength(20)
        self.form.add("default_modifiers", "Modifiers", self.modifiers, layout=rows3)
        self.message = QPlainTextEdit()
        self.message.setPlaceholderText("Printed at the foot of statements")
        self.message.setMaximumHeight(self.fontMetrics().height() * 5)
        self.form.add("statement_message", "Statement message", self.message, layout=rows3)

        estimates = QGroupBox("Good Faith Estimates")
        rows4 = QFormLayout(estimates)
        self.default_sessions = _spin(1, 366, " sessions")
        self.form.add(
            "default_sessions",
            "Sessions an estimate expects by default",
            self.default_sessions,
            layout=rows4,
        )
        days = QWidget()
        day_row = QHBoxLayout(days)
        day_row.setContentsMargins(0, 0, 0, 0)
        self.workdays: list[QCheckBox] = []
        for short, name in WEEKDAYS:
            box = QCheckBox(short)
            box.setObjectName(f"workday_{short.lower()}")
            box.setAccessibleName(name)
            box.toggled.connect(self._workdays_edited)
            day_row.addWidget(box)
            self.workdays.append(box)
        day_row.addStretch(1)
        days.setFocusProxy(self.workdays[0])
        self.form.add("workdays", "Working days", days, layout=rows4)
        self.warn_over = MoneyEdit()
        self.warn_over.setObjectName("warn_over")
        width = self.warn_over.fontMetrics().horizontalAdvance("0,000.00")
        self.warn_over.setMaximumWidth(width + 40)
        self.form.add(
            "warn_over",
            "Warn when billing is this far over an estimate",
            self.warn_over,
            layout=rows4,
        )
        left = QVBoxLayout()
        left.addWidget(privacy)
        left.addWidget(books)
        left.addWidget(estimates)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(defaults)
        self.printer = PrinterOffsetBox(runner)
        right.addWidget(self.printer)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        outer.addLayout(columns)
        outer.addStretch(1)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.save_button = QPushButton("Save preferences")
        self.save_button.setObjectName("save_preferences")
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.save_button)
        outer.addLayout(bar)

    def preferences(self) -> Preferences | None:
        """What the tab would save, or None before it has read or while an amount is wrong."""
        if self._saved is None:
            return None
        warn_over = self.warn_over.value()
        if warn_over is None:
            return None
        saved = self._saved.settings
        pos = self.pos.currentData() or saved.default_place_of_service
        settings = replace(
            saved,
            autolock_minutes=self.autolock.value(),
            aging_basis=AgingBasis(self.aging.currentData()),
            due_days=self.due_days.value(),
            superbill_unsubmitted_days=self.unsubmitted.value(),
            default_place_of_service=pos,
            default_modifiers=self.modifiers.text().strip(),
            statement_message=self.message.toPlainText(),
        )
        estimates = EstimateSettings(
            default_sessions=self.default_sessions.value(),
            workdays=frozenset(day for day, box in enumerate(self.workdays) if box.isChecked()),
            warn_over=warn_over,
        )
        return Preferences(settings, estimates)

    def refresh(self) -> None:
        preferences = self.runner.read(get_preferences, parent=self)
        if preferences is None:
            return
        self._saved = preferences
        settings = preferences.settings
        self.autolock.setValue(settings.autolock_minutes)
        self.aging.setCurrentIndex(max(self.aging.findData(settings.aging_basis.value), 0))
        self.due_days.setValue(settings.due_days)
        self.unsubmitted.setValue(settings.superbill_unsubmitted_days)
        index = self.pos.findData(settings.default_place_of_service)
        if index < 0:
            self.pos.addItem(settings.default_place_of_service, settings.default_place_of_service)
            index = self.pos.count() - 1
        self.pos.setCurrentIndex(index)
        self.modifiers.setText(settings.default_modifiers)
        self.message.setPlainText(settings.statement_message)
        estimates = preferences.estimates
        self.default_sessions.setValue(estimates.default_sessions)
        for day, box in enumerate(self.workdays):
            box.blockSignals(True)
            box.setChecked(day in estimates.workdays)
            box.blockSignals(False)
        self.warn_over.set_value(estimates.warn_over)
        self.form.show({})
        self.revalidate()
        self.printer.refresh()

    def clear(self) -> None:
        self._saved = None
        self.printer.clear()
        self.modifiers.clear()
        self.message.clear()
        self.warn_over.clear()

    def _workdays_edited(self) -> None:
        self.form.touch("workdays")
        self.revalidate()

    def revalidate(self) -> None:
        problems = {}
        if self.warn_over.problem():
            problems["warn_over"] = self.warn_over.problem()
        self.form.show(problems)
        current = self.preferences()
        self.save_button.setEnabled(current is not None and current != self._saved)

    def save(self) -> None:
        current = self.preferences()
        if current is None:
            return
        outcome = self.runner.attempt(update_preferences, current)
        if outcome.error is not None:
            field = getattr(outcome.error, "field", None)
            if not self.form.show_error(field, str(outcome.error)):
                self.runner.interaction.show_error(self, str(outcome.error))
            return
        self.refresh()
