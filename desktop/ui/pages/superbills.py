"""Superbills: issue one or a month's batch, statements for everyone who owes, and the
list of every document issued.

Issued documents are kept as issued: "Save as PDF" writes the stored bytes
(a reprint is identical), "Print" prints those same bytes, and a correction is
a new version that supersedes the old one, which stays in the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
)

from desktop.domain.kinds import DocumentKind
from desktop.services.books.payment_list import list_payments
from desktop.services.changes import Topic
from desktop.services.clients.units import list_units
from desktop.services.documents import statements, superbills
from desktop.services.documents.receipts import issue_receipt
from desktop.services.documents.statements import issue_statement
from desktop.services.documents.store import IssuedDocument, reprint
from desktop.services.documents.views import documents_page_view
from desktop.ui import style
from desktop.ui.background import JobResult
from desktop.ui.charts import month_starts
from desktop.ui.dialogs.issue_claim_form import IssueClaimFormDialog
from desktop.ui.dialogs.issue_superbill import IssueSuperbillDialog, period_text
from desktop.ui.dialogs.statement_batch import StatementBatchDialog
from desktop.ui.document_output import DocumentOutput, ask_pdf_path, save_pdf
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.pages.client_claims import ClaimActionsButton
from desktop.ui.pages.reports import last_month
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

KIND_TEXT = {
    DocumentKind.SUPERBILL: "Superbill",
    DocumentKind.STATEMENT: "Statement",
    DocumentKind.RECEIPT: "Receipt",
    DocumentKind.CLAIM_FORM: "CMS-1500",
}

DOCUMENT_COLUMNS: tuple[Column[IssuedDocument], ...] = (
    Column("Number", lambda d: d.number, lambda d: (d.number, d.version)),
    Column("Kind", lambda d: KIND_TEXT.get(d.kind, str(d.kind))),
    Column("Ref", lambda d: d.unit_ref),
    Column("Client", lambda d: d.client_name),
    Column("Period", period_text, lambda d: d.period_from, numeric=True),
    Column("Issued", lambda d: format_date(d.issued_on), lambda d: d.issued_on, numeric=True),
    Column(
        "Charged", lambda d: money_text(d.total_charged), lambda d: d.total_charged, numeric=True
    ),
    Column("Paid", lambda d: money_text(d.total_paid), lambda d: d.total_paid, numeric=True),
    Column("Balance", lambda d: money_text(d.balance), lambda d: d.balance, numeric=True),
    Column("Version", lambda d: str(d.version), lambda d: d.version, numeric=True),
    Column(
        "Status",
        lambda d: "Superseded" if d.superseded else "Current",
        tooltip=lambda d: "A newer version replaces this one" if d.superseded else "",
    ),
)
CLIENT_COLUMN = 3
__all__ = ["DocumentsButton", "SuperbillsPage", "ask_pdf_path", "save_pdf"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _file_name(document: IssuedDocument) -> str:
    """SB-2026-0001, or SB-2026-0001-v2 for a later version."""
    return document.number + (f"-v{document.version}" if document.version > 1 else "")


class SuperbillsPage(DocumentOutput, Page):
    page_id = "superbills"
    topics = frozenset({Topic.CLIENTS, Topic.DOCUMENTS, Topic.CLAIMS, Topic.MONEY, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.model: RowsModel[IssuedDocument] = RowsModel(
            DOCUMENT_COLUMNS, muted=lambda d: d.superseded
        )
        self.proxy = SearchProxy(self.model)
        self.last_batch: superbills.SuperbillBatch | None = None
        self.last_statements: statements.StatementBatch | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        issue = QPushButton("Issue a superbill…")
        issue.clicked.connect(self.issue_one)
        bar.addWidget(issue)
        claim_form = QPushButton("CMS-1500…")
        claim_form.setObjectName("issue_claim_form_button")
        claim_form.setToolTip("Issue a CMS-1500 (02/12) claim form for a client and period")
        claim_form.clicked.connect(lambda: self.issue_claim_form())
        bar.addWidget(claim_form)
        bar.addSpacing(style.SECTION_SPACING)
        bar.addWidget(QLabel("Every superbill client for"))
        self.month = QComboBox()
        self.month.setObjectName("batch_month")
        for start in reversed(month_starts(date.today(), 25)[:-1]):
            self.month.addItem(start.strftime("%B %Y"), start)
        bar.addWidget(self.month)
        batch = QPushButton("Issue the month…")
        batch.clicked.connect(self.issue_month)
        bar.addWidget(batch)
        bar.addSpacing(style.SECTION_SPACING)
        owing = QPushButton("Statements for everyone who owes…")
        owing.setObjectName("statements_batch")
        owing.clicked.connect(self.issue_statements)
        bar.addWidget(owing)
        bar.addStretch(1)
        layout.addLayout(bar)
        # The list's filter sits under it, beside the count, so the row of issuing
        # buttons above does not make the window wider than the other pages.
        self.kind = QComboBox()
        self.kind.addItem("Superbills", DocumentKind.SUPERBILL)
        self.kind.addItem("Statements", DocumentKind.STATEMENT)
        self.kind.addItem("Receipts", DocumentKind.RECEIPT)
        self.kind.addItem("CMS-1500 claim forms", DocumentKind.CLAIM_FORM)
        self.kind.addItem("All documents", None)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        # Narrow, the version, kind (the filter says it) and reference give way first.
        self.table = make_table(self.proxy, stretch_column=CLIENT_COLUMN, optional=(9, 1, 2))
        self.table.setObjectName("documents_table")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.activated.connect(lambda _index: self.save_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.setSpacing(style.SPACING)
        self.count = QLabel()
        actions.addWidget(self.kind)
        actions.addWidget(self.count, 1)
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("The document exactly as issued (Ctrl+P)")
        self.print_button.clicked.connect(self.print_selected)
        actions.addWidget(self.print_button)
        self.save_button = QPushButton("Save as PDF…")
        self.save_button.setToolTip("The document exactly as issued")
        self.save_button.clicked.connect(self.save_selected)
        actions.addWidget(self.save_button)
        self.correct_button = QPushButton("Issue a corrected version…")
        self.correct_button.clicked.connect(self.correct_selected)
        actions.addWidget(self.correct_button)
        self.claim_button = ClaimActionsButton(self.runner, self._selected_superbill_id)
        actions.addWidget(self.claim_button)
        layout.addLayout(actions)
        self._selection()

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.kind.currentData()  # Qt hands a StrEnum back as its text
        kind = DocumentKind(chosen) if chosen else None
        view = self.runner.read(documents_page_view, kind, parent=self)
        if view is None:
            return
        rows = view.documents
        self.model.set_rows(rows)
        noun = "document" if len(rows) == 1 else "documents"
        self.count.setText(f"{len(rows)} {noun}")
        self._selection()

    def clear(self) -> None:
        self.model.clear()
        self.count.clear()
        self.last_batch = None
        self.last_statements = None

    def selected(self) -> IssuedDocument | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _selected_superbill_id(self) -> int | None:
        chosen = self.selected()
        return chosen.id if chosen is not None and chosen.kind == DocumentKind.SUPERBILL else None

    def select_document(self, document_id: int) -> None:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).id == document_id:
                self.table.selectRow(row)
                return

    def _selection(self) -> None:
        document = self.selected()
        self.save_button.setEnabled(document is not None)
        self.print_button.setEnabled(document is not None)
        self.correct_button.setEnabled(
            document is not None
            and document.kind is DocumentKind.SUPERBILL
            and not document.superseded
        )

    # --- files and paper -------------------------------------------------------------------

    def save_selected(self) -> None:
        document = self.selected()
        pdf = self.runner.read(reprint, document.id, parent=self) if document else None
        if document is not None and pdf is not None:
            self.save_as(pdf, "Save as PDF", f"{_file_name(document)}.pdf")

    def print_selected(self) -> None:
        document = self.selected()
        if document is None:
            self.runner.interaction.show_info(self, "Choose a document in the list to print.")
            return
        pdf = self.runner.read(reprint, document.id, parent=self)
        if pdf is not None:
            self.print_document(pdf, _file_name(document))

    # --- issuing ---------------------------------------------------------------------------

    def _units(self) -> list | None:
        return self.runner.read(list_units, parent=self)

    def issue_one(self, unit_id: int | None = None) -> IssuedDocument | None:
        units = self._units()
        if units is None:
            return None
        start, end = last_month(date.today())
        dialog = IssueSuperbillDialog(
            self, self.runner, units, start=start, end=end, unit_id=unit_id
        )
        if not dialog.exec() or dialog.issued is None:
            return None
        self.kind.setCurrentIndex(0)
        self.refresh()
        self.select_document(dialog.issued.id)
        return dialog.issued

    def issue_claim_form(self, unit_id: int | None = None) -> IssuedDocument | None:
        units = self._units()
        if units is None:
            return None
        start, end = last_month(date.today())
        dialog = IssueClaimFormDialog(
            self, self.runner, units, start=start, end=end, unit_id=unit_id
        )
        if not dialog.exec() or dialog.issued is None:
            return None
        self.kind.setCurrentIndex(max(self.kind.findData(DocumentKind.CLAIM_FORM), 0))
        self.refresh()
        self.select_document(dialog.issued.id)
        return dialog.issued

    def correct_selected(self) -> None:
        document = self.selected()
        units = self._units()
        if document is None or units is None:
            return
        if document.period_from is None or document.period_to is None:
            return
        dialog = IssueSuperbillDialog(
            self,
            self.runner,
            units,
            start=document.period_from,
            end=document.period_to,
            document=document,
        )
        if dialog.exec() and dialog.issued is not None:
            self.refresh()
            self.select_document(dialog.issued.id)

    def issue_month(self) -> None:
        start = self.month.currentData()
        if not self.runner.is_open or not isinstance(start, date):
            return
        question = (
            f"Issue a superbill for every superbill client with sessions in "
            f"{start.strftime('%B %Y')}? Clients whose superbill has problems are left out "
            "and listed."
        )
        if not self.runner.interaction.confirm(self, question, "Issue"):
            return
        self.runner.start(
            superbills.issue_month_job(start.year, start.month), self._batch_done, parent=self
        )

    def _finished(self, result: JobResult, noun: str) -> Any:
        """A batch's value once it issued something; errors and Cancel are told here."""
        if result.error is not None:
            self.runner.interaction.show_error(self, str(result.error))
            return None
        if result.value is None or result.value.cancelled:
            self.runner.interaction.show_info(self, f"Canceled; no {noun} was issued.")
            return None
        return result.value

    def _batch_done(self, result: JobResult) -> None:
        batch = self._finished(result, "superbill")
        if batch is None:
            return
        self.last_batch = batch
        lines = [f"{_count(len(batch.issued), 'superbill')} issued."]
        for skipped in batch.skipped:
            lines.append(f"Left out {skipped.name} ({skipped.unit_ref}): {skipped.reasons[0]}")
        if batch.pdf is None:
            self.runner.interaction.show_info(self, "\n".join(lines))
            return
        lines.append("\nPrint them, or save them as one PDF?")
        self.offer(batch.pdf, "\n".join(lines), f"superbills-{batch.issued[0].period_from}")

    def issue_statements(self) -> None:
        if not self.runner.is_open:
            return
        dialog = StatementBatchDialog(self, self.runner, last_month(date.today())[1])
        if not self.confirm_statements(dialog):
            return
        as_of = dialog.as_of()
        if as_of is None:
            return
        self.runner.start(
            statements.issue_statements_job(as_of),
            lambda result: self._statements_done(result, as_of),
            parent=self,
        )

    def confirm_statements(self, dialog: StatementBatchDialog) -> bool:
        """Show the dialog (tests replace this and press its buttons themselves)."""
        return bool(dialog.exec())

    def _statements_done(self, result: JobResult, as_of: date) -> None:
        batch = self._finished(result, "statement")
        if batch is None:
            return
        self.last_statements = batch
        if batch.pdf is None:
            self.runner.interaction.show_info(
                self, f"Nobody owes anything on {format_date(as_of)}; no statement was issued."
            )
            return
        self.kind.setCurrentIndex(self.kind.findData(DocumentKind.STATEMENT))
        text = (
            f"{_count(len(batch.issued), 'statement')} issued, as of {format_date(as_of)}."
            "\n\nPrint them, or save them as one PDF?"
        )
        self.offer(batch.pdf, text, f"statements-{as_of.isoformat()}")

    handlers: ClassVar = {
        PageCommand.ISSUE_SUPERBILL: issue_one,
        PageCommand.ISSUE_CLAIM_FORM: issue_claim_form,
        PageCommand.PRINT_SELECTED: print_selected,
    }


