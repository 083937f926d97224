"""Sessions, a week at a time: record, change and void them by keyboard.

Alt+Left / Alt+Right move a week, Alt+Home comes back to this week; Enter on a
row changes it, Delete voids it (with a reason).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import ClassVar

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from desktop.domain.months import week_of
from desktop.services.books import recurring
from desktop.services.books.sessions import SessionRow, void_session
from desktop.services.books.views import sessions_page_view
from desktop.services.changes import Topic
from desktop.services.clients.units import list_units
from desktop.services.practice import catalog
from desktop.ui import style
from desktop.ui.dialogs.money_actions import VoidDialog
from desktop.ui.dialogs.session import SessionDialog
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.widgets.buttons import shortcut_button
from desktop.ui.widgets.tables import make_table


def _status(row: SessionRow) -> str:
    return f"Void: {row.void_reason}" if row.voided else row.status.label


SESSION_COLUMNS: tuple[Column[SessionRow], ...] = (
    Column(
        "Date",
        lambda r: f"{r.service_date:%a} {format_date(r.service_date)}",
        lambda r: (r.service_date, r.start_time or time.min),
    ),
    Column("Time", lambda r: r.start_time.strftime("%H:%M") if r.start_time else "", numeric=True),
    Column("Client", lambda r: r.unit_name, tooltip=lambda r: r.unit_ref),
    Column("Service", lambda r: r.service_code + (f" +{r.addon_code}" if r.addon_code else "")),
    Column("Min", lambda r: str(r.minutes or ""), lambda r: r.minutes or 0, numeric=True),
    Column("POS", lambda r: r.place_of_service),
    Column("Mod", lambda r: r.modifiers),
    Column("Status", _status),
    Column("Fee", lambda r: money_text(r.fee), lambda r: r.fee, numeric=True),
    Column("Charged", lambda r: money_text(r.charged), lambda r: r.charged, numeric=True),
)
CLIENT_COLUMN = 2


class SessionsPage(Page):
    page_id = "sessions"
    topics = frozenset({Topic.CLIENTS, Topic.SESSIONS, Topic.MONEY, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.monday = week_of(date.today())
        self.model: RowsModel[SessionRow] = RowsModel(SESSION_COLUMNS, muted=lambda r: r.voided)
        self.proxy = SearchProxy(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        self.previous = shortcut_button(self, "‹ Previous week", "Alt+Left", self.previous_week)
        self.today = shortcut_button(self, "This week", "Alt+Home", self.this_week)
        self.next = shortcut_button(self, "Next week ›", "Alt+Right", self.next_week)
        self.week_label = QLabel()
        self.week_label.setObjectName("week_label")
        self.week_label.setFont(style.title_font(self.week_label.font(), 1.15))
        for widget in (self.previous, self.today, self.next):
            bar.addWidget(widget)
        bar.addSpacing(style.SECTION_SPACING)
        bar.addWidget(self.week_label, 1)
        self.recurring_button = shortcut_button(
            self, "Record regular sessions…", "Ctrl+Shift+R", self.record_recurring
        )
        bar.addWidget(self.recurring_button)
        self.edit_button = shortcut_button(self, "Change…", "", self.edit_selected)
        self.void_button = shortcut_button(self, "Void…", "Del", self.void_selected)
        self.new_button = shortcut_button(self, "Record session…", "", self.new_session)
        self.new_button.setToolTip("Record a session (Ctrl+R)")
        for widget in (self.edit_button, self.void_button, self.new_button):
            bar.addWidget(widget)
        layout.addLayout(bar)
        self.table = make_table(self.proxy, stretch_column=CLIENT_COLUMN)
        self.table.setObjectName("sessions_table")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setObjectName("week_summary")
        style.muted(self.summary)
        layout.addWidget(self.summary)

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        sunday = self.monday + timedelta(days=6)
        self.week_label.setText(f"Week of {format_date(self.monday)} – {format_date(sunday)}")
        view = self.runner.read(sessions_page_view, self.monday, parent=self)
        if view is None:
            return
        self.model.set_rows(view.sessions)
        live = len(view.live)
        noun = "session" if live == 1 else "sessions"
        self.summary.setText(f"{live} {noun} · charged {money_text(view.charged)}")

    def clear(self) -> None:
        self.model.clear()
        self.summary.clear()

    def focus_search(self) -> None:
        self.table.setFocus()

    # --- week ------------------------------------------------------------------------------

    def show_week(self, monday: date) -> None:
        self.monday = week_of(monday)
        self.reload()

    def previous_week(self) -> None:
        self.show_week(self.monday - timedelta(days=7))

    def next_week(self) -> None:
        self.show_week(self.monday + timedelta(days=7))

    def this_week(self) -> None:
        self.show_week(date.today())

    # --- actions ---------------------------------------------------------------------------

    def selected(self) -> SessionRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _activated(self, index: QModelIndex) -> None:
        self.edit_selected()

    def _lists(self) -> tuple[list, list] | None:
        units = self.runner.read(list_units, parent=self)
        services = self.runner.read(catalog.list_services, parent=self)
        return None if units is None or services is None else (units, services)

    def new_session(self, unit_id: int | None = None) -> None:
        if (lists := self._lists()) is None:
            return
        today = date.today()
        on = today if week_of(today) == self.monday else self.monday
        dialog = SessionDialog(self, self.runner, *lists, unit_id=unit_id, on=on)
        if dialog.exec() and dialog.result_value is not None:
            self.show_week(dialog.result_value.service_date)

    def record_recurring(self) -> None:
        """Record this week's regular slots that have no session yet, after a confirmation."""
        slots = self.runner.read(recurring.due_in_week, self.monday, parent=self)
        if slots is None:
            return
        if not slots:
            self.runner.interaction.show_info(
                self, "Every regular session of this week is already recorded."
            )
            return
        names = "\n".join(f"{s.on:%a} {format_date(s.on)}  {s.unit_name}" for s in slots)
        noun = "session" if len(slots) == 1 else "sessions"
        question = f"Record {len(slots)} regular {noun} as attended?\n\n{names}"
        if self.runner.interaction.confirm(self, question, f"Record {len(slots)}"):
            self.runner.run(recurring.record_week, self.monday, parent=self)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None or (lists := self._lists()) is None:
            return
        if row.voided:
            self.runner.interaction.show_info(
                self, "This session was voided; record a new one instead."
            )
            return
        SessionDialog(self, self.runner, *lists, session=row).exec()

    def void_selected(self) -> None:
        row = self.selected()
        if row is None or row.voided:
            return
        what = f"the session of {format_date(row.service_date)} with {row.unit_name}"
        VoidDialog(
            self,
            self.runner,
            what,
            lambda reason: self.runner.attempt(void_session, row.id, reason),
        ).exec()

    handlers: ClassVar = {PageCommand.RECORD_SESSION: new_session}
