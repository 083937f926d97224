"""Claim actions where a claim is met outside the Claims page: the client page's list of
the client's claims, and a menu for the superbill chosen in the superbill list.

Each action opens the same dialog as on the Claims page and runs as one action
through the runner, so every page showing claims refreshes afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import ClaimStatus
from desktop.services.claims import follow as claims_follow
from desktop.services.claims import tracking as claims
from desktop.services.claims.tracking import ClaimDetail, ClaimRow
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.dialogs.claim import (
    ACTION_TEXT,
    ClaimNotesDialog,
    ClaimStatusDialog,
    SnoozeDialog,
    action_text,
)
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.claims import service_text, superbill_text
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

S = ClaimStatus
# What each move records, in the words of the client page (the Claims page says it shorter).
RECORD_TEXT = {
    S.SUBMITTED: "Record submission…",
    S.IN_PROCESS: "In process…",
    S.PAID: "Record EOB: paid…",
    S.PARTLY_PAID: "Record EOB: partly paid…",
    S.DENIED: "Record denial…",
    S.APPEALED: "Record appeal…",
    S.CLOSED: "Close…",
}


def next_deadline(row: ClaimRow) -> tuple[date | None, str]:
    """The deadline that matters now: filing until submitted, then the appeal's."""
    if row.status is S.NOT_SUBMITTED:
        return row.filing_deadline, "filing"
    if row.next_step is not None and row.appeal_deadline is not None:
        return row.appeal_deadline, row.next_step.label.lower()
    return None, ""


def days_left_text(row: ClaimRow, today: date) -> str:
    due, _ = next_deadline(row)
    if due is None:
        return ""
    left = (due - today).days
    if left < 0:
        return f"{-left} overdue"
    return "today" if left == 0 else str(left)


def _deadline_text(row: ClaimRow) -> str:
    due, what = next_deadline(row)
    return f"{format_date(due)} ({what})" if due is not None else ""


def _days_key(row: ClaimRow) -> int:
    due, _ = next_deadline(row)
    return (due - date.today()).days if due is not None else 10**6


CLIENT_CLAIM_COLUMNS: tuple[Column[ClaimRow], ...] = (
    Column("Superbill", superbill_text),
    Column("Service", service_text, lambda r: r.first_service_date, numeric=True),
    Column("Payer", lambda r: r.payer),
    Column("Status", lambda r: r.status.label),
    Column("Billed", lambda r: money_text(r.billed), lambda r: r.billed, numeric=True),
    Column("Reimbursed", lambda r: money_text(r.reimbursed), lambda r: r.reimbursed, numeric=True),
    Column("Deadline", _deadline_text, lambda r: next_deadline(r)[0] or date.max, numeric=True),
    Column(
        "Days left",
        lambda r: days_left_text(r, date.today()),
        _days_key,
        numeric=True,
        tooltip=lambda r: "Until the insurer's filing limit" if r.status is S.NOT_SUBMITTED else "",
    ),
)


def open_on_claims_page(widget: QWidget, claim_id: int) -> bool:
    """Show the claim on the Claims page of the window ``widget`` is in.

    The window is asked by name (its ``page`` and ``show_page``, the pages'
    navigator), so a widget outside a main window (a test, a dialog) just says no.
    """
    window = widget.window()
    find = getattr(window, "page", None)
    page = find("claims") if callable(find) else None
    if page is None or not hasattr(page, "open_claim"):
        return False
    page.open_claim(claim_id)
    window.show_page("claims")  # type: ignore[attr-defined]
    return True


class ClaimCommands:
    """The actions on one claim, each through its dialog; shared by the client page and the
    superbill list."""

    def __init__(self, parent: QWidget, runner: ActionRunner) -> None:
        self.parent = parent
        self.runner = runner

    def _detail(self, claim_id: int) -> ClaimDetail | None:
        return self.runner.read(claims.get_claim, claim_id, parent=self.parent)

    def _exec(self, dialog: FormDialog[Any]) -> None:
        dialog.exec()
        dialog.deleteLater()

    def move(self, claim_id: int, target: ClaimStatus) -> None:
        if (detail := self._detail(claim_id)) is not None:
            self._exec(ClaimStatusDialog(self.parent, self.runner, detail, target))

    def snooze(self, claim_id: int) -> None:
        if (detail := self._detail(claim_id)) is not None:
            self._exec(SnoozeDialog(self.parent, self.runner, detail))

    def notes(self, claim_id: int) -> None:
        if (detail := self._detail(claim_id)) is not None:
            self._exec(ClaimNotesDialog(self.parent, self.runner, detail))

    def open(self, claim_id: int) -> None:
        if not open_on_claims_page(self.parent, claim_id):
            self.runner.interaction.show_info(self.parent, "The Claims page is not available here.")

    def split(self, claim_id: int) -> None:
        self.runner.run(claims_follow.split_by_line, claim_id, parent=self.parent)

    def fill_menu(self, menu: QMenu, row: ClaimRow) -> None:
        """Everything that can be done with ``row`` now, as menu entries."""
        for status in row.next_statuses:
            menu.addAction(action_text(row, status), lambda s=status: self.move(row.id, s))
        menu.addSeparator()
        if row.is_open:
            menu.addAction("Snooze…", lambda: self.snooze(row.id))
        menu.addAction("Notes…", lambda: self.notes(row.id))
        if row.status is S.NOT_SUBMITTED and row.line_no is None:
            menu.addAction("Follow each line as its own claim", lambda: self.split(row.id))
        menu.addAction("Open on the Claims page", lambda: self.open(row.id))


