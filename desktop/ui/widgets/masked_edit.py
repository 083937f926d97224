"""A field for a tax id (EIN or SSN) that shows only its last four digits unless being edited."""

from __future__ import annotations

from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.domain.identifiers import mask_tax_id


class MaskedEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = ""
        self.textEdited.connect(self._edited)

    def value(self) -> str:
        return self.text() if self.hasFocus() else self._value

    def set_value(self, value: str) -> None:
        self._value = value
        self.setText(value if self.hasFocus() else mask_tax_id(value) if value else "")

    def is_masked(self) -> bool:
        return bool(self._value) and not self.hasFocus()

    def _edited(self, text: str) -> None:
        self._value = text

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setText(self._value)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._value = self.text()
        self.setText(mask_tax_id(self._value) if self._value else "")
