"""Audit review: every change to the books, filtered, and whether the hash chain is whole.

The log is read a page at a time, newest first ("Show more" fetches the next
page). Selecting an entry shows what it recorded before and after.
"""

from __future__ import annotations

import json
from datetime import UTC, date

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from desktop.services.audit.log import ChainReport
from desktop.services.audit.review import (
    AuditFilter,
    AuditRow,
    list_audit,
)
from desktop.services.audit.review import (
    AuditPage as EntriesPage,
)
from desktop.services.audit.sentences import kind_label
from desktop.services.audit.views import UnitChoice, audit_page_view
from desktop.services.changes import Topic
from desktop.ui import style
from desktop.ui.formatting import format_date, locale
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.base import Page, PageContext
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.tables import make_table

PAGE_SIZE = 200


def when_text(row: AuditRow) -> str:
    """The entry's UTC time in this computer's time zone and the locale's short format."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    moment = QDateTime.fromSecsSinceEpoch(int(at.timestamp()), QTimeZone.systemTimeZone())
    day = moment.date()
    clock = locale().toString(moment.time(), locale().timeFormat(locale().FormatType.ShortFormat))
    return f"{format_date(date(day.year(), day.month(), day.day()))} {clock}"


def _pretty(text: str) -> str:
    if not text:
        return "(nothing)"
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return text


AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column("#", lambda r: str(r.id), lambda r: r.id, numeric=True),
    Column("When", when_text, lambda r: r.at, numeric=True),
    Column("Who", lambda r: r.user),
    Column("What happened", lambda r: r.sentence),
    # The sentence names the client; the reference is enough to tell two of a name apart.
    Column("Client ref.", lambda r: r.unit_ref),
)


class AuditReviewPage(Page):
    page_id = "audit"
    topics = frozenset({Topic.AUDIT})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.model: RowsModel[AuditRow] = RowsModel(AUDIT_COLUMNS)
        self.page: EntriesPage | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SPACING)
        self.chain = QLabel()
        self.chain.setObjectName("chain_status")
        self.chain.setWordWrap(True)
        layout.addWidget(self.chain)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        self.start = DateEdit(optional=True)
        self.end = DateEdit(optional=True)
        self.client = QComboBox()
        self.client.setObjectName("audit_client")
        self.kind = QComboBox()
        self.kind.setObjectName("audit_kind")
        for text, widget in (
            ("From", self.start),
            ("to", self.end),
            ("Client", self.client),
            ("Change", self.kind),
        ):
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
        width = self.fontMetrics().horizontalAdvance("00/00/00000") + 48
        self.start.setFixedWidth(width)
        self.end.setFixedWidth(width)
        show = QPushButton("Show")
        show.setDefault(True)
        show.clicked.connect(self.show_entries)
        bar.addWidget(show)
        bar.addStretch(1)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = make_table(self.model, stretch_column=3, sortable=False)
        self.table.setObjectName("audit_table")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        splitter.addWidget(self.table)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select an entry to see what it recorded.")
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        footer = QHBoxLayout()
        self.count = QLabel()
        footer.addWidget(self.count, 1)
        self.more = QPushButton("Show more")
        self.more.clicked.connect(self.show_more)
        footer.addWidget(self.more)
        layout.addLayout(footer)

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        # The filter as chosen now: refilling the choices below keeps each choice.
        view = self.runner.read(audit_page_view, self.wanted(), page_size=PAGE_SIZE, parent=self)
        if view is None:
            return
        self._fill_choices(view.units, view.kinds)
        self._show_chain(view.chain)
        if view.problem:
            self.runner.interaction.show_error(self, view.problem)
        elif view.entries is not None:
            self._show_page(view.entries)

    def _show_chain(self, report: ChainReport) -> None:
        if report.intact:
            text = f"The audit trail is intact: {report.entries} entries, hash chain verified."
            color = style.muted_color(self.chain)
        else:
            text = "THE AUDIT TRAIL HAS BEEN ALTERED: " + " ".join(report.problems)
            color = style.error_color(self.chain)
        self.chain.setText(text)
        palette = self.chain.palette()
        palette.setColor(self.chain.foregroundRole(), color)
        self.chain.setPalette(palette)

    def clear(self) -> None:
        self.model.clear()
        self.page = None
        self.detail.clear()
        self.chain.clear()
        self.count.clear()
        self.client.clear()
        self.kind.clear()

    def _fill_choices(
        self, units: tuple[UnitChoice, ...], kinds: tuple[tuple[str, str], ...]
    ) -> None:
        chosen_unit, chosen_kind = self.client.currentData(), self.kind.currentData()
        self.client.blockSignals(True)
        self.kind.blockSignals(True)
        self.client.clear()
        self.client.addItem("Every client", None)
        for unit in units:
            self.client.addItem(f"{unit.name} ({unit.ref})", unit.unit_id)
        self.kind.clear()
        self.kind.addItem("Every change", None)
        for entity, action in kinds:
            self.kind.addItem(kind_label(entity, action), f"{entity}\t{action}")
        self.client.setCurrentIndex(max(self.client.findData(chosen_unit), 0))
        self.kind.setCurrentIndex(max(self.kind.findData(chosen_kind), 0))
        self.client.blockSignals(False)
        self.kind.blockSignals(False)

    # --- entries ---------------------------------------------------------------------------

    def wanted(self) -> AuditFilter | None:
        if not (self.start.is_valid() and self.end.is_valid()):
            return None
        kind = self.kind.currentData()
        entity, action = kind.split("\t") if isinstance(kind, str) else (None, None)
        unit = self.client.currentData()
        return AuditFilter(
            start=self.start.value(),
            end=self.end.value(),
            unit_id=unit if isinstance(unit, int) else None,
            entity=entity,
            action=action,
        )

    def show_entries(self) -> None:
        wanted = self.wanted()
        if wanted is None:
            return
        page = self.runner.read(list_audit, wanted, page_size=PAGE_SIZE, parent=self)
        if page is not None:
            self._show_page(page)

    def _show_page(self, page: EntriesPage) -> None:
        self.page = page
        self.model.set_rows(page.rows)
        self.model.fetch_all()
        self._show_count()

    def show_more(self) -> None:
        wanted = self.wanted()
        if self.page is None or not self.page.has_more or wanted is None:
            return
        page = self.runner.read(
            list_audit, wanted, page=self.page.page + 1, page_size=PAGE_SIZE, parent=self
        )
        if page is None:
            return
        self.page = page
        self.model.set_rows([*self.model.rows(), *page.rows])
        self.model.fetch_all()
        self._show_count()

    def _show_count(self) -> None:
        total = self.page.total if self.page is not None else 0
        noun = "entry" if total == 1 else "entries"
        self.count.setText(f"{self.model.total()} of {total} {noun}")
        self.more.setEnabled(self.page is not None and self.page.has_more)

    def _show_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.clear()
            return
        row = self.model.row_at(rows[0].row())
        self.detail.setPlainText(
            f"{row.sentence}.\n\nBefore:\n{_pretty(row.before)}\n\nAfter:\n{_pretty(row.after)}"
        )
