"""The CMS-1500 printer offset: how far the data-only print moves to land in the red form's
boxes on this practice's printer, in points or tenths of an inch."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton

from desktop.services.documents.print_offset import (
    OffsetUnit,
    PrintOffset,
    get_print_offset,
    set_print_offset,
    to_points,
)
from desktop.services.errors import InvalidInput
from desktop.ui.runner import ActionRunner


class PrinterOffsetBox(QGroupBox):
    """Right and down shifts with their unit, saved on their own."""

    def __init__(self, runner: ActionRunner) -> None:
        super().__init__("CMS-1500 printer offset (data-only print)")
        self.runner = runner
        self.saved = PrintOffset()
        rows = QFormLayout(self)
        self.unit = QComboBox()
        for unit in OffsetUnit:
            self.unit.addItem(unit.label, unit)
        self.unit.currentIndexChanged.connect(lambda _i: self._show(self.saved))
        self.right = QLineEdit()
        self.right.setObjectName("offset_right")
        self.right.setPlaceholderText("0; negative moves left")
        self.down = QLineEdit()
        self.down.setObjectName("offset_down")
        self.down.setPlaceholderText("0; negative moves up")
        rows.addRow("Unit", self.unit)
        rows.addRow("Move right by", self.right)
        rows.addRow("Move down by", self.down)
        hint = QLabel(
            "Print one form on plain paper, hold it over a red form against the light, and "
            "enter how far the data must move. Print at 100% (no fit to page) on Letter paper."
        )
        hint.setWordWrap(True)
        rows.addRow(hint)
        self.problem = QLabel()
        self.problem.setObjectName("offset_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        rows.addRow(self.problem)
        self.save_button = QPushButton("Save offset")
        self.save_button.setObjectName("save_offset")
        self.save_button.clicked.connect(self.save)
        rows.addRow("", self.save_button)

    def _unit(self) -> OffsetUnit:
        return OffsetUnit(self.unit.currentData())

    def _show(self, offset: PrintOffset) -> None:
        right, down = offset.shown_in(self._unit())
        self.right.setText(_plain(right))
        self.down.setText(_plain(down))

    def refresh(self) -> None:
        found = self.runner.read(get_print_offset, parent=self)
        if found is not None:
            self.saved = found
            self._show(found)
            self.problem.hide()

    def clear(self) -> None:
        self.right.clear()
        self.down.clear()

    def save(self) -> None:
        try:
            offset = PrintOffset(
                to_points(self.right.text(), self._unit(), "right"),
                to_points(self.down.text(), self._unit(), "down"),
            )
        except InvalidInput as refused:
            self._refused(str(refused))
            return
        outcome = self.runner.attempt(set_print_offset, offset)
        if outcome.error is not None:
            self._refused(str(outcome.error))
            return
        self.refresh()

    def _refused(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text
