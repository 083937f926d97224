"""The client list (individuals, couples, families) and, from it, one client's details."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import UnitKind
from desktop.services.changes import Topic
from desktop.services.clients.people import list_clients
from desktop.services.clients.views import ClientListRow, clients_page_view
from desktop.ui import style
from desktop.ui.formatting import KIND_LABELS, format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.widgets.tables import make_table

if TYPE_CHECKING:
    from desktop.ui.pages.client_detail import ClientDetailView


def _patient_tip(row: ClientListRow) -> str:
    if row.kind == UnitKind.INDIVIDUAL:
        tip = f"Legal name: {row.identified_patient_name}"
        return tip + (
            "\nIn a couple or family; no sessions of their own" if row.member_only else ""
        )
    members = "".join(f"\n  {name}" for name in row.members)
    return f"Identified patient: {row.identified_patient_name}\nMembers:{members}"


UNIT_COLUMNS: tuple[Column[ClientListRow], ...] = (
    Column("Ref", lambda r: r.ref),
    # By last name, as a paper file is kept; the name reads first name first.
    Column("Name", lambda r: r.name, lambda r: r.sort_name, tooltip=_patient_tip),
    Column("Kind", lambda r: KIND_LABELS[r.kind]),
    Column("Status", lambda r: r.status),
    Column("Balance", lambda r: money_text(r.owed), lambda r: r.owed, numeric=True),
    Column(
        "Credit", lambda r: money_text(r.credit, blank_zero=True), lambda r: r.credit, numeric=True
    ),
    Column(
        "Last session",
        lambda r: format_date(r.last_session),
        lambda r: r.last_session,
        numeric=True,
    ),
    Column("Usual fee", lambda r: money_text(r.default_fee), lambda r: r.default_fee, numeric=True),
)
NAME_COLUMN = 1


def _search_text(row: ClientListRow) -> str:
    return f"{row.ref} {row.name} {row.identified_patient_name} {' '.join(row.members)}"


class Showing(Enum):
    """Which units the list shows (the filter beside the search box)."""

    CLIENTS = "Clients, couples and families"
    GROUPS = "Couples and families"
    EVERYONE = "Everyone, members on their own too"

    def shows(self, row: ClientListRow, searching: bool) -> bool:
        if self is Showing.GROUPS:
            return row.kind != UnitKind.INDIVIDUAL
        # A member with no account of their own is found by a search, not listed twice.
        return self is Showing.EVERYONE or searching or not row.member_only


def count_text(rows: Sequence[ClientListRow], people: int) -> str:
    """ "26 clients, 4 couples, 1 family (33 people)": each unit once, each person once."""
    kinds = Counter(row.kind for row in rows if not row.member_only)
    parts = [
        _plural(kinds[kind], noun)
        for kind, noun in (
            (UnitKind.INDIVIDUAL, "client"),
            (UnitKind.COUPLE, "couple"),
            (UnitKind.FAMILY, "family"),
        )
        if kinds[kind] or kind == UnitKind.INDIVIDUAL
    ]
    if len(parts) == 1:  # individuals only: each client is one person
        return parts[0]
    return f"{', '.join(parts)} ({_plural(people, 'person')})"


def _plural(n: int, noun: str) -> str:
    plural = {"family": "families", "person": "people"}.get(noun, noun + "s")
    return f"{n} {noun if n == 1 else plural}"


class ClientsPage(Page):
    page_id = "clients"
    topics = frozenset(
        {Topic.CLIENTS, Topic.SESSIONS, Topic.MONEY, Topic.DOCUMENTS, Topic.CLAIMS, Topic.PRACTICE}
    )

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.model: RowsModel[ClientListRow] = RowsModel(
            UNIT_COLUMNS, muted=lambda r: not r.active, search_text=_search_text
        )
        self.proxy = SearchProxy(self.model)
        self.stack = QStackedWidget()
        self.list_view = self._build_list()
        self.stack.addWidget(self.list_view)
        self._detail: ClientDetailView | None = None
        self._rows: tuple[ClientListRow, ...] = ()
        self._people = 0
        self._searching = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    @property
    def detail(self) -> ClientDetailView:
        """One client's page, built when first opened (the list alone shows sooner)."""
        if self._detail is None:
            from desktop.ui.pages.client_detail import ClientDetailView

            self._detail = ClientDetailView(self.runner)
            self._detail.back.connect(self.show_list)
            self.stack.addWidget(self._detail)
            for key in ("Esc", "Alt+Left"):
                shortcut = QShortcut(QKeySequence(key), self._detail)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(self.show_list)
        return self._detail

    def _build_list(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        self.search = QLineEdit()
        self.search.setObjectName("client_search")
        self.search.setPlaceholderText("Search by name or reference  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._open_first)
        self.search.installEventFilter(self)
        bar.addWidget(self.search, 2)
        self.showing = QComboBox()
        self.showing.setObjectName("client_filter")
        for choice in Showing:
            self.showing.addItem(choice.value, choice)
        self.showing.currentIndexChanged.connect(lambda _i: self._show_rows())
        bar.addWidget(self.showing)
        self.show_inactive = QCheckBox("Show inactive")
        self.show_inactive.toggled.connect(lambda _on: self.reload())
        bar.addWidget(self.show_inactive)
        bar.addStretch(1)
        group_button = QPushButton("New couple or family")
        menu = QMenu(group_button)
        menu.addAction("New couple…", lambda: self.new_group(UnitKind.COUPLE))
        menu.addAction("New family…", lambda: self.new_group(UnitKind.FAMILY))
        group_button.setMenu(menu)
        bar.addWidget(group_button)
        new_button = QPushButton("New client…")
        new_button.setObjectName("new_client")
        new_button.setToolTip("Add a client (Ctrl+N)")
        new_button.clicked.connect(self.new_client)
        bar.addWidget(new_button)
        layout.addLayout(bar)
        self.table = make_table(self.proxy, stretch_column=NAME_COLUMN)
        self.table.setObjectName("clients_table")
        self.table.sortByColumn(NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)  # double-click, Enter
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("client_count")
        style.muted(self.count)
        layout.addWidget(self.count)
        return panel

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        # The open client's page is read with the list: one read for the whole page.
        showing = self._detail if self.stack.currentWidget() is self._detail else None
        view = self.runner.read(
            clients_page_view,
            include_inactive=self.show_inactive.isChecked(),
            open_unit_id=showing.unit.unit_id if showing and showing.unit else None,
            parent=self,
        )
        if view is None:
            return
        self._rows, self._people = view.units, view.people
        self._show_rows()
        if showing is not None and showing.unit is not None:
            if view.open_unit is None:
                self.show_list()  # that client is no longer in the file
            else:
                showing.show(view.open_unit)

    def clear(self) -> None:
        self.show_list()
        self.search.clear()
        self.model.clear()
        self._rows, self._people = (), 0
        if self._detail is not None:
            self._detail.clear()
        self.count.clear()

    def focus_search(self) -> None:
        self.show_list()
        self.search.setFocus()
        self.search.selectAll()

    # --- list ------------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        searching = bool(text.strip())
        if searching != self._searching:  # members on their own join or leave the list
            self._show_rows()
        self.proxy.set_search(text)
        self._show_count()

    def _show_rows(self) -> None:
        selected = self.selected_unit_id()
        showing: Showing = self.showing.currentData()
        self._searching = bool(self.search.text().strip())
        self.model.set_rows([r for r in self._rows if showing.shows(r, self._searching)])
        self._show_count()
        if selected is not None:
            self.select_unit(selected)

    def _show_count(self) -> None:
        counted = count_text(self._rows, self._people)
        if self._searching:
            counted = f"{self.proxy.rowCount()} of {counted}"
        self.count.setText(counted)

    def selected_unit_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()).unit_id if rows else None

    def select_unit(self, unit_id: int) -> bool:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).unit_id == unit_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box moves into the results, as in a browser's address bar.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.proxy.rowCount()
        ):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _activated(self, index: QModelIndex) -> None:
        self.open_unit(self.proxy.row_at(index.row()).unit_id)

    def _open_first(self) -> None:
        if self.proxy.rowCount() == 1:
            self.open_unit(self.proxy.row_at(0).unit_id)
        elif self.proxy.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_view)
        self.table.setFocus()

    def open_unit(self, unit_id: int) -> None:
        if self.detail.show_unit(unit_id):
            self.stack.setCurrentWidget(self.detail)

    # --- commands --------------------------------------------------------------------------

    # The dialogs (and the catalogue they need) load when first used, not with the
    # list: this page is the first the window shows.
    def new_client(self) -> None:
        from desktop.services.practice import catalog
        from desktop.ui.dialogs.client import ClientDialog

        services = self.runner.read(catalog.list_services, parent=self)
        payers = self.runner.read(catalog.list_payers, parent=self)
        if services is None or payers is None:
            return
        dialog = ClientDialog(self, self.runner, services, payers)
        if dialog.exec() and dialog.result_value is not None:
            self.show_list()
            self.search.clear()
            self.select_unit(dialog.result_value.unit_id)

    def new_group(self, kind: UnitKind) -> None:
        from desktop.services.practice import catalog
        from desktop.ui.dialogs.unit import UnitDialog

        clients = self.runner.read(list_clients, parent=self)
        services = self.runner.read(catalog.list_services, parent=self)
        if clients is None or services is None:
            return
        dialog = UnitDialog(self, self.runner, clients, services, kind=kind)
        if dialog.exec() and dialog.result_value is not None:
            self.open_unit(dialog.result_value.unit_id)

    handlers: ClassVar = {PageCommand.NEW_CLIENT: new_client}
