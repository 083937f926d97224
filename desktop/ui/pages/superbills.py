"""Superbills: issue one or a month's batch, and the list of every document issued.

Issued documents are kept as issued: "Save as PDF" writes the stored bytes
(a reprint is identical), and a correction is a new version that supersedes
the old one, which stays in the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import DocumentKind
from desktop.reports.atomic import atomic_output
from desktop.services import superbills
from desktop.services.clients import list_units
from desktop.services.documents_receipts import issue_receipt
from desktop.services.documents_store import IssuedDocument, list_documents, reprint
from desktop.services.payments import list_payments
from desktop.services.statements import issue_statement
from desktop.ui import style
from desktop.ui.background import JobResult, Progress, run_in_background
from desktop.ui.charts import month_starts
from desktop.ui.dialogs.issue_superbill import IssueSuperbillDialog, period_text
from desktop.ui.formatting import format_date, money_text
from desktop.ui.models.proxy import SearchProxy
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Command, Page, PageContext
from desktop.ui.pages.reports import last_month
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

KIND_TEXT = {
    DocumentKind.SUPERBILL: "Superbill",
    DocumentKind.STATEMENT: "Statement",
    DocumentKind.RECEIPT: "Receipt",
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


def ask_pdf_path(parent: QWidget, caption: str, suggested: str) -> Path | None:
    """Ask where to save a PDF, starting in the Documents folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getSaveFileName(
        parent, caption, str(Path(folder) / suggested), "PDF (*.pdf)"
    )
    return Path(chosen) if chosen else None


def save_pdf(pdf: bytes, path: Path) -> None:
    """Write a PDF atomically, readable only by its owner."""
    with atomic_output(path) as handle:
        handle.write(pdf)


