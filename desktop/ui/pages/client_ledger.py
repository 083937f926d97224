"""One client's account, line by line with a running balance, and the money actions on it.

A widget the client page embeds; it does its work through the action runner
like a page, and the pages refresh from ``books_changed`` afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.services.books.queries import LedgerLine
from desktop.services.books.voids import void_entry
from desktop.services.clients.units import list_units
from desktop.services.practice import catalog
from desktop.ui import style
from desktop.ui.dialogs.money_actions import VoidDialog
from desktop.ui.dialogs.payment import PaymentDialog
from desktop.ui.dialogs.session import SessionDialog
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.payments import refund_credit, write_off_for
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table


def _balance_text(line: LedgerLine) -> str:
    if line.balance < 0:
        return f"{money_text(-line.balance)} credit"
    return money_text(line.balance)


LEDGER_COLUMNS: tuple[Column[LedgerLine], ...] = (
    Column("Date", lambda line: format_date(line.on), lambda line: line.on, numeric=True),
    Column("Entry", lambda line: line.description + ("  (void)" if line.voided else "")),
    Column("Charges", lambda line: money_text(line.charges, blank_zero=True), numeric=True),
    Column("Credits", lambda line: money_text(line.credits, blank_zero=True), numeric=True),
    Column("Balance", _balance_text, numeric=True),
)


class ClientLedger(QWidget):
    def __init__(self, runner: ActionRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.unit_id: int | None = None
        self.model: RowsModel[LedgerLine] = RowsModel(LEDGER_COLUMNS, muted=lambda x: x.voided)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        self.total = QLabel()
        self.total.setObjectName("ledger_total")
        bar.addWidget(self.total, 1)
        for text, slot in (
            ("Record session…", self.record_session),
            ("Record payment…", self.record_payment),
            ("Refund…", self.refund),
            ("Write off…", self.write_off),
            ("Void…", self.void_selected),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.table = make_table(self.model, stretch_column=1, sortable=False)
        self.table.setObjectName("ledger_table")
        self.table.setMinimumHeight(self.fontMetrics().height() * 10)
        layout.addWidget(self.table, 1)

    def show_lines(self, unit_id: int, lines: Sequence[LedgerLine]) -> None:
        """Show the unit's account (read with the rest of its page)."""
        self.unit_id = unit_id
        self.model.set_rows(lines)
        self.model.fetch_all()
        if lines:
            self.table.scrollToBottom()
            self.total.setText(f"Balance: {_balance_text(lines[-1])}")
        else:
            self.total.setText("Nothing charged or paid yet.")

    def clear(self) -> None:
        self.unit_id = None
        self.model.clear()
        self.total.clear()

    # --- actions ---------------------------------------------------------------------------

    def record_session(self) -> None:
        units = self.runner.read(list_units, parent=self)
        services = self.runner.read(catalog.list_services, parent=self)
        if self.unit_id is not None and units is not None and services is not None:
            SessionDialog(self, self.runner, units, services, unit_id=self.unit_id).exec()

    def record_payment(self) -> None:
        units = self.runner.read(list_units, parent=self)
        methods = self.runner.read(catalog.list_payment_methods, parent=self)
        if self.unit_id is not None and units is not None and methods is not None:
            PaymentDialog(self, self.runner, units, methods, unit_id=self.unit_id).exec()

    def refund(self) -> None:
        if self.unit_id is not None:
            refund_credit(self, self.runner, self.unit_id)

    def write_off(self) -> None:
        if self.unit_id is not None:
            write_off_for(self, self.runner, self.unit_id)

    def void_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        line = self.model.row_at(rows[0].row()) if rows else None
        if line is None:
            self.runner.interaction.show_info(self, "Select the entry to void first.")
            return
        if line.voided or line.record_id is None:
            self.runner.interaction.show_info(self, "That entry cannot be voided.")
            return
        if line.record_kind == "session_charge":
            self.runner.interaction.show_info(
                self, "This charge comes from a session; void the session on the Sessions page."
            )
            return
        what = f"“{line.description}” of {format_date(line.on)}"
        kind, record_id = line.record_kind, line.record_id
        VoidDialog(
            self,
            self.runner,
            what,
            lambda reason: self.runner.attempt(void_entry, kind, record_id, reason),
        ).exec()
