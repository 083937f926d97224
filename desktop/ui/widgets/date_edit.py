"""A date field shown and typed in the system locale's format, which may be left blank.

A line edit rather than QDateEdit: a birth date is typed faster as text, a
blank date is simply empty, and a wrong date gets a sentence beside it like
every other field. A small button opens a calendar for those who prefer one.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from desktop.ui.formatting import date_format, format_date, locale, shown_date_format


def parse_date(text: str) -> date | None:
    """A date typed in the locale's short format (2- or 4-digit year) or as 2025-03-04."""
    text = text.strip()
    fmt = date_format()  # one-digit day and month: reads 3/5/2026 and 03/05/2026 alike
    candidates = (fmt, fmt.replace("yyyy", "yy"), "yyyy-MM-dd")
    system = locale()
    for candidate in candidates:
        parsed = system.toDate(text, candidate)
        if not parsed.isValid():
            parsed = QDate.fromString(text, candidate)
        if parsed.isValid():
            year = parsed.year()
            if "yyyy" not in candidate and year < 1950:
                # Qt reads "yy" as 19yy; a two-digit year is this century unless that is
                # more than a year ahead, which is how people mean "4/5/31" and "4/5/62".
                year += 100
                if year > date.today().year + 1:
                    year -= 100
            return date(year, parsed.month(), parsed.day())
    return None


def format_hint() -> str:
    """The locale's format in words people read: M/D/YYYY, DD.MM.YYYY..."""
    return shown_date_format().replace("d", "D").replace("y", "Y")


class DateEdit(QWidget):
    """``value()`` is the date typed or None; ``problem()`` is the sentence to show."""

    problem_changed = Signal(str)
    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, optional: bool = False, value: date | None = None
    ) -> None:
        super().__init__(parent)
        self._optional = optional
        self._problem = ""
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(format_hint())
        self.line.setMaxLength(20)
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip("Choose from a calendar")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        menu = QMenu(self.button)
        self.calendar = QCalendarWidget(menu)
        self.calendar.setGridVisible(False)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.calendar.clicked.connect(lambda d: (self._pick(d), menu.close()))
        self.calendar.activated.connect(lambda d: (self._pick(d), menu.close()))
        self._menu = menu
        self.button.clicked.connect(
            lambda: menu.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.line.textChanged.connect(self._check)
        self.line.editingFinished.connect(self._tidy)
        if value is not None:
            self.set_value(value)
        self._check()

    def value(self) -> date | None:
        return parse_date(self.line.text()) if self.line.text().strip() else None

    def set_value(self, value: date | None) -> None:
        self.line.setText(format_date(value))

    def problem(self) -> str:
        return self._problem

    def is_valid(self) -> bool:
        return not self._problem

    def setReadOnly(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def _check(self) -> None:
        text = self.line.text().strip()
        problem = ""
        if text and parse_date(text) is None:
            problem = f"Enter a date such as {format_date(date(2025, 3, 14))}."
        elif not text and not self._optional:
            problem = "Enter a date."
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)
        self.changed.emit()

    def _tidy(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)

    def _sync_calendar(self) -> None:
        value = self.value() or date.today()
        self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))

    def _pick(self, qdate: QDate) -> None:
        self.set_value(date(qdate.year(), qdate.month(), qdate.day()))
        self.line.setFocus()
