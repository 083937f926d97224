"""Payments, a month at a time: record one, see how it was applied, apply it by hand,
refund credit, write off what will not be paid, void with a reason."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from desktop.domain.months import shift_month
from desktop.services.books import queries as books
from desktop.services.books.payment_list import ListedPayment
from desktop.services.books.payments import AllocationRow, open_charges
from desktop.services.books.views import payments_page_view
from desktop.services.books.voids import void_entry
from desktop.services.changes import Topic
from desktop.services.clients.units import list_units
from desktop.services.practice import catalog
from desktop.ui import style
from desktop.ui.dialogs.money_actions import RefundDialog, VoidDialog, WriteOffDialog
from desktop.ui.dialogs.payment import AllocationDialog, PaymentDialog
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.buttons import shortcut_button
from desktop.ui.widgets.splitters import remember_splitter
from desktop.ui.widgets.tables import make_table

ALLOCATION_COLUMNS: tuple[Column[AllocationRow], ...] = (
    Column("Service date", lambda a: format_date(a.service_date), lambda a: a.service_date, True),
    Column("Charge", lambda a: a.description),
    Column("How", lambda a: "By hand" if a.manual else "Oldest first"),
    Column("Applied", lambda a: money_text(a.amount), lambda a: a.amount, numeric=True),
)


class PaymentsPage(Page):
    page_id = "payments"
    topics = frozenset({Topic.CLIENTS, Topic.MONEY, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.month = date.today().replace(day=1)
        columns: tuple[Column[ListedPayment], ...] = (
            Column("Received", lambda p: format_date(p.received_date), lambda p: p.received_date),
            Column("Client", lambda p: p.client),
            Column("Method", lambda p: p.method),
            Column("Reference", lambda p: p.reference),
            Column("Amount", lambda p: money_text(p.amount), lambda p: p.amount, numeric=True),
            Column("Applied", lambda p: money_text(p.applied), lambda p: p.applied, numeric=True),
            Column(
                "Credit",
                lambda p: money_text(p.unapplied, blank_zero=True),
                lambda p: p.unapplied,
                numeric=True,
            ),
            Column("Status", lambda p: "Void" if p.voided else ""),
        )
        self.model: RowsModel[ListedPayment] = RowsModel(
            columns,
            muted=lambda p: p.voided,
            search_text=lambda p: f"{p.client} {p.method} {p.reference}",
        )
        self.proxy = SearchProxy(self.model)
        self.allocations: RowsModel[AllocationRow] = RowsModel(ALLOCATION_COLUMNS)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        bar.addWidget(shortcut_button(self, "‹ Previous month", "Alt+Left", self.previous_month))
        bar.addWidget(shortcut_button(self, "This month", "Alt+Home", self.this_month))
        bar.addWidget(shortcut_button(self, "Next month ›", "Alt+Right", self.next_month))
        bar.addSpacing(style.SECTION_SPACING)
        self.month_label = QLabel()
        self.month_label.setObjectName("month_label")
        self.month_label.setFont(style.title_font(self.month_label.font(), 1.15))
        bar.addWidget(self.month_label, 1)
        bar.addWidget(shortcut_button(self, "Apply by hand…", "Ctrl+Shift+A", self.apply_selected))
        bar.addWidget(shortcut_button(self, "Refund…", "Ctrl+Shift+F", self.refund_selected))
        bar.addWidget(shortcut_button(self, "Write off…", "Ctrl+Shift+W", self.write_off_selected))
        bar.addWidget(shortcut_button(self, "Void…", "Del", self.void_selected))
        new = shortcut_button(self, "Record payment…", "", self.new_payment)
        new.setToolTip("Record a payment (Ctrl+Shift+P)")
        bar.addWidget(new)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = make_table(self.proxy, stretch_column=1)
        self.table.setObjectName("payments_table")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_allocations())
        split.addWidget(self.table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, style.SPACING, 0, 0)
        self.allocation_title = QLabel("Select a payment to see how it was applied.")
        lower_layout.addWidget(self.allocation_title)
        self.allocation_table = make_table(self.allocations, stretch_column=1, sortable=False)
        self.allocation_table.setObjectName("allocations_table")
        lower_layout.addWidget(self.allocation_table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        remember_splitter(split, "payments/split")
        layout.addWidget(split, 1)
        self.summary = QLabel()
        self.summary.setObjectName("month_summary")
        style.muted(self.summary)
        layout.addWidget(self.summary)

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.month_label.setText(f"{self.month:%B %Y}")
        view = self.runner.read(payments_page_view, self.month, parent=self)
        if view is None:
            return
        self.model.set_rows(view.payments)
        live = len(view.live)
        noun = "payment" if live == 1 else "payments"
        self.summary.setText(f"{live} {noun} · received {money_text(view.received)}")
        if self.selected() is None and self.proxy.rowCount():
            self.table.selectRow(0)  # show how the latest payment was applied
        self._show_allocations()

    def clear(self) -> None:
        self.model.clear()
        self.allocations.clear()
        self.summary.clear()

    def focus_search(self) -> None:
        self.table.setFocus()

    def _show_allocations(self) -> None:
        payment = self.selected()
        if payment is None:
            self.allocations.clear()
            self.allocation_title.setText("Select a payment to see how it was applied.")
            return
        self.allocations.set_rows(payment.allocations)
        credit = f"; {money_text(payment.unapplied)} left as credit" if payment.unapplied else ""
        self.allocation_title.setText(
            f"{money_text(payment.amount)} from {payment.client}: "
            f"{money_text(payment.applied)} applied{credit}."
        )

    # --- month -----------------------------------------------------------------------------

    def show_month(self, day: date) -> None:
        self.month = day.replace(day=1)
        self.reload()

    def previous_month(self) -> None:
        self.show_month(shift_month(self.month, -1))

    def next_month(self) -> None:
        self.show_month(shift_month(self.month, 1))

    def this_month(self) -> None:
        self.show_month(date.today())

    # --- actions ---------------------------------------------------------------------------

    def selected(self) -> ListedPayment | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _need_selection(self) -> ListedPayment | None:
        payment = self.selected()
        if payment is None:
            self.runner.interaction.show_info(self, "Select a payment in the list first.")
        return payment

    def new_payment(self, unit_id: int | None = None) -> None:
        units = self.runner.read(list_units, parent=self)
        methods = self.runner.read(catalog.list_payment_methods, parent=self)
        if units is None or methods is None:
            return
        dialog = PaymentDialog(self, self.runner, units, methods, unit_id=unit_id)
        if dialog.exec() and dialog.result_value is not None:
            self.show_month(dialog.result_value.received_date)

    def apply_selected(self) -> None:
        payment = self._need_selection()
        if payment is None or payment.voided:
            return
        charges = self.runner.read(open_charges, payment.unit_id, parent=self)
        if charges is not None:
            AllocationDialog(self, self.runner, payment, charges).exec()

    def refund_selected(self) -> None:
        payment = self._need_selection()
        if payment is None:
            return
        refund_credit(self, self.runner, payment.unit_id)

    def write_off_selected(self) -> None:
        payment = self._need_selection()
        if payment is not None:
            write_off_for(self, self.runner, payment.unit_id)

    def void_selected(self) -> None:
        payment = self._need_selection()
        if payment is None or payment.voided:
            return
        what = (
            f"the payment of {money_text(payment.amount)} received "
            f"{format_date(payment.received_date)}"
        )
        VoidDialog(
            self,
            self.runner,
            what,
            lambda reason: self.runner.attempt(void_entry, "payment", payment.id, reason),
        ).exec()

    handlers: ClassVar = {PageCommand.RECORD_PAYMENT: new_payment}


def refund_credit(parent: QWidget, runner: ActionRunner, unit_id: int) -> None:
    """Refund a client's credit, or say there is none."""
    balance = runner.read(books.balance, unit_id, parent=parent)
    methods = runner.read(catalog.list_payment_methods, parent=parent)
    if balance is None or methods is None:
        return
    if balance.credit <= 0:
        runner.interaction.show_info(parent, "This client has no credit to refund.")
        return
    RefundDialog(parent, runner, unit_id, balance.credit, methods).exec()


def write_off_for(parent: QWidget, runner: ActionRunner, unit_id: int) -> None:
    """Write off part of what a client owes, or say nothing is owed."""
    charges = runner.read(open_charges, unit_id, parent=parent)
    if charges is None:
        return
    if not charges:
        runner.interaction.show_info(parent, "This client owes nothing to write off.")
        return
    WriteOffDialog(parent, runner, charges).exec()