class DocumentsButton(DocumentOutput, QPushButton):
    """The client page's "Documents" menu: a superbill, a statement, a payment's receipt.

    Each is issued and kept like any other, then offered for printing or saving as PDF.
    """

    def __init__(self, runner: ActionRunner, unit_id: Callable[[], int | None]) -> None:
        super().__init__("Documents")
        self.runner = runner
        self._unit_id = unit_id
        self.issued: IssuedDocument | None = None
        menu = QMenu(self)
        menu.addAction("Issue a superbill…", self.superbill)
        menu.addAction("Issue a CMS-1500 claim form…", self.claim_form)
        menu.addAction("Issue a statement as of today", self.statement)
        self.receipts = menu.addMenu("Receipt for a payment")
        self.receipts.aboutToShow.connect(self._fill_receipts)
        self.setMenu(menu)

    def _offer(self, issued: IssuedDocument | None) -> None:
        self.issued = issued
        if issued is None:
            return
        pdf = self.runner.read(reprint, issued.id, parent=self)
        if pdf is not None:
            kind = KIND_TEXT.get(issued.kind, "Document")
            self.offer(pdf, f"{kind} {issued.label} is issued and kept.", _file_name(issued))

    def superbill(self) -> None:
        unit_id = self._unit_id()
        units = self.runner.read(list_units, parent=self)
        if unit_id is None or units is None:
            return
        start, end = last_month(date.today())
        dialog = IssueSuperbillDialog(
            self, self.runner, units, start=start, end=end, unit_id=unit_id
        )
        if dialog.exec():
            self._offer(dialog.issued)

    def claim_form(self) -> None:
        unit_id = self._unit_id()
        units = self.runner.read(list_units, parent=self)
        if unit_id is None or units is None:
            return
        start, end = last_month(date.today())
        dialog = IssueClaimFormDialog(
            self, self.runner, units, start=start, end=end, unit_id=unit_id
        )
        if dialog.exec():
            self._offer(dialog.issued)

    def statement(self) -> None:
        unit_id = self._unit_id()
        if unit_id is not None:
            self._offer(self.runner.run(issue_statement, unit_id, date.today(), parent=self))

    def _fill_receipts(self) -> None:
        self.receipts.clear()
        unit_id = self._unit_id()
        found = self.runner.read(list_payments, unit_id=unit_id, parent=self) if unit_id else None
        shown = [p for p in (found or []) if not p.voided][-12:][::-1]
        for payment in shown:
            text = f"{format_date(payment.received_date)}  {money_text(payment.amount)}  "
            self.receipts.addAction(text + payment.method, lambda p=payment.id: self.receipt(p))
        if not shown:
            self.receipts.addAction("No payments yet").setEnabled(False)

    def receipt(self, payment_id: int) -> None:
        self._offer(self.runner.run(issue_receipt, payment_id, parent=self))
