"""Claims: what needs following up today, every claim with its story, and payer history."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appeals import AppealLevel
from desktop.domain.kinds import ClaimStatus
from desktop.services.changes import Topic
from desktop.services.claims import tracking as claims
from desktop.services.claims.insights import PayerInsight
from desktop.services.claims.queue import QueueItem
from desktop.services.claims.tracking import ClaimDetail, ClaimEventRow, ClaimRow
from desktop.services.claims.views import claims_page_view
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.dialogs.claim import (
    ClaimNotesDialog,
    ClaimStatusDialog,
    SnoozeDialog,
    action_text,
)
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageContext
from desktop.ui.widgets.splitters import remember_splitter
from desktop.ui.widgets.tables import make_table

S = ClaimStatus
OPEN = "open"
ALL = "all"


def _days(item: QueueItem) -> str:
    return days_text(item.days, "{} overdue")


def days_text(days: int, past: str) -> str:
    """Days until a deadline in words: "3 days left", "today", or ``past`` filled with
    the days gone ("{} overdue" gives "1 day overdue")."""
    count = f"{abs(days)} {'day' if abs(days) == 1 else 'days'}"
    if days > 0:
        return f"{count} left"
    return "today" if days == 0 else past.format(count)


def _share(value: object) -> str:
    return "" if value is None else f"{value * 100:.0f}%"  # type: ignore[operator]


def service_text(row: ClaimRow) -> str:
    if row.first_service_date == row.last_service_date:
        return format_date(row.first_service_date)
    return f"{format_date(row.first_service_date)} – {format_date(row.last_service_date)}"


def superbill_text(row: ClaimRow) -> str:
    return row.superbill if row.line_no is None else f"{row.superbill} line {row.line_no}"


def _search_text(row: ClaimRow) -> str:
    return f"{superbill_text(row)} {row.client} {row.client_ref} {row.payer} {row.claim_number}"


QUEUE_COLUMNS: tuple[Column[QueueItem], ...] = (
    Column("Due", lambda i: format_date(i.due), lambda i: i.due, numeric=True),
    Column("When", _days, lambda i: i.days, numeric=True),
    Column("What", lambda i: i.kind.label),
    Column("Client", lambda i: i.client),
    Column("Payer", lambda i: i.payer),
    Column("To do", lambda i: i.text, tooltip=lambda i: f"{i.superbill}: {i.text}"),
)
CLAIM_COLUMNS: tuple[Column[ClaimRow], ...] = (
    Column("Superbill", superbill_text),
    Column("Client", lambda r: r.client),
    Column("Payer", lambda r: r.payer),
    Column("Service", service_text, lambda r: r.first_service_date, numeric=True),
    Column("Billed", lambda r: money_text(r.billed), lambda r: r.billed, numeric=True),
    Column("Status", lambda r: r.step),
    Column("Reimbursed", lambda r: money_text(r.reimbursed), lambda r: r.reimbursed, numeric=True),
)
PAYER_COLUMNS: tuple[Column[PayerInsight], ...] = (
    Column("Payer", lambda p: p.payer),
    Column("Claims", lambda p: str(p.claims), lambda p: p.claims, numeric=True),
    Column(
        "Reimbursed",
        lambda p: _share(p.share_reimbursed),
        lambda p: p.share_reimbursed,
        numeric=True,
        tooltip=lambda p: f"{money_text(p.reimbursed)} of {money_text(p.billed)} billed",
    ),
    Column(
        "Days to pay",
        lambda p: "" if p.median_days_to_pay is None else str(p.median_days_to_pay),
        lambda p: p.median_days_to_pay,
        numeric=True,
        tooltip=lambda p: (
            f"Median from submission to payment; the payer's usual "
            f"days to pay is set to {p.usual_days_to_pay}."
        ),
    ),
    Column("Denial rate", lambda p: _share(p.denial_rate), lambda p: p.denial_rate, numeric=True),
    Column("Denied for", lambda p: p.reasons_text, tooltip=lambda p: p.reasons_text),
)
EVENT_COLUMNS: tuple[Column[ClaimEventRow], ...] = (
    Column("Date", lambda e: format_date(e.event_date), lambda e: (e.event_date, e.id)),
    Column(
        "Step",
        # A note (such as a corrected superbill) leaves the status as it was.
        lambda e: e.to_status.label if e.is_step else "Note",
        tooltip=lambda e: (
            f"From {e.from_status.label.lower()}" if e.from_status and e.is_step else ""
        ),
    ),
    Column("Note", lambda e: e.note, tooltip=lambda e: e.note),
)


def appeal_text(c: ClaimRow) -> str:
    """The appeal chain on one line: the step taken and when, then the one open and its
    deadline ("First-level appeal sent 06/02/2026; external review due by 10/20/2026")."""
    parts = []
    if c.appeal_level is not AppealLevel.NONE:
        parts.append(f"{c.appeal_level.label} sent {format_date(c.appeal_date)}")
    if c.next_step is not None:
        due = f" due by {format_date(c.appeal_deadline)}" if c.appeal_deadline else ""
        label = c.next_step.label if not parts else c.next_step.label.lower()
        parts.append(f"{label}{due}")
    elif c.status is ClaimStatus.DENIED and c.appeal_level is AppealLevel.EXTERNAL:
        parts.append("the review's decision is final")
    return "; ".join(parts)


DETAIL_FIELDS = (
    ("service", "Service"),
    ("billed", "Billed"),
    ("claim_number", "Claim number"),
    ("submitted", "Submitted"),
    ("filing", "Filing deadline"),
    ("allowed", "Allowed"),
    ("reimbursed", "Reimbursed"),
    ("eob", "EOB date"),
    ("denial", "Denied for"),
    ("appeal", "Appeal"),
    ("snoozed", "Snoozed until"),
    ("notes", "Notes"),
)


def _box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setSpacing(style.SPACING)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class ClaimDetailView(QWidget):
    """One claim: its fields, the steps it may take next, and its history."""

    def __init__(self, page: ClaimsPage) -> None:
        super().__init__()
        self.page = page
        self.detail: ClaimDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(style.SPACING)
        self.title = QLabel("Choose a claim")
        self.title.setObjectName("claim_title")
        self.title.setFont(style.title_font(self.title.font(), 1.2))
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("claim_subtitle")
        # The follow-up's to-do in full, when the claim was chosen from that list.
        self.todo = QLabel()
        self.todo.setObjectName("claim_todo")
        self.todo.setWordWrap(True)
        self.todo.hide()
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.todo)
        form = QFormLayout()
        form.setVerticalSpacing(style.SPACING // 2)
        form.setHorizontalSpacing(style.SPACING * 2)
        self.values: dict[str, QLabel] = {}
        for key, text in DETAIL_FIELDS:
            value = QLabel()
            value.setObjectName(f"claim_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(text, value)
            self.values[key] = value
        layout.addLayout(form)
        # Steps the claim may take, three to a row, the rest below: the pane stays narrow
        # enough for the lists beside it to keep their columns in a 1280-pixel window.
        self.actions = QGridLayout()
        self.actions.setSpacing(style.SPACING)
        layout.addLayout(self.actions)
        self.more = QHBoxLayout()
        self.more.setSpacing(style.SPACING)
        layout.addLayout(self.more)
        self.buttons: dict[str, QPushButton] = {}
        self.history: RowsModel[ClaimEventRow] = RowsModel(EVENT_COLUMNS)
        self.history_table = make_table(self.history, stretch_column=2, sortable=False)
        self.history_table.setObjectName("claim_history")
        # A claim's story is a handful of steps in a narrow pane: its notes wrap, whole.
        self.history_table.setWordWrap(True)
        self.history_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(_box("History", self.history_table), 1)

    def show_todo(self, text: str) -> None:
        self.todo.setText(f"To do: {text}" if text else "")
        self.todo.setVisible(bool(text))

    def show_detail(self, detail: ClaimDetail | None) -> None:
        self.detail = detail
        self._clear_buttons()
        if detail is None:
            self.show_todo("")
            self.title.setText("Choose a claim")
            self.subtitle.clear()
            for label in self.values.values():
                label.clear()
            self.history.clear()
            return
        c = detail.claim
        self.title.setText(f"{superbill_text(c)} — {c.client}")
        self.subtitle.setText(f"{c.payer} · {c.step}")
        denial = ""
        if c.denial_reason is not None:
            denial = c.denial_reason.label + (f": {c.denial_note}" if c.denial_note else "")
        appeal = appeal_text(c)
        filing = format_date(c.filing_deadline)
        if c.filing_days_left is not None:
            filing += f" ({days_text(c.filing_days_left, 'passed {} ago')})"
        values = {
            "service": service_text(c),
            "billed": money_text(c.billed),
            "claim_number": c.claim_number,
            "submitted": format_date(c.submitted_on),
            "filing": filing,
            "allowed": money_text(c.allowed),
            "reimbursed": money_text(c.reimbursed),
            "eob": format_date(c.eob_date),
            "denial": denial,
            "appeal": appeal,
            "snoozed": format_date(c.snoozed_until),
            "notes": c.notes,
        }
        for key, label in self.values.items():
            label.setText(values[key] or "—")
        self.history.set_rows(detail.events)
        for status in c.next_statuses:
            self._add_button(
                status.value, action_text(c, status), lambda _=False, s=status: self.page.move(s)
            )
        if c.is_open:
            self._add_button("snooze", "Snooze…", lambda _=False: self.page.snooze(), self.more)
        self._add_button("notes", "Notes…", lambda _=False: self.page.edit_notes(), self.more)
        self.more.addStretch(1)

    def _add_button(
        self, name: str, text: str, slot: object, row: QHBoxLayout | None = None
    ) -> None:
        button = QPushButton(text)
        button.setObjectName(f"claim_action_{name}")
        button.clicked.connect(slot)
        if row is None:
            placed = self.actions.count()
            self.actions.addWidget(button, placed // ACTIONS_PER_ROW, placed % ACTIONS_PER_ROW)
        else:
            row.addWidget(button)
        self.buttons[name] = button

    def _clear_buttons(self) -> None:
        for row in (self.actions, self.more):
            while row.count():
                item = row.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.buttons.clear()


ACTIONS_PER_ROW = 3


class ClaimsPage(Page):
    page_id = "claims"
    topics = frozenset({Topic.CLIENTS, Topic.DOCUMENTS, Topic.CLAIMS, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.claim_id: int | None = None
        self._claims: list[ClaimRow] = []
        self.queue: RowsModel[QueueItem] = RowsModel(QUEUE_COLUMNS)
        # The queue keeps the service's order: most urgent first.
        self.queue_table = make_table(
            self.queue, stretch_column=5, optional=(0, 4), sortable=False
        )  # the days left say when; the payer is in the claim's pane
        self.queue_table.setObjectName("claims_queue")
        self.model: RowsModel[ClaimRow] = RowsModel(
            CLAIM_COLUMNS, muted=lambda r: not r.is_open, search_text=_search_text
        )
        self.proxy = SearchProxy(self.model)
        # Narrow, the claim's pane tells what the hidden columns did.
        self.table = make_table(self.proxy, stretch_column=1, optional=(6, 2))
        self.table.setObjectName("claims_table")
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # latest service first
        self.payers: RowsModel[PayerInsight] = RowsModel(PAYER_COLUMNS)
        self.payers_table = make_table(
            self.payers, stretch_column=len(PAYER_COLUMNS) - 1, optional=(3,)
        )
        self.payers_table.setObjectName("payer_insights")
        self.payers_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.detail = ClaimDetailView(self)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        outer.setSpacing(style.SPACING)
        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("queue_heading")
        self.heading.setFont(style.title_font(self.heading.font(), 1.2))
        top.addWidget(self.heading, 1)
        self.start_button = QPushButton()
        self.start_button.setObjectName("start_claims")
        self.start_button.clicked.connect(self.start_missing)
        top.addWidget(self.start_button)
        outer.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(style.SPACING)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem("Open claims", OPEN)
        self.status_filter.addItem("All claims", ALL)
        for status in ClaimStatus:
            self.status_filter.addItem(status.label, status.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._show_claims())
        self.payer_filter = QComboBox()
        self.payer_filter.setObjectName("payer_filter")
        self.payer_filter.currentIndexChanged.connect(lambda _i: self._show_claims())
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search client, superbill or claim number  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.payer_filter)
        filters.addWidget(self.search, 1)
        claims_panel = QWidget()
        claims_layout = QVBoxLayout(claims_panel)
        claims_layout.setContentsMargins(0, 0, 0, 0)
        claims_layout.addLayout(filters)
        claims_layout.addWidget(self.table, 1)

        # One list at a time, each the full width (the follow-up list first), and the
        # claim's pane beside them only once a claim is chosen, as in a password
        # manager's entry list: nothing is squeezed into a quarter of the window.
        self.lists = QTabWidget()
        self.lists.setObjectName("claim_lists")
        self.lists.setDocumentMode(True)
        self.lists.addTab(self.queue_table, "Follow up")
        self.lists.addTab(claims_panel, "All claims")
        self.lists.addTab(self.payers_table, "What each payer has done")
        self.detail_box = _box("Claim", self.detail)
        self.detail_box.setObjectName("claim_pane")
        self.detail_box.hide()  # until a claim is chosen
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("claims_split")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.lists)
        self.split.addWidget(self.detail_box)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([800, 360])
        remember_splitter(self.split, "claims/split")
        outer.addWidget(self.split, 1)

        self.queue_table.selectionModel().selectionChanged.connect(self._queue_selected)
        self.table.selectionModel().selectionChanged.connect(self._claim_selected)

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        view = self.runner.read(claims_page_view, date.today(), self.claim_id, parent=self)
        if view is None:
            return
        queue = view.queue
        self.queue.set_rows(queue)
        self.heading.setText(
            f"Follow up: {len(queue)} item{'s' if len(queue) != 1 else ''}"
            if queue
            else "Nothing to follow up today"
        )
        startable = view.startable
        self.start_button.setText(
            f"Start claims for {startable} new superbill{'s' if startable != 1 else ''}"
        )
        self.start_button.setVisible(startable > 0)
        self._claims = list(view.claims)
        self._fill_payers()
        self._show_claims()
        self.payers.set_rows(view.insights)
        self.lists.setTabText(0, f"Follow up ({len(queue)})" if queue else "Follow up")
        self.show_detail(view.chosen)
        self.detail.show_todo("")  # the claim has moved on; its row in the list says what next

    def clear(self) -> None:
        self.claim_id = None
        self._claims = []
        self.queue.clear()
        self.model.clear()
        self.payers.clear()
        self.show_detail(None)
        self.heading.clear()
        self.search.clear()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- lists -----------------------------------------------------------------------------

    def _fill_payers(self) -> None:
        chosen = self.payer_filter.currentData()
        names = sorted({(r.payer, r.payer_id) for r in self._claims})
        self.payer_filter.blockSignals(True)
        self.payer_filter.clear()
        self.payer_filter.addItem("All payers", None)
        for name, payer_id in names:
            self.payer_filter.addItem(name, payer_id)
        index = self.payer_filter.findData(chosen)
        self.payer_filter.setCurrentIndex(max(index, 0))
        self.payer_filter.blockSignals(False)

    def _show_claims(self) -> None:
        status = self.status_filter.currentData()
        payer_id = self.payer_filter.currentData()
        shown = [
            r
            for r in self._claims
            if (status == ALL or (status == OPEN and r.is_open) or r.status.value == status)
            and (payer_id is None or r.payer_id == payer_id)
        ]
        self.model.set_rows(shown)
        if self.claim_id is not None:
            self._select_in_table(self.claim_id)

    def _select_in_table(self, claim_id: int) -> None:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).id == claim_id:
                self.table.blockSignals(True)
                self.table.selectRow(row)
                self.table.blockSignals(False)
                return

    def _queue_selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self.queue_table.selectionModel().selectedRows()
        if rows:
            item = self.queue.row_at(rows[0].row())
            if item.claim_id is not None:
                self.open_claim(item.claim_id)
                self.detail.show_todo(item.text)

    def _claim_selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_claim(self.proxy.row_at(rows[0].row()).id)
            self.detail.show_todo("")

    def open_claim(self, claim_id: int) -> None:
        if claim_id != self.claim_id:
            self.claim_id = claim_id
            self._show_claim(claim_id)

    def _show_claim(self, claim_id: int | None) -> None:
        detail = None
        if claim_id is not None:
            detail = self.runner.read(claims.get_claim, claim_id, parent=self)
        self.show_detail(detail)

    def show_detail(self, detail: ClaimDetail | None) -> None:
        """Show the claim in the pane beside the lists; no claim, no pane."""
        self.detail.show_detail(detail)
        self.detail_box.setVisible(detail is not None)

    def selected_detail(self) -> ClaimDetail | None:
        return self.detail.detail

    # --- actions ---------------------------------------------------------------------------

    def start_missing(self) -> None:
        made = self.runner.run(claims.start_missing_claims, parent=self)
        if made:
            self.context.interaction.show_info(
                self, f"Started {len(made)} claim{'s' if len(made) != 1 else ''}."
            )

    def move(self, target: ClaimStatus) -> None:
        detail = self.selected_detail()
        if detail is not None:
            self._exec(ClaimStatusDialog(self, self.runner, detail, target))

    def snooze(self) -> None:
        detail = self.selected_detail()
        if detail is not None:
            self._exec(SnoozeDialog(self, self.runner, detail))

    def edit_notes(self) -> None:
        detail = self.selected_detail()
        if detail is not None:
            self._exec(ClaimNotesDialog(self, self.runner, detail))

    def _exec(self, dialog: FormDialog[object]) -> None:
        dialog.exec()
        dialog.deleteLater()
