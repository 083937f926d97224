"""Table views set up the same way everywhere: whole rows, no grid, sortable, tidy headers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

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
    # Every row the same height: the view then lays out thousands of rows at once
    # instead of keeping a size for each.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(RESIZE_PRECISION)
    ColumnFitter(view, stretch_column)
    if sortable:
        view.setSortingEnabled(True)
    return view


class ColumnFitter(QObject):
    """Fits a table's columns to their contents when a new set of rows arrives, and gives the
    spare width to one column without ever making it narrower than its contents.

    Not Qt's ResizeToContents: that measured rows again on each keystroke in a search
    box and stalled typing in a long list. Not Stretch either: that squeezed the
    stretch column below its text (names cut short) when the window was narrow; here
    the table scrolls sideways instead. The user may still drag any column.
    """

    def __init__(self, view: QTableView, stretch_column: int | None) -> None:
        super().__init__(view)
        self._view = view
        self._stretch = stretch_column
        self._natural = 0  # the stretch column's width for its contents
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # once, after the rows of this change are all in
        self._timer.timeout.connect(self.fit)
        # The source's rows, not the proxy's: a search hides and shows rows through
        # the proxy, and that must not resize anything.
        source = view.model()
        while isinstance(source, QSortFilterProxyModel):
            source = source.sourceModel()
        # A new set of rows, not more of the same list fetched as it scrolls: the
        # columns already fit rows like them, and refitting would stall the scroll.
        source.modelReset.connect(self._timer.start)
        view.horizontalHeader().sortIndicatorChanged.connect(self._timer.start)
        view.viewport().installEventFilter(self)
        self._timer.start()

    def fit(self) -> None:
        view, header = self._view, self._view.horizontalHeader()
        metrics, style = header.fontMetrics(), header.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
        sorted_by = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
        model = view.model()
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            # Qt's own header hint keeps room for the sort arrow in every column; only
            # the sorted column shows one, so the others are fitted to their title.
            heading = metrics.horizontalAdvance(title) + margin * 3
            heading += arrow if column == sorted_by else 0
            view.setColumnWidth(column, max(view.sizeHintForColumn(column), heading))
        if self._stretch is not None and self._stretch < model.columnCount():
            self._natural = view.columnWidth(self._stretch)
        self.fill()

    def fill(self) -> None:
        column = self._stretch
        if column is None or column >= self._view.model().columnCount():
            return
        others = sum(
            self._view.columnWidth(c)
            for c in range(self._view.model().columnCount())
            if c != column and not self._view.isColumnHidden(c)
        )
        spare = self._view.viewport().width() - others
        self._view.setColumnWidth(column, max(self._natural, spare))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fill()
        return False
