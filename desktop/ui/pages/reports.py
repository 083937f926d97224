"""Reports: the bookkeeper's tables (each exportable), two charts, and month-end.

Every table on screen is the same ``Table`` the CSV and XLSX writers take, so
an export always agrees with what was read. Exports are written in the
background; the charts save as PNG.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, QStandardPaths, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.reports.tabular import Table, write_csv, write_xlsx
from desktop.services.books.views import report_charts_view, report_table_view
from desktop.services.changes import Topic
from desktop.services.clients.units import list_units
from desktop.ui import style
from desktop.ui.background import JobResult, Progress, run_in_background
from desktop.ui.charts import Bar, BarChart, income_by_month, month_starts
from desktop.ui.models.rows import RowsModel
from desktop.ui.pages.base import Page, PageContext
from desktop.ui.pages.report_month_end import MonthEndBar
from desktop.ui.pages.report_view import (
    REPORTS,
    ReportSpec,
    Row,
    client_ref_of,
    file_stem,
    on_screen,
    stretch_column,
    table_model,
)
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.tables import ColumnFitter, make_table


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class ReportsPage(Page):
    page_id = "reports"
    topics = frozenset({Topic.CLIENTS, Topic.SESSIONS, Topic.MONEY, Topic.CLAIMS, Topic.PRACTICE})

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.table: Table | None = None
        self.model: RowsModel[Row] | None = None
        self._unit_ids: dict[str, int] = {}
        self._reload_soon = QTimer(self)
        self._reload_soon.setSingleShot(True)
        self._reload_soon.setInterval(400)
        self._reload_soon.timeout.connect(self.show_report)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        layout.setSpacing(style.SECTION_SPACING)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_tables(), "Tables")
        self.tabs.addTab(self._build_charts(), "Charts")
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())
        layout.addWidget(self.tabs, 1)
        self.month_end = MonthEndBar(self.runner, self.choose_save_path)
        layout.addWidget(self.month_end)

    # --- building --------------------------------------------------------------------------

    def _build_tables(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(style.SPACING, style.SPACING, style.SPACING, style.SPACING)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACING)
        self.choice = QComboBox()
        self.choice.setObjectName("report_choice")
        for spec in REPORTS:
            self.choice.addItem(spec.name, spec.key)
        self.choice.currentIndexChanged.connect(lambda _i: self._choice_changed())
        bar.addWidget(self.choice)
        start, end = last_month(date.today())
        self.as_of_label = QLabel("As of")
        self.as_of = DateEdit(value=date.today())
        self.from_label = QLabel("From")
        self.start = DateEdit(value=start)
        self.to_label = QLabel("to")
        self.end = DateEdit(value=end)
        for label, edit in (
            (self.as_of_label, self.as_of),
            (self.from_label, self.start),
            (self.to_label, self.end),
        ):
            edit.changed.connect(self._reload_soon.start)
            edit.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 48)
            bar.addWidget(label)
            bar.addWidget(edit)
        bar.addStretch(1)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        bar.addWidget(self.csv_button)
        self.xlsx_button = QPushButton("Export XLSX…")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        bar.addWidget(self.xlsx_button)
        layout.addLayout(bar)
        self.heading = QLabel()
        self.heading.setFont(style.title_font(self.heading.font(), 1.15))
        layout.addWidget(self.heading)
        self.view = make_table(RowsModel([]), stretch_column=None, sortable=False)
        self._fitter: ColumnFitter | None = None
        self.view.setObjectName("report_table")
        self.view.activated.connect(self._activated)
        layout.addWidget(self.view, 1)
        self.notes = style.muted(QLabel())
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self._choice_changed(reload=False)
        return panel

    def _build_charts(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(style.SPACING, style.SPACING, style.SPACING, style.SPACING)
        layout.setSpacing(style.SPACING)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Income for the last"))
        self.months = QComboBox()
        self.months.addItem("12 months", 12)
        self.months.addItem("24 months", 24)
        self.months.currentIndexChanged.connect(lambda _i: self.show_charts())
        bar.addWidget(self.months)
        bar.addStretch(1)
        self.income_png = QPushButton("Save income chart as PNG…")
        self.income_png.clicked.connect(lambda: self.save_chart(self.income_chart, "income"))
        bar.addWidget(self.income_png)
        self.aging_png = QPushButton("Save aging chart as PNG…")
        self.aging_png.clicked.connect(lambda: self.save_chart(self.aging_chart, "ar-aging"))
        bar.addWidget(self.aging_png)
        layout.addLayout(bar)
        charts = QHBoxLayout()
        charts.setSpacing(style.SPACING)
        self.income_chart = BarChart("Income per month (net of fees and refunds)")
        self.aging_chart = BarChart("A/R today, by days past due")
        charts.addWidget(self.income_chart, 3)
        charts.addWidget(self.aging_chart, 2)
        layout.addLayout(charts, 1)
        return panel

    # --- Page ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.show_report()
        else:
            self.show_charts()

    def clear(self) -> None:
        self.table = None
        self.model = None
        self._unit_ids = {}
        self.view.setModel(RowsModel([]))
        self.heading.clear()
        self.notes.clear()
        self.income_chart.show_bars([])
        self.aging_chart.show_bars([])

    # --- tables ----------------------------------------------------------------------------

    def spec(self) -> ReportSpec:
        return REPORTS[max(self.choice.currentIndex(), 0)]

    def choose_report(self, key: str) -> None:
        self.choice.setCurrentIndex(next(i for i, s in enumerate(REPORTS) if s.key == key))

    def _choice_changed(self, *, reload: bool = True) -> None:
        as_of = self.spec().as_of
        for widget in (self.as_of_label, self.as_of):
            widget.setVisible(as_of)
        for widget in (self.from_label, self.start, self.to_label, self.end):
            widget.setVisible(not as_of)
        if reload and self.runner.is_open:
            self.show_report()

    def _dates(self) -> tuple[date, date] | None:
        if self.spec().as_of:
            day = self.as_of.value()
            return (day, day) if day is not None else None
        start, end = self.start.value(), self.end.value()
        if start is None or end is None:
            return None
        return start, end

    def show_report(self) -> None:
        dates = self._dates()
        if dates is None or not self.runner.is_open:
            return
        spec = self.spec()
        view = self.runner.read(report_table_view, spec.read, *dates, parent=self)
        if view is None:
            return
        self.month_end.show_closed(view.closed_through)
        table = view.table
        self.table = table
        self.model = table_model(table)
        self.view.setModel(self.model)
        # Each report is a new model: fitted like every other table, so on a wide screen
        # the amounts stay beside the names instead of at the far edge.
        if self._fitter is not None:
            self.view.viewport().removeEventFilter(self._fitter)
            self._fitter.deleteLater()
        self._fitter = ColumnFitter(self.view, stretch_column(table))
        self.heading.setText(f"{table.title} — {on_screen(table.subtitle, dates)}")
        self.notes.setText(on_screen(" ".join(table.notes), dates))
        self.view.setToolTip("Double-click a client to open them" if spec.opens_client else "")

    def _activated(self, index: QModelIndex) -> None:
        if self.table is None or self.model is None or not self.spec().opens_client:
            return
        ref = client_ref_of(self.table, self.model.row_at(index.row()))
        if ref is None:
            return
        if ref not in self._unit_ids:
            units = self.runner.read(list_units, include_inactive=True, parent=self) or []
            self._unit_ids = {unit.ref: unit.unit_id for unit in units}
        unit_id = self._unit_ids.get(ref)
        if unit_id is not None:
            self.context.navigator.open_unit(unit_id)

    # --- files -----------------------------------------------------------------------------

    def choose_save_path(self, caption: str, suggested: str, file_filter: str) -> Path | None:
        """Ask where to save (tests replace this)."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _ = QFileDialog.getSaveFileName(
            self, caption, str(Path(folder) / suggested), file_filter
        )
        return Path(chosen) if chosen else None

    def export(self, kind: str) -> None:
        table = self.table
        if table is None:
            return
        label = "CSV (*.csv)" if kind == "csv" else "Excel (*.xlsx)"
        stem = file_stem(table, self._dates() or ())
        path = self.choose_save_path("Export report", f"{stem}.{kind}", label)
        if path is None:
            return

        def job(progress: Progress) -> Path:
            progress(0, 1)
            if kind == "csv":
                write_csv(table, path)
            else:
                write_xlsx([table], path)
            progress(1, 1)
            return path

        run_in_background(self, f"Writing {path.name}…", job, self._exported)

    def _exported(self, result: JobResult) -> None:
        if result.error is not None:
            self.runner.interaction.show_error(self, str(result.error))
        elif result.ok:
            self.runner.interaction.show_info(self, f"Saved {Path(result.value).name}.")

    # --- charts ----------------------------------------------------------------------------

    def show_charts(self) -> None:
        if not self.runner.is_open:
            return
        today = date.today()
        starts = month_starts(today, int(self.months.currentData() or 12))
        view = self.runner.read(report_charts_view, starts[0], today, parent=self)
        if view is None:
            return
        self.month_end.show_closed(view.closed_through)
        aging = view.aging
        self.income_chart.show_bars(income_by_month(view.income, starts))
        self.aging_chart.show_bars(
            [
                Bar(name, amount)
                for name, amount in zip(aging.bucket_names, aging.totals, strict=True)
            ]
        )

    def save_chart(self, chart: BarChart, stem: str) -> None:
        suggested = f"{stem}-{date.today().isoformat()}.png"
        path = self.choose_save_path("Save chart", suggested, "PNG image (*.png)")
        if path is None:
            return
        if not chart.save_png(path):
            self.runner.interaction.show_error(self, f"{path.name} could not be written there.")