class ClaimActionsButton(QPushButton):
    """ "Claim" with a menu of what can be done with the claims of the superbill that
    ``document_id()`` returns (None: no superbill chosen); for the superbill list."""

    def __init__(self, runner: ActionRunner, document_id: Callable[[], int | None]) -> None:
        super().__init__("Claim")
        self.setObjectName("superbill_claim")
        self.setToolTip("Follow the out-of-network claim of the chosen superbill")
        self.runner = runner
        self._document_id = document_id
        self.commands = ClaimCommands(self, runner)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self.fill)

    def fill(self) -> None:
        """Build the menu for the superbill chosen now (Qt calls this as the menu opens)."""
        menu = self.menu()
        menu.clear()
        document_id = self._document_id()
        if document_id is None:
            menu.addAction("Choose a superbill first").setEnabled(False)
            return
        rows = self.runner.read(claims.claims_for_document, document_id, parent=self)
        if rows is None:
            return
        if not rows:
            menu.addAction("Start its claim", lambda: self._start(document_id, False))
            menu.addAction("Start a claim for each line", lambda: self._start(document_id, True))
            return
        if len(rows) == 1:
            self.commands.fill_menu(menu, rows[0])
            return
        for row in rows:
            sub = menu.addMenu(f"{superbill_text(row)} · {service_text(row)} · {row.status.label}")
            self.commands.fill_menu(sub, row)

    def _start(self, document_id: int, per_line: bool) -> None:
        self.runner.run(claims.start_claims, document_id, per_line=per_line, parent=self)


class ClientClaimsBox(QGroupBox):
    """The client's claims with their deadlines, and buttons for what the chosen one can
    do next."""

    def __init__(self, runner: ActionRunner) -> None:
        super().__init__("Claims")
        self.setObjectName("client_claims")
        self.runner = runner
        self.commands = ClaimCommands(self, runner)
        self.unit_id: int | None = None
        self.model: RowsModel[ClaimRow] = RowsModel(
            CLIENT_CLAIM_COLUMNS, muted=lambda r: not r.is_open
        )
        self.table = make_table(self.model, stretch_column=0, sortable=False)
        self.table.setObjectName("client_claims_table")
        # The claims have a tab of their own: the list takes its height and scrolls.
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(row_height * 4)
        self.table.activated.connect(lambda _index: self._open())  # Enter or double-click
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.empty = QLabel()
        self.empty.setObjectName("client_claims_empty")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(style.SPACING)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.setSpacing(style.SPACING)
        self.buttons: dict[str, QPushButton] = {}
        for status, text in RECORD_TEXT.items():
            self._button(row, status.value, text, lambda _=False, s=status: self._move(s))
        row.addStretch(1)
        self._button(row, "snooze", "Snooze…", lambda _=False: self._do(self.commands.snooze))
        self._button(row, "notes", "Notes…", lambda _=False: self._do(self.commands.notes))
        self._button(row, "open", "Open on the Claims page", lambda _=False: self._open())
        layout.addLayout(row)
        self._selection()

    def _button(self, row: QHBoxLayout, name: str, text: str, slot: Any) -> None:
        button = QPushButton(text)
        button.setObjectName(f"client_claim_{name}")
        button.clicked.connect(slot)
        row.addWidget(button)
        self.buttons[name] = button

    def show_claims(self, unit_id: int, rows: Sequence[ClaimRow]) -> None:
        """Show the unit's claims (read with the rest of its page), keeping the choice."""
        chosen = self.selected()
        self.unit_id = unit_id
        self.model.set_rows(rows)
        waiting = sum(1 for r in rows if r.is_open)
        self.setTitle(f"Claims ({waiting} open)" if rows else "Claims")
        self.empty.setText("" if rows else "No claims yet: issuing a superbill starts its claim.")
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.select(chosen.id if chosen is not None else (rows[0].id if rows else None))

    def clear(self) -> None:
        self.unit_id = None
        self.model.clear()
        self._selection()

    def select(self, claim_id: int | None) -> None:
        for index, row in enumerate(self.model.rows()):
            if row.id == claim_id:
                self.table.selectRow(index)
                return
        self.table.clearSelection()
        self._selection()

    def selected(self) -> ClaimRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection(self) -> None:
        row = self.selected()
        for status in RECORD_TEXT:
            self.buttons[status.value].setVisible(row is not None and status in row.next_statuses)
        if row is not None and S.APPEALED in row.next_statuses:
            text = action_text(row, S.APPEALED)
            self.buttons[S.APPEALED.value].setText(
                RECORD_TEXT[S.APPEALED] if text == ACTION_TEXT[S.APPEALED] else text
            )
        for name in ("snooze", "notes", "open"):
            self.buttons[name].setVisible(row is not None)
        if row is not None:
            self.buttons["snooze"].setVisible(row.is_open)

    def _move(self, target: ClaimStatus) -> None:
        if (row := self.selected()) is not None:
            self.commands.move(row.id, target)

    def _do(self, action: Callable[[int], None]) -> None:
        if (row := self.selected()) is not None:
            action(row.id)

    def _open(self) -> None:
        if (row := self.selected()) is not None:
            self.commands.open(row.id)