class SuperbillsPage(Page):
    page_id = "superbills"
    title = "Superbills"
    commands = (Command("Issue a &superbill…", "Ctrl+Shift+B", "issue_one"),)

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.model: RowsModel[IssuedDocument] = RowsModel(
            DOCUMENT_COLUMNS, muted=lambda d: d.superseded
        )
        self.proxy = SearchProxy(self.model)
        self.last_batch: superbills.SuperbillBatch | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        issue = QPushButton("Issue a superbill…")
        issue.clicked.connect(self.issue_one)
        bar.addWidget(issue)
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
        bar.addStretch(1)
        self.kind = QComboBox()
        self.kind.addItem("Superbills", DocumentKind.SUPERBILL)
        self.kind.addItem("Statements", DocumentKind.STATEMENT)
        self.kind.addItem("Receipts", DocumentKind.RECEIPT)
        self.kind.addItem("All documents", None)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.kind)
        layout.addLayout(bar)
        self.table = make_table(self.proxy, stretch_column=CLIENT_COLUMN)
        self.table.setObjectName("documents_table")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.activated.connect(lambda _index: self.save_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.setSpacing(style.SPACING)
        self.count = QLabel()
        actions.addWidget(self.count, 1)
        self.save_button = QPushButton("Save as PDF…")
        self.save_button.setToolTip("The document exactly as issued")
        self.save_button.clicked.connect(self.save_selected)
        actions.addWidget(self.save_button)
        self.correct_button = QPushButton("Issue a corrected version…")
        self.correct_button.clicked.connect(self.correct_selected)
        actions.addWidget(self.correct_button)
        layout.addLayout(actions)
        self._selection()

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.kind.currentData()  # Qt hands a StrEnum back as its text
        kind = DocumentKind(chosen) if chosen else None
        rows = self.runner.read(list_documents, kind=kind, parent=self)
        if rows is None:
            return
        self.model.set_rows(rows)
        noun = "document" if len(rows) == 1 else "documents"
        self.count.setText(f"{len(rows)} {noun}")
        self._selection()

    def clear(self) -> None:
        self.model.clear()
        self.count.clear()
        self.last_batch = None

    def selected(self) -> IssuedDocument | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_document(self, document_id: int) -> None:
        self.model.fetch_all()
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).id == document_id:
                self.table.selectRow(row)
                return

    def _selection(self) -> None:
        document = self.selected()
        self.save_button.setEnabled(document is not None)
        self.correct_button.setEnabled(
            document is not None
            and document.kind is DocumentKind.SUPERBILL
            and not document.superseded
        )

    # --- files -----------------------------------------------------------------------------

    def choose_save_path(self, caption: str, suggested: str) -> Path | None:
        """Ask where to save (tests replace this)."""
        return ask_pdf_path(self, caption, suggested)

    def save_selected(self) -> None:
        document = self.selected()
        if document is None:
            return
        pdf = self.runner.read(reprint, document.id, parent=self)
        if pdf is None:
            return
        suffix = f"-v{document.version}" if document.version > 1 else ""
        path = self.choose_save_path("Save as PDF", f"{document.number}{suffix}.pdf")
        if path is not None:
            self._write(pdf, path)

    def _write(self, pdf: bytes, path: Path) -> None:
        try:
            save_pdf(pdf, path)
        except OSError as exc:
            self.runner.interaction.show_error(
                self, f"{path.name} could not be saved there ({exc.strerror or exc})."
            )

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
        ws = self.runner.workspace
        start = self.month.currentData()
        if ws is None or not isinstance(start, date):
            return
        question = (
            f"Issue a superbill for every superbill client with sessions in "
            f"{start.strftime('%B %Y')}? Clients whose superbill has problems are left out "
            "and listed."
        )
        if not self.runner.interaction.confirm(self, question, "Issue"):
            return

        def job(progress: Progress) -> superbills.SuperbillBatch:
            return ws.run(superbills.issue_month, start.year, start.month, progress=progress)

        run_in_background(self, "Issuing superbills…", job, self._batch_done)

    def _batch_done(self, result: JobResult) -> None:
        if result.error is not None:
            self.runner.interaction.show_error(self, str(result.error))
            return
        batch: superbills.SuperbillBatch | None = result.value
        if batch is None or batch.cancelled:
            self.runner.interaction.show_info(self, "Cancelled; no superbill was issued.")
            return
        self.last_batch = batch
        self.runner.books_changed.emit("desktop.services.superbills.issue_month")
        lines = [f"{len(batch.issued)} superbills issued."]
        for skipped in batch.skipped:
            lines.append(f"Left out {skipped.name} ({skipped.unit_ref}): {skipped.reasons[0]}")
        self.runner.interaction.show_info(self, "\n".join(lines))
        if batch.pdf is not None:
            path = self.choose_save_path(
                "Save the month's superbills", f"superbills-{batch.issued[0].period_from}.pdf"
            )
            if path is not None:
                self._write(batch.pdf, path)


class DocumentsButton(QPushButton):
    """The client page's "Documents" menu: a superbill, a statement, a payment's receipt.

    Each is issued and kept like any other, then offered for saving as PDF.
    """

    def __init__(self, runner: ActionRunner, unit_id: Callable[[], int | None]) -> None:
        super().__init__("Documents")
        self.runner = runner
        self._unit_id = unit_id
        self.issued: IssuedDocument | None = None
        menu = QMenu(self)
        menu.addAction("Issue a superbill…", self.superbill)
        menu.addAction("Issue a statement as of today", self.statement)
        self.receipts = menu.addMenu("Receipt for a payment")
        self.receipts.aboutToShow.connect(self._fill_receipts)
        self.setMenu(menu)

    def ask_path(self, caption: str, suggested: str) -> Path | None:
        return ask_pdf_path(self, caption, suggested)

    def _offer(self, issued: IssuedDocument | None) -> None:
        self.issued = issued
        if issued is None:
            return
        pdf = self.runner.read(reprint, issued.id, parent=self)
        path = self.ask_path(f"Save {issued.number} as PDF", f"{issued.number}.pdf")
        if pdf is not None and path is not None:
            try:
                save_pdf(pdf, path)
            except OSError as exc:
                self.runner.interaction.show_error(
                    self, f"{path.name} could not be saved there ({exc.strerror or exc})."
                )

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


PAGE = SuperbillsPage
