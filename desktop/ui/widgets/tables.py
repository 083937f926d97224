"""Table views set up the same way everywhere: whole rows, no grid, sortable, tidy headers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

RESIZE_PRECISION = 60  # rows measured when fitting a column to its contents
STRETCH_FLOOR = 16  # characters the stretch column keeps when a narrow table squeezes it
STRETCH_MOST = 60  # characters (or half the table) the stretch column grows to when wide


def make_table(
    model: QAbstractItemModel,
    *,
    stretch_column: int | None = 1,
    optional: Sequence[int] = (),
    sortable: bool = True,
    parent: QWidget | None = None,
) -> QTableView:
    """A table whose columns fit their contents. ``optional``: columns that may be hidden,
    least important first, when the table is too narrow for them all (see ColumnFitter)."""
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
    ColumnFitter(view, stretch_column, optional)
    if sortable:
        view.setSortingEnabled(True)
    return view


class ColumnFitter(QObject):
    """Fits a table's columns to their contents when a new set of rows arrives, and gives the
    spare width to one column, up to a limit (on a wide screen a name column as wide as
    the window would leave the amounts far from their names); a table never scrolls
    sideways at the window's size.

    When the columns are wider than the table, the ``optional`` columns are hidden, least
    important first, until the rest fit; if they still do not, the stretch column (a
    name, with its full text in reach) gives up width down to a floor, and only then
    does the table scroll. The columns that matter are never cut.

    Not Qt's ResizeToContents: that measured rows again on each keystroke in a search
    box and stalled typing in a long list. Not Stretch either: that squeezed the
    stretch column to nothing when the window was narrow. The user may still drag any
    column.
    """

    def __init__(
        self, view: QTableView, stretch_column: int | None, optional: Sequence[int] = ()
    ) -> None:
        super().__init__(view)
        self._view = view
        self._stretch = stretch_column
        self._optional = tuple(optional)
        self._natural = 0  # the stretch column's width for its contents
        self._widths: dict[int, int] = {}  # optional columns' widths, kept while hidden
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
            width = max(view.sizeHintForColumn(column), heading)
            view.setColumnWidth(column, width)
            if column in self._optional:
                self._widths[column] = width
        if self._stretch is not None and self._stretch < model.columnCount():
            self._natural = view.columnWidth(self._stretch)
        self.fill()

    def fill(self) -> None:
        view = self._view
        count = view.model().columnCount()
        stretch = self._stretch if self._stretch is not None and self._stretch < count else None
        widths: dict[int, int] = {}
        for column in range(count):
            if column == stretch:
                continue
            if column in self._optional:
                if not view.isColumnHidden(column):
                    self._widths[column] = view.columnWidth(column)  # as the user left it
                widths[column] = self._widths.get(column, view.columnWidth(column))
            elif not view.isColumnHidden(column):
                widths[column] = view.columnWidth(column)
        available = view.viewport().width()
        needed = sum(widths.values()) + (self._natural if stretch is not None else 0)
        hide: set[int] = set()
        for column in self._optional:
            if needed <= available:
                break
            if column in widths:
                hide.add(column)
                needed -= widths.pop(column)
        for column in self._optional:
            if column < count and view.isColumnHidden(column) != (column in hide):
                view.setColumnHidden(column, column in hide)
                if column not in hide:
                    view.setColumnWidth(column, self._widths[column])
        if stretch is not None:
            spare = available - sum(widths.values())
            floor = min(self._natural, view.fontMetrics().averageCharWidth() * STRETCH_FLOOR)
            if spare < self._natural:
                width = max(floor, spare)
            else:  # on a wide screen, the figures stay beside the names they belong to
                chars = view.fontMetrics().averageCharWidth() * STRETCH_MOST
                width = min(spare, max(self._natural, chars, available // 2))
            view.setColumnWidth(stretch, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fill()
        return False
