"""Clients to complete: who lacks what a superbill or estimate needs, one row each.

After an import (most clients moved in from SimplePractice arrive with a name
only) the list says, per client, what to add; Open client (or a double-click,
or Enter) takes the person straight to that client's page and closes the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.clients.readiness import ToComplete, clients_to_complete
from desktop.ui import style
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

COLUMNS: tuple[Column[ToComplete], ...] = (
    Column("Client", lambda c: c.name),
    Column("Reference", lambda c: c.client_ref),
    Column("Billing", lambda c: "Superbill" if c.gets_superbills else "Private pay"),
    Column("Still needs", lambda c: ", ".join(c.missing), tooltip=lambda c: c.sentence),
)
NONE_LEFT = "Every active client has what a superbill or estimate needs."


class ToCompleteDialog(QDialog):
    """The list, read when it opens; ``open_unit`` shows a client's page in the window."""

    def __init__(
        self, parent: QWidget | None, runner: ActionRunner, open_unit: Callable[[int], None]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clients to complete")
        self.runner = runner
        self.open_unit = open_unit
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model: RowsModel[ToComplete] = RowsModel(COLUMNS)
        self.table = make_table(self.model, stretch_column=3)
        self.table.doubleClicked.connect(self._open_at)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("&Open client")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_selected)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        rows = self.runner.read(clients_to_complete, parent=self) or []
        self.model.set_rows(rows)
        count = len(rows)
        self.summary.setText(
            f"{count} client{'s' if count != 1 else ''} still lack{'s' if count == 1 else ''} "
            "what a superbill or estimate needs. Open each one and fill in what is listed."
            if rows
            else NONE_LEFT
        )
        self.open_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def selected(self) -> ToComplete | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row_at(chosen[0].row()) if chosen else None

    def _open_at(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.open_selected()

    def open_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.accept()
            self.open_unit(chosen.unit_id)


def open_to_complete(
    parent: QWidget | None, runner: ActionRunner, open_unit: Callable[[int], None]
) -> ToCompleteDialog:
    """Show the list (not blocking); the caller may keep it to watch it."""
    dialog = ToCompleteDialog(parent, runner, open_unit)
    dialog.show()
    return dialog
