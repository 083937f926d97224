"""Search and sort over a RowsModel: typing filters, header clicks sort.

Searching matches every typed word anywhere in a row's search text. Sorting is
done by the source model, by each column's sort key (Decimal, date, text), with
empty values last, rather than the displayed text, so $1,000.00 sorts after
$900.00; the proxy keeps the source's order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from desktop.ui.models.rows import ROW_ROLE, SORT_ROLE, RowsModel

Index = QModelIndex | QPersistentModelIndex


class SearchProxy(QSortFilterProxyModel):
    def __init__(self, source: RowsModel[Any]) -> None:
        super().__init__()
        self._words: list[str] = []
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)

    def source(self) -> RowsModel[Any]:
        model = self.sourceModel()
        assert isinstance(model, RowsModel)
        return model

    def set_search(self, text: str) -> None:
        words = text.lower().split()
        if words == self._words:
            return
        if words:
            self.source().fetch_all()
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._words = words
            self.invalidateRowsFilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source model sorts itself (see RowsModel.sort); this proxy only filters,
        # keeping the source's order. Column -1 ("unsorted") keeps the current order.
        self.source().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        text = self.source().search_text(source_row)
        return all(word in text for word in self._words)

    def row_at(self, proxy_row: int) -> Any:
        return self.index(proxy_row, 0).data(ROW_ROLE)
