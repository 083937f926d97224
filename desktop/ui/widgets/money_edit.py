"""A money field that holds a Decimal: ``$1,234.50`` and ``1234.5`` in, sentences out.

Parsing is desktop.domain.money's, so the field accepts exactly what the rest
of the program does and never goes through float.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.domain.money import MoneyError, format_money, parse_money


class MoneyEdit(QLineEdit):
    """``value()`` is the Decimal typed, or None when blank; ``problem()`` says what is wrong."""

    problem_changed = Signal(str)  # "" when the text is a valid amount (or allowed blank)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        optional: bool = False,
        allow_negative: bool = False,
        placeholder: str = "0.00",
    ) -> None:
        super().__init__(parent)
        self._optional = optional
        self._allow_negative = allow_negative
        self._problem = ""
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(placeholder)
        self.setMaxLength(20)
        self.textChanged.connect(self._check)
        self._check()

    def value(self) -> Decimal | None:
        """The amount, or None when the field is blank or not an amount."""
        if not self.text().strip():
            return None
        try:
            return parse_money(self.text(), allow_negative=self._allow_negative)
        except MoneyError:
            return None

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else format_money(value, symbol=False))

    def problem(self) -> str:
        return self._problem

    def is_valid(self) -> bool:
        return not self._problem

    def _check(self) -> None:
        problem = ""
        if self.text().strip():
            try:
                parse_money(self.text(), allow_negative=self._allow_negative)
            except MoneyError as exc:
                problem = str(exc)
        elif not self._optional:
            problem = "Enter an amount, such as 150.00."
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Tidy a valid amount on leaving the field: "1234.5" becomes "1,234.50".
        value = self.value()
        if value is not None:
            self.set_value(value)
        super().focusOutEvent(event)
