"""Form rows with a message line under each field, shown once the field has been touched.

A dialog builds its rows through ``Form.add``, recomputes the problems on every
change (``on_change``) and passes them to ``show``; fields the person has not
reached yet stay quiet, and the dialog's Save button is disabled meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import style
from desktop.ui.widgets.date_edit import DateEdit


class Form:
    def __init__(self, on_change: Callable[[], None], layout: QFormLayout | None = None) -> None:
        self.layout = layout or QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setVerticalSpacing(style.SPACING)
        self.layout.setHorizontalSpacing(style.SPACING * 2)
        self._on_change = on_change
        self._messages: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._touched: set[str] = set()
        self._problems: dict[str, str] = {}
        self._titles: dict[int, list[QLabel]] = {}  # per layout, for aligning

    def add(
        self,
        name: str,
        label: str,
        field: QWidget,
        *,
        required: bool = False,
        layout: QFormLayout | None = None,
    ) -> QWidget:
        """Add a row; ``name`` is the service's field name for its messages."""
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        message = QLabel()
        message.setObjectName(f"message_{name}")
        message.setWordWrap(True)
        message.setFont(style.small_font(message.font()))
        palette = message.palette()
        palette.setColor(message.foregroundRole(), style.error_color(message))
        message.setPalette(palette)
        message.hide()
        column.addWidget(message)
        text = f"{label} *" if required else label
        title = QLabel(text)
        title.setBuddy(field)
        target = layout or self.layout
        target.addRow(title, cell)
        self._titles.setdefault(id(target), []).append(title)
        self._messages[name] = message
        self._fields[name] = field
        _connect(field, lambda: self._changed(name, touch=True), self._on_change)
        return field

    def align(self, *layouts: QFormLayout) -> None:
        """Give the labels of several form layouts one width, so their fields line up."""
        titles = [t for layout in layouts for t in self._titles.get(id(layout), [])]
        width = max((t.sizeHint().width() for t in titles), default=0)
        for title in titles:
            title.setMinimumWidth(width)

    def field(self, name: str) -> QWidget:
        return self._fields[name]

    def message(self, name: str) -> str:
        """The message shown beside field ``name`` ("" when none, or no such field: a
        problem of the whole form, such as a total, shows in the dialog's hint line)."""
        label = self._messages.get(name)
        if label is None:
            return ""
        return label.text() if label.isVisibleTo(label.parentWidget()) else ""

    def is_touched(self, name: str) -> bool:
        return name in self._touched

    def touch(self, *names: str) -> None:
        self._touched.update(names or self._fields)

    def show(self, problems: dict[str, str]) -> None:
        """Show each touched field's problem beside it; hide the rest."""
        self._problems = dict(problems)
        for name, label in self._messages.items():
            text = problems.get(name, "") if name in self._touched else ""
            label.setText(text)
            label.setVisible(bool(text))

    def show_error(self, name: str | None, message: str) -> bool:
        """Show a service's refusal beside its field; False if the form has no such field."""
        if name not in self._messages:
            return False
        self._touched.add(name)
        self.show({**self._problems, name: message})
        self._fields[name].setFocus()
        return True

    def _changed(self, name: str, *, touch: bool) -> None:
        if touch:
            self._touched.add(name)
        self._on_change()


def _connect(field: QWidget, edited: Callable[[], None], changed: Callable[[], None]) -> None:
    """``edited`` for what the person did (it marks the field touched), ``changed`` for any
    change, including a program filling the form."""
    if isinstance(field, DateEdit):
        field.line.textEdited.connect(lambda _text: edited())
        field.changed.connect(changed)
    elif isinstance(field, QLineEdit):
        field.textEdited.connect(lambda _text: edited())
        field.textChanged.connect(lambda _text: changed())
    elif isinstance(field, QPlainTextEdit):
        field.textChanged.connect(edited)
    elif isinstance(field, QComboBox):
        field.currentIndexChanged.connect(lambda _index: edited())
    elif isinstance(field, QSpinBox):
        field.valueChanged.connect(lambda _value: edited())
    elif isinstance(field, QAbstractButton):
        field.toggled.connect(lambda _on: edited())
