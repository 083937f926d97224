"""Tabs listing a catalog (services, payment methods, insurers) with add, edit and retire.

Nothing in a catalog is deleted: sessions and payments may point at it, so
a row is deactivated instead and stays in the books.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.services.practice import catalog
from desktop.services.practice.catalog import PayerRow, PaymentMethodRow, ServiceRow
from desktop.ui import style
from desktop.ui.dialogs.catalog import PayerDialog, PaymentMethodDialog, ServiceDialog
from desktop.ui.formatting import money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

DialogFactory = Callable[[QWidget, ActionRunner, Any], QDialog]


def _active(row: Any) -> str:
    return "Active" if row.active else "Inactive"


class CatalogTab(QWidget):
    def __init__(
        self,
        runner: ActionRunner,
        noun: str,
        columns: tuple[Column[Any], ...],
        lister: Callable[..., list[Any]],
        dialog: DialogFactory,
        deactivate: Callable[..., Any],
        stretch_column: int = 1,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.noun = noun
        self._lister = lister
        self._dialog = dialog
        self._deactivate = deactivate
        self.model: RowsModel[Any] = RowsModel(columns, muted=lambda r: not r.active)
        self.proxy = SearchProxy(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, style.MARGIN, 0, 0)
        layout.setSpacing(style.SPACING)
        self.table = make_table(self.proxy, stretch_column=stretch_column)
        self.table.setObjectName(f"{noun.replace(' ', '_')}_table")
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.show_inactive = QCheckBox("Show inactive")
        self.show_inactive.toggled.connect(lambda _on: self.refresh())
        bar.addWidget(self.show_inactive)
        bar.addStretch(1)
        add = QPushButton(f"Add {noun}…")
        add.clicked.connect(self.add)
        edit = QPushButton("Edit…")
        edit.clicked.connect(self.edit)
        retire = QPushButton("Deactivate")
        retire.setToolTip(f"Hide this {noun} from new entries; the books keep it.")
        retire.clicked.connect(self.deactivate)
        for button in (add, edit, retire):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.bar = bar

    def refresh(self) -> None:
        rows = self._lister_rows()
        if rows is not None:
            self.model.set_rows(rows)

    def _lister_rows(self) -> list[Any] | None:
        return self.runner.read(
            self._lister, include_inactive=self.show_inactive.isChecked(), parent=self
        )

    def clear(self) -> None:
        self.model.clear()

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        self._dialog(self, self.runner, None).exec()

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            self.runner.interaction.show_info(self, f"Select the {self.noun} to edit first.")
            return
        self._dialog(self, self.runner, row).exec()

    def _activated(self, index: QModelIndex) -> None:
        self._dialog(self, self.runner, self.proxy.row_at(index.row())).exec()

    def deactivate(self) -> None:
        row = self.selected()
        if row is None:
            self.runner.interaction.show_info(self, f"Select the {self.noun} to deactivate first.")
            return
        if row.active:
            self.runner.run(self._deactivate, row.id, parent=self)


METHOD_COLUMNS: tuple[Column[PaymentMethodRow], ...] = (
    Column("Name", lambda m: m.name),
    Column("Processor fee", lambda m: m.fee_rule),
    Column("Status", _active),
)
SERVICE_COLUMNS: tuple[Column[ServiceRow], ...] = (
    Column("Code", lambda s: s.code),
    Column("Label", lambda s: s.label),
    Column(
        "Minutes",
        lambda s: str(s.default_minutes) if s.default_minutes else "",
        lambda s: s.default_minutes,
        numeric=True,
    ),
    Column("Fee", lambda s: money_text(s.default_fee), lambda s: s.default_fee, numeric=True),
    Column("On superbills", lambda s: "Yes" if s.superbill else "No"),
    Column("Status", _active),
)
PAYER_COLUMNS: tuple[Column[PayerRow], ...] = (
    Column("Name", lambda p: p.name),
    Column("Payer ID", lambda p: p.external_id),
    Column(
        "Filing limit",
        lambda p: f"{p.timely_filing_days} days",
        lambda p: p.timely_filing_days,
        numeric=True,
    ),
    Column(
        "Usually pays in",
        lambda p: f"{p.usual_days_to_pay} days",
        lambda p: p.usual_days_to_pay,
        numeric=True,
    ),
    Column("Place of service", lambda p: p.place_of_service or "Practice default"),
    Column("Modifiers", lambda p: p.modifiers if p.modifiers is not None else "Practice default"),
    Column("Status", _active),
)


class MethodsTab(CatalogTab):
    """Payment methods, in the order the payment dialog offers them: most used first."""

    def __init__(self, runner: ActionRunner) -> None:
        super().__init__(
            runner,
            "payment method",
            METHOD_COLUMNS,
            catalog.list_payment_methods,
            PaymentMethodDialog,
            catalog.deactivate_payment_method,
            stretch_column=0,
        )
        # The list is the order; a header click must not hide it.
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.model.sort(-1)
        for text, step, tip in (
            ("Move &up", -1, "Offer this method earlier when a payment is recorded"),
            ("Move do&wn", 1, "Offer this method later when a payment is recorded"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, step=step: self.move(step))
            self.bar.insertWidget(self.bar.count() - 3, button)

    def move(self, step: int) -> None:
        row = self.selected()
        if row is None:
            self.runner.interaction.show_info(self, "Select the payment method to move first.")
            return
        order = self.runner.read(catalog.list_payment_methods, include_inactive=True, parent=self)
        if order is None:
            return
        ids = [m.id for m in order]
        at = ids.index(row.id)
        to = at + step
        if not 0 <= to < len(ids):
            return
        ids[at], ids[to] = ids[to], ids[at]
        self.runner.run(catalog.order_payment_methods, ids, parent=self)
        self.refresh()
        self._select(row.id)

    def _select(self, method_id: int) -> None:
        for proxy_row in range(self.proxy.rowCount()):
            if self.proxy.row_at(proxy_row).id == method_id:
                self.table.selectRow(proxy_row)
                return


def methods_tab(runner: ActionRunner) -> CatalogTab:
    return MethodsTab(runner)


def services_tab(runner: ActionRunner) -> CatalogTab:
    return CatalogTab(
        runner,
        "service",
        SERVICE_COLUMNS,
        catalog.list_services,
        ServiceDialog,
        catalog.deactivate_service,
    )


def payers_tab(runner: ActionRunner) -> CatalogTab:
    return CatalogTab(
        runner,
        "insurer",
        PAYER_COLUMNS,
        catalog.list_payers,
        PayerDialog,
        catalog.deactivate_payer,
        stretch_column=0,
    )
