"""Table views set up the same way everywhere: whole rows, no grid, sortable, tidy headers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

RESIZE_PRECISION = 60  # rows measured when fitting a column to its contents


def make_table(
    model: QAbstractItemModel,
    *,
    stretch_column: int | None = 1,
    sortable: bool = True,
    parent: QWidget | None = None,
) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    # Row height follows the font, so high-DPI screens and large fonts stay tidy.
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    # Columns are fitted to their contents when new rows arrive, not on every change:
    # ResizeToContents measured rows again on each keystroke in a search box, and
    # stalled typing in a long list. The user may still drag a column wider.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(RESIZE_PRECISION)
    _fit_columns_when_rows_arrive(view, stretch_column)
    if sortable:
        view.setSortingEnabled(True)
    return view


def _fit_columns(view: QTableView, stretch_column: int | None) -> None:
    view.resizeColumnsToContents()
    # A model reset gives every section the header's default mode again, so the
    # column that takes the spare width is set after each fit.
    if stretch_column is not None and stretch_column < view.model().columnCount():
        view.horizontalHeader().setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)


def _fit_columns_when_rows_arrive(view: QTableView, stretch_column: int | None) -> None:
    timer = QTimer(view)
    timer.setSingleShot(True)
    timer.setInterval(0)  # once, after the rows of this change are all in
    timer.timeout.connect(lambda: _fit_columns(view, stretch_column))
    # The source's rows, not the proxy's: a search hides and shows rows through the
    # proxy, and that must not resize anything.
    model = view.model()
    while isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    model.modelReset.connect(timer.start)
    model.rowsInserted.connect(timer.start)
    timer.start()
