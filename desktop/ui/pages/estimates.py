"""Good Faith Estimates: every current estimate with its deadline, what has been billed
against it and where it stands; issue a new one, print or save one as issued, correct one.

An estimate is kept as issued: Print and Save as PDF hand out the stored bytes, and a
correction is a new version that replaces the old one in this list (the old one stays
in the file, and in the Superbills page's list of every document). Above the list,
when there are any, the estimates owed and not yet given, each with its deadline:
Enter gives one (the dialog opens with its dates).
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.services.changes import Topic
from desktop.services.clients.units import UnitRow, list_units
from desktop.services.documents.store import reprint
from desktop.services.estimates.follow import EXPIRING_DAYS, CurrentEstimate
from desktop.services.estimates.meter import DISPUTE_THRESHOLD
from desktop.services.estimates.owed import OwedEstimate, close_owed
from desktop.services.estimates.views import estimates_page_view
from desktop.ui import style
from desktop.ui.dialogs.estimate import CloseOwedDialog, EstimateDialog
from desktop.ui.document_output import DocumentOutput
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.widgets.tables import make_table

STATUS_TEXT = {
    "expired": "Expired",
    "dispute-eligible": "Dispute eligible",
    "over": "Over",
    "scope-changed": "Scope changed",
    "expiring": "Expiring",
    "late": "Late",
    "issued": "Issued",
}
ALL, NEEDING_ACTION = "all", "action"


def status_text(row: CurrentEstimate) -> str:
    """The status word, flagged with ⚠ when it needs action (not by color alone)."""
    word = STATUS_TEXT.get(row.status, row.status)
    return f"⚠ {word}" if row.needs_action else word


def status_tip(row: CurrentEstimate) -> str:
    """Where the estimate stands, and what to do about it, in a sentence."""
    over = money_text(row.over_by)
    if row.status == "expired":
        if not row.client_active:
            return f"Ended {format_date(row.period_end)}; the client is no longer seen."
        return (
            f"Ended {format_date(row.period_end)}. Sessions go on: issue a new estimate "
            "for the months ahead."
        )
    if row.status == "dispute-eligible":
        until = f" until {format_date(row.dispute_until)}" if row.dispute_until else ""
        return (
            f"Billed {over} over the estimate. At {money_text(DISPUTE_THRESHOLD)} or more over, "
            f"the client may start the patient-provider dispute process{until}."
        )
    if row.status == "over" and row.dispute_until is not None:
        return (
            f"Billed {over} over the estimate. The client's 120 days to start a dispute "
            f"ended {format_date(row.dispute_until)}."
        )
    if row.status == "over":
        return (
            f"Billed {over} over the estimate, past the practice's warning line. Issue a "
            f"corrected version before it reaches {money_text(DISPUTE_THRESHOLD)} over."
        )
    if row.status == "scope-changed":
        first = row.scope_notes[0] if row.scope_notes else "see the sessions billed"
        return (
            f"The services billed have changed from this estimate: {first}. "
            "Issue a corrected version."
        )
    if row.status == "expiring":
        return (
            f"Ends {format_date(row.period_end)}, within {EXPIRING_DAYS} days: issue a corrected "
            "version to cover the months ahead."
        )
    if row.status == "late":
        return f"Given {format_date(row.issued_on)}, after it was due by {format_date(row.due_by)}."
    return "Nothing to do."


def _label_key(row: CurrentEstimate) -> tuple[str, int]:
    return row.number, row.version


COLUMNS: tuple[Column[CurrentEstimate], ...] = (
    Column("Client", lambda e: e.client_name, tooltip=lambda e: e.client_ref),
    Column("Estimate", lambda e: e.label, _label_key),
    Column(
        "First session",
        lambda e: format_date(e.first_service),
        lambda e: e.first_service,
        numeric=True,
    ),
    Column("Through", lambda e: format_date(e.period_end), lambda e: e.period_end, numeric=True),
    Column(
        "Due by",
        lambda e: format_date(e.due_by) or "—",
        lambda e: e.due_by,
        numeric=True,
        tooltip=lambda e: (
            "" if e.due_by else "No deadline: the first session was under 3 business days away"
        ),
    ),
    Column("Issued", lambda e: format_date(e.issued_on), lambda e: e.issued_on, numeric=True),
    Column("Total", lambda e: money_text(e.total), lambda e: e.total, numeric=True),
    Column("Billed", lambda e: money_text(e.billed), lambda e: e.billed, numeric=True),
    Column(
        "Over by",
        lambda e: money_text(e.over_by, blank_zero=True),
        lambda e: e.over_by,
        numeric=True,
    ),
    Column("Status", status_text, tooltip=status_tip, alert=lambda e: e.needs_action),
)
CLIENT_COLUMN = 0
OWED_ROWS_SHOWN = 3  # the owed list's height; more scroll


def owed_status_text(row: OwedEstimate) -> str:
    return "⚠ Overdue" if row.status == "overdue" else "⚠ Due"


def owed_status_tip(row: OwedEstimate) -> str:
    asked = "asked for it" if row.requested else "scheduled the first session"
    if row.due_by is None:
        return f"The client {asked} {format_date(row.scheduled_on)}; give it before the session."
    verb = "was due" if row.status == "overdue" else "is due"
    return (
        f"The client {asked} {format_date(row.scheduled_on)}; the estimate {verb} by "
        f"{format_date(row.due_by)}. Press Enter to give it."
    )


OWED_COLUMNS: tuple[Column[OwedEstimate], ...] = (
    Column("Client", lambda o: o.client_name, tooltip=lambda o: o.client_ref),
    Column(
        "Scheduled or asked",
        lambda o: format_date(o.scheduled_on) + (" (asked)" if o.requested else ""),
        lambda o: o.scheduled_on,
        numeric=True,
    ),
    Column(
        "First session",
        lambda o: format_date(o.first_service),
        lambda o: o.first_service,
        numeric=True,
    ),
    Column(
        "Due by",
        lambda o: format_date(o.due_by) or "Before the session",
        lambda o: o.due_by or o.first_service,
        numeric=True,
    ),
    Column("Status", owed_status_text, tooltip=owed_status_tip, alert=lambda o: True),
)


def _file_name(row: CurrentEstimate) -> str:
    """GFE-2026-0001, or GFE-2026-0001-v2 for a later version."""
    return row.number + (f"-v{row.version}" if row.version > 1 else "")


class EstimatesPage(DocumentOutput, Page):
    page_id = "estimates"
    # Billing (money, sessions) moves the meter; a client leaving settles an expired one.
    topics = frozenset(
        {
            Topic.ESTIMATES,
            Topic.MONEY,
            Topic.SESSIONS,
            Topic.CLIENTS,
            Topic.DOCUMENTS,
            Topic.PRACTICE,
        }
    )

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.rows: tuple[CurrentEstimate, ...] = ()
        self.owed_rows: tuple[OwedEstimate, ...] = ()
        self.model: RowsModel[CurrentEstimate] = RowsModel(
            COLUMNS,
            search_text=lambda e: f"{e.client_name} {e.client_ref} {e.label} {e.status}",
        )
        self.proxy = SearchProxy(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        new = QPushButton("New estimate…")
        new.setObjectName("new_estimate")
        new.setToolTip("A Good Faith Estimate for a client (Ctrl+Shift+G)")
        new.clicked.connect(lambda: self.new_estimate())
        bar.addWidget(new)
        bar.addSpacing(style.SECTION_SPACING)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search clients and numbers")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.search.returnPressed.connect(self._select_first)
        bar.addWidget(self.search, 1)
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("estimates_filter")
        self.filter_box.addItem("Every current estimate", ALL)
        self.filter_box.addItem("Needing action", NEEDING_ACTION)
        self.filter_box.currentIndexChanged.connect(lambda _i: self._show_rows())
        bar.addWidget(self.filter_box)
        layout.addLayout(bar)
        layout.addWidget(self._owed_box())
        self.table = make_table(self.proxy, stretch_column=CLIENT_COLUMN)
        self.table.setObjectName("estimates_table")
        self.table.sortByColumn(CLIENT_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(lambda _index: self.open_client())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.setSpacing(style.SPACING)
        self.count = QLabel()
        self.count.setObjectName("estimates_count")
        actions.addWidget(self.count, 1)
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("The estimate exactly as issued")
        self.print_button.clicked.connect(self.print_selected)
        actions.addWidget(self.print_button)
        self.save_button = QPushButton("Save as PDF…")
        self.save_button.setToolTip("The estimate exactly as issued")
        self.save_button.clicked.connect(self.save_selected)
        actions.addWidget(self.save_button)
        self.correct_button = QPushButton("Issue a corrected version…")
        self.correct_button.setToolTip(
            "New dates, services or fees: the next version replaces this one; both are kept"
        )
        self.correct_button.clicked.connect(self.correct_selected)
        actions.addWidget(self.correct_button)
        layout.addLayout(actions)
        self._selection()

    def _owed_box(self) -> QGroupBox:
        self.owed_box = QGroupBox("Owed, not yet given")
        self.owed_box.setObjectName("owed_estimates")
        box = QHBoxLayout(self.owed_box)
        box.setSpacing(style.SPACING)
        self.owed_model: RowsModel[OwedEstimate] = RowsModel(OWED_COLUMNS)
        self.owed_table = make_table(self.owed_model, stretch_column=CLIENT_COLUMN)
        self.owed_table.setObjectName("owed_table")
        header = self.owed_table.horizontalHeader().height()
        row = self.owed_table.verticalHeader().defaultSectionSize()
        self.owed_table.setFixedHeight(header + row * OWED_ROWS_SHOWN + 4)
        self.owed_table.activated.connect(lambda _index: self.give_owed())
        box.addWidget(self.owed_table, 1)
        buttons = QVBoxLayout()
        self.give_button = QPushButton("Give the estimate…")
        self.give_button.setObjectName("give_owed")
        self.give_button.setToolTip("Open a new estimate with these dates (Enter)")
        self.give_button.clicked.connect(self.give_owed)
        buttons.addWidget(self.give_button)
        self.not_needed_button = QPushButton("Not needed…")
        self.not_needed_button.setToolTip("Close it with the reason, such as 'did not go ahead'")
        self.not_needed_button.clicked.connect(self.close_selected_owed)
        buttons.addWidget(self.not_needed_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.owed_box.setVisible(False)
        return self.owed_box

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        view = self.runner.read(estimates_page_view, parent=self)
        if view is None:
            return
        self.rows = view.estimates
        self.owed_rows = view.owed
        self.owed_model.set_rows(list(view.owed))
        self.owed_box.setVisible(bool(view.owed))
        self.owed_box.setTitle(
            f"Owed, not yet given ({len(view.owed)})" if view.owed else "Owed, not yet given"
        )
        self._show_rows()

    def _show_rows(self) -> None:
        chosen = self.selected()
        action = self.filter_box.currentData() == NEEDING_ACTION
        shown = [e for e in self.rows if e.needs_action] if action else list(self.rows)
        self.model.set_rows(shown)
        waiting = sum(1 for e in self.rows if e.needs_action) + len(self.owed_rows)
        noun = "estimate" if len(self.rows) == 1 else "estimates"
        text = f"{len(self.rows)} current {noun}"
        if self.owed_rows:
            text += f" · {len(self.owed_rows)} owed"
        if waiting:
            text += f" · {waiting} need{'s' if waiting == 1 else ''} action"
        self.count.setText(text)
        if chosen is not None:
            self.select_estimate(chosen.estimate_id)
        self._selection()

    def clear(self) -> None:
        self.rows = ()
        self.owed_rows = ()
        self.owed_model.clear()
        self.owed_box.setVisible(False)
        self.model.clear()
        self.count.clear()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _select_first(self) -> None:
        """Enter in the search box: on to the first estimate found, to print or correct it."""
        if self.proxy.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def selected(self) -> CurrentEstimate | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_estimate(self, estimate_id: int) -> None:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).estimate_id == estimate_id:
                self.table.selectRow(row)
                return

    def select_document(self, document_id: int) -> None:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).document_id == document_id:
                self.table.selectRow(row)
                return

    def _selection(self) -> None:
        chosen = self.selected() is not None
        for button in (self.print_button, self.save_button, self.correct_button):
            button.setEnabled(chosen)

    def open_client(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.context.navigator.open_unit(chosen.unit_id)

    # --- files and paper -------------------------------------------------------------------

    def save_selected(self) -> None:
        chosen = self.selected()
        pdf = self.runner.read(reprint, chosen.document_id, parent=self) if chosen else None
        if chosen is not None and pdf is not None:
            self.save_as(pdf, "Save as PDF", f"{_file_name(chosen)}.pdf")

    def print_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.runner.interaction.show_info(self, "Choose an estimate in the list to print.")
            return
        pdf = self.runner.read(reprint, chosen.document_id, parent=self)
        if pdf is not None:
            self.print_document(pdf, _file_name(chosen))

    # --- issuing ---------------------------------------------------------------------------

    def _units(self) -> list[UnitRow] | None:
        return self.runner.read(list_units, parent=self)

    def open_dialog(self, dialog: QDialog) -> bool:
        """Show the dialog (tests replace this and work the dialog themselves)."""
        return bool(dialog.exec())

    def new_estimate(self, unit_id: int | None = None) -> None:
        units = self._units()
        if units is None:
            return
        dialog = EstimateDialog(self, self.runner, units, unit_id=unit_id)
        if self.open_dialog(dialog) and dialog.issued is not None:
            self._issued(dialog)

    def selected_owed(self) -> OwedEstimate | None:
        rows = self.owed_table.selectionModel().selectedRows()
        if rows:
            return self.owed_model.row_at(rows[0].row())
        return self.owed_rows[0] if len(self.owed_rows) == 1 else None

    def give_owed(self) -> None:
        """A new estimate for the client owed one, with the dates noted."""
        owed = self.selected_owed()
        units = self._units()
        if owed is None or units is None:
            if owed is None:
                self.runner.interaction.show_info(self, "Choose the estimate owed in the list.")
            return
        dialog = EstimateDialog(self, self.runner, units, owed=owed)
        if self.open_dialog(dialog) and dialog.issued is not None:
            self._issued(dialog)

    def close_selected_owed(self) -> None:
        owed = self.selected_owed()
        if owed is None:
            self.runner.interaction.show_info(self, "Choose the estimate owed in the list.")
            return
        dialog = CloseOwedDialog(
            self,
            self.runner,
            owed.client_name,
            lambda reason: self.runner.attempt(close_owed, owed.owed_id, reason),
        )
        self.open_dialog(dialog)

    def correct_selected(self) -> None:
        chosen = self.selected()
        units = self._units()
        if chosen is None or units is None:
            return
        dialog = EstimateDialog(self, self.runner, units, correcting=chosen)
        if self.open_dialog(dialog) and dialog.issued is not None:
            self._issued(dialog)

    def _issued(self, dialog: EstimateDialog) -> None:
        issued = dialog.issued
        assert issued is not None
        self.filter_box.setCurrentIndex(0)
        self.refresh()
        self.select_document(issued.document.id)
        pdf = self.runner.read(reprint, issued.document.id, parent=self)
        if pdf is None:
            return
        text = f"Good Faith Estimate {issued.label} is issued and kept."
        if issued.late and issued.due_by is not None:
            text += f" It was due by {format_date(issued.due_by)}, so it is shown as late."
        name = issued.document.number + (
            f"-v{issued.document.version}" if issued.document.version > 1 else ""
        )
        self.offer(pdf, text, name)

    handlers: ClassVar = {PageCommand.NEW_ESTIMATE: new_estimate}
