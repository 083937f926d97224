"""Search and sort over a RowsModel: typing filters, header clicks sort.

Searching matches every typed word anywhere in a row's search text. Sorting
compares each column's sort key (Decimal, date, text), with empty values last,
rather than the displayed text, so $1,000.00 sorts after $900.00.
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
        # Sorting a part of the rows would show a wrong order; column -1 is "unsorted".
        if column >= 0:
            self.source().fetch_all()
        super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        text = self.source().search_text(source_row)
        return all(word in text for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:
        # Straight from the model's cached keys: through data() each comparison cost two
        # round trips between Qt and Python, and a sort makes thousands of them.
        source = self.source()
        column = left.column()
        a, b = source.sort_key(left.row(), column), source.sort_key(right.row(), column)
        if a is None or b is None:
            return a is not None and b is None  # empty values last
        return bool(a < b)

    def row_at(self, proxy_row: int) -> Any:
        return self.index(proxy_row, 0).data(ROW_ROLE)
