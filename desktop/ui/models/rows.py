"""A read-only table model over a list of frozen rows, fetched into the view in batches.

Pages describe their columns once (title, text, sort key, alignment) and hand
the model the rows a service returned. The rows arrive in one query, but the
view receives them ``batch`` at a time through ``canFetchMore``/``fetchMore``,
so a long register opens at once and fills as it is scrolled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop.ui import style

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a Python value to sort by (None sorts last)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the row object itself

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        SORT_ROLE,
        ROW_ROLE,
    }
)


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None  # default: the text, ignoring case
    numeric: bool = False  # right-aligned: amounts, counts, dates line up
    tooltip: Callable[[R], str] | None = None
    alert: Callable[[R], bool] | None = None  # the cell in the error colour: it needs action


class RowsModel(QAbstractTableModel, Generic[R]):
    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        batch: int = 200,
        muted: Callable[[R], bool] | None = None,
        search_text: Callable[[R], str] | None = None,
    ) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.batch = batch
        self._muted = muted
        self._search_text = search_text
        self._rows: list[R] = []
        self._shown = 0
        self._inserting = False
        self._sort_keys: dict[int, list[Any]] = {}  # column -> each row's key, once computed
        self._search_texts: list[str] | None = None
        self._order: tuple[int, Qt.SortOrder] | None = None  # the last sort asked for
        self._flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # --- rows ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._sort_keys = {}
        if self._order is not None:
            rows_in_order, new_position = self._sorted_rows(*self._order)
            self._rows = rows_in_order
            self._sort_keys = {
                c: _permuted(keys, new_position) for c, keys in self._sort_keys.items()
            }
        self._search_texts = None
        self._shown = min(self.batch, len(self._rows))
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rows(self) -> list[R]:
        return list(self._rows[: self._shown])

    def total(self) -> int:
        return len(self._rows)

    def search_text(self, row: int) -> str:
        """Lower-case text a search looks in: the search function's, else every column's
        (made once for all rows; each keystroke in a search box looks at every row)."""
        if self._search_texts is None:
            if self._search_text is not None:
                self._search_texts = [self._search_text(r).lower() for r in self._rows]
            else:
                self._search_texts = [
                    " ".join(c.text(r) for c in self.columns).lower() for r in self._rows
                ]
        return self._search_texts[row]

    # --- sorting ---------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Put every row in the order of ``column``'s sort key, empty values last.

        The rows are sorted here, in Python with each key computed once, rather than
        by a proxy comparing rows through Qt: a search that brings a thousand rows
        back then inserts them without a single comparison.
        """
        if column < 0:
            self._order = None  # as Qt means it: rows come in the order they are given
            return
        if column >= len(self.columns):
            return
        self._order = (column, order)
        self.fetch_all()
        self.layoutAboutToBeChanged.emit()
        rows, new_position = self._sorted_rows(column, order)
        persistent = self.persistentIndexList()
        self._rows = rows
        self._sort_keys = {c: _permuted(keys, new_position) for c, keys in self._sort_keys.items()}
        if self._search_texts is not None:
            self._search_texts = _permuted(self._search_texts, new_position)
        self.changePersistentIndexList(
            persistent, [self.index(new_position[i.row()], i.column()) for i in persistent]
        )
        self.layoutChanged.emit()

    def _sorted_rows(self, column: int, order: Qt.SortOrder) -> tuple[list[R], list[int]]:
        """The rows in order, and for each old row number its new one."""
        keys = [self.sort_key(i, column) for i in range(len(self._rows))]
        present = [i for i, k in enumerate(keys) if k is not None]
        empty = [i for i, k in enumerate(keys) if k is None]
        present.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        old_rows = present + empty  # empty values last, whichever the direction
        new_position = [0] * len(old_rows)
        for new, old in enumerate(old_rows):
            new_position[old] = new
        return [self._rows[i] for i in old_rows], new_position

    def sort_key(self, row: int, column: int) -> Any:
        """The value ``column`` sorts ``row`` by; computed once per column for all rows,
        since a sort or a search compares the same rows many times."""
        keys = self._sort_keys.get(column)
        if keys is None:
            spec = self.columns[column]
            key = spec.sort_key or _casefolded(spec.text)
            keys = self._sort_keys[column] = [key(item) for item in self._rows]
        return keys[row]

    def fetch_all(self) -> None:
        """Show every row now: a search or a sort must see all of them."""
        self._show_more(len(self._rows) - self._shown)

    # --- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index) -> bool:
        # Not while rows are going in: views and testers may ask again from inside
        # beginInsertRows, and a nested insert would count the same rows twice.
        return not parent.isValid() and not self._inserting and self._shown < len(self._rows)

    def fetchMore(self, parent: Index) -> None:
        if not parent.isValid():
            self._show_more(min(self.batch, len(self._rows) - self._shown))

    def _show_more(self, count: int) -> None:
        if count <= 0 or self._inserting:
            return
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
            self._shown += count
            self.endInsertRows()
        finally:
            self._inserting = False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks for a dozen roles per cell each time it paints; answer the ones
        # this model never fills before doing any work.
        if role not in _ANSWERED_ROLES or not index.isValid() or index.row() >= self._shown:
            return None
        column = self.columns[index.column()]
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(item)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.numeric else _LEFT)
        if role == SORT_ROLE:
            return self.sort_key(index.row(), index.column())
        if role == ROW_ROLE:
            return item
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.alert is not None and column.alert(item):
                return style.error_color()
            if self._muted and self._muted(item):
                return style.muted_color()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.numeric else _LEFT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return self._flags if index.isValid() else Qt.ItemFlag.NoItemFlags


def _permuted(values: list[Any], new_position: list[int]) -> list[Any]:
    result: list[Any] = [None] * len(values)
    for old, value in enumerate(values):
        result[new_position[old]] = value
    return result


def _casefolded(text: Callable[[R], str]) -> Callable[[R], str]:
    return lambda item: text(item).casefold()
