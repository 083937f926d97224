"""Add a diagnosis: search ICD-10-CM by code or words, pick a billable code, give its dates.

Searches run in the background (the code set takes seconds to load the first
time); the list shows which codes are billable, and only those can be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QWidget,
)

from desktop.services.clients import icd
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.clients.icd import IcdHit
from desktop.ui import style
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.icd_search import IcdSearcher
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit

HIT_COLUMNS: tuple[Column[IcdHit], ...] = (
    Column("Code", lambda h: h.code),
    Column("Description", lambda h: h.description),
    Column("Billable", lambda h: "Yes" if h.billable else "No"),
)


@dataclass(frozen=True)
class DiagnosisChoice:
    code: str
    rank: int
    effective_from: date
    effective_to: date | None


class DiagnosisDialog(FormDialog[DiagnosisChoice]):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        client_id: int,
        client_name: str,
        next_rank: int = 1,
    ) -> None:
        super().__init__(parent, f"Add a diagnosis — {client_name}", runner, save_text="Add")
        self.client_id = client_id
        self._chosen: IcdHit | None = None
        self.searcher = IcdSearcher(self)
        self.searcher.results.connect(self._show_hits)
        self.searcher.failed.connect(self._show_failure)
        self.searcher.busy.connect(self._busy)

        self.search = QLineEdit()
        self.search.setObjectName("icd_search")
        self.search.setPlaceholderText("Code (F43.23) or words (adjustment anxiety)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.searcher.search(text))
        self.body.addWidget(self.search)
        self.status = QLabel("Type a code or a few words to search ICD-10-CM.")
        self.status.setObjectName("icd_status")
        style.muted(self.status)
        self.body.addWidget(self.status)

        self.hits: RowsModel[IcdHit] = RowsModel(HIT_COLUMNS, muted=lambda h: not h.billable)
        self.table = QTableView()
        self.table.setObjectName("icd_results")
        self.table.setModel(self.hits)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.setMinimumHeight(self.fontMetrics().height() * 14)
        self.body.addWidget(self.table, 1)

        self.chosen_label = QLabel("—")
        self.chosen_label.setWordWrap(True)
        self.form.add("code", "Diagnosis", self.chosen_label)
        self.rank = QSpinBox()
        self.rank.setRange(1, 12)
        self.rank.setValue(min(max(next_rank, 1), 12))
        self.rank.setToolTip("1 is the primary diagnosis; superbills list them in this order.")
        self.form.add("rank", "Rank", self.rank)
        self.effective_from = DateEdit(value=date.today())
        self.form.add("effective_from", "In force from", self.effective_from, required=True)
        self.effective_to = DateEdit(optional=True)
        self.form.add("effective_to", "Until (blank: still in force)", self.effective_to)
        self.body.addLayout(self.form.layout)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 110, self.sizeHint().height())
        self.finish_layout()
        IcdSearcher.warm_up()
        self.search.setFocus()

    # --- search ----------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        if busy and not icd.is_loaded():
            self.status.setText("Loading the ICD-10-CM codes (a few seconds, the first time)…")
        elif busy:
            self.status.setText("Searching…")

    def _show_hits(self, hits: list[IcdHit]) -> None:
        self.hits.set_rows(hits)
        if not self.search.text().strip():
            self.status.setText("Type a code or a few words to search ICD-10-CM.")
        elif not hits:
            self.status.setText("No ICD-10-CM code matches; try fewer or other words.")
        else:
            self.status.setText("Grayed codes are headings: choose a billable code under them.")
        if len(hits) == 1 or (hits and hits[0].code == self.search.text().strip().upper()):
            self.table.selectRow(0)

    def _show_failure(self, message: str) -> None:
        self.status.setText(message)

    def _selected(self, *_: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._chosen = self.hits.row_at(rows[0].row()) if rows else None
        hit = self._chosen
        self.chosen_label.setText(f"{hit.code} — {hit.description}" if hit else "—")
        self.form.touch("code")
        self.revalidate()

    # --- FormDialog ------------------------------------------------------------------------

    def collect(self) -> tuple[DiagnosisChoice | None, dict[str, str]]:
        problems: dict[str, str] = {}
        hit = self._chosen
        if hit is None:
            problems["code"] = "Choose a code from the list."
        elif not hit.billable:
            problems["code"] = (
                f"{hit.code} is a heading, not a billable code; choose one of the codes under it."
            )
        for name, field in (
            ("effective_from", self.effective_from),
            ("effective_to", self.effective_to),
        ):
            if field.problem():
                problems[name] = field.problem()
        start, end = self.effective_from.value(), self.effective_to.value()
        if start and end and end < start:
            problems["effective_to"] = "The end date is before the start date."
        if problems or hit is None or start is None:
            return None, problems
        return DiagnosisChoice(hit.code, self.rank.value(), start, end), {}

    def submit(self, data: DiagnosisChoice) -> Outcome[Any]:
        return self.runner.attempt(
            add_diagnosis,
            self.client_id,
            data.code,
            data.effective_from,
            data.rank,
            data.effective_to,
        )
