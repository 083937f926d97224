"""The window at 1280x800, the common small laptop, on the demo practice: every main table
fits without a sideways scrollbar, what matters is not cut, and the client page shows the
account without scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QSplitter, QStyle, QTableView, QWidget
from pytestqt.qtbot import QtBot

from desktop.app.demo_file import create_demo_file
from desktop.demo.defaults import DEFAULT_CLIENTS
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.domain.kinds import UnitKind
from desktop.services.workspace import Workspace
from desktop.ui.interaction import DialogInteraction
from desktop.ui.main_window import MainWindow, opening_geometry
from desktop.ui.pages import PAGE_IDS
from desktop.ui.pages.base import Page
from desktop.ui.pages.claims import ClaimsPage
from desktop.ui.pages.clients import ClientsPage
from desktop.ui.pages.superbills import SuperbillsPage
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.splitters import remember_splitter
from tests.ui.conftest import close_runner

SMALL_LAPTOP = (1280, 800)
LEDGER_ROWS_IN_VIEW = 8  # the account's latest lines, seen as the page opens


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.qlb"
    create_demo_file(path, years=1, clients=DEFAULT_CLIENTS)
    return path


@pytest.fixture
def small_window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    workspace = Workspace.open(demo_path, passphrase=DEMO_PASSPHRASE)
    runner = ActionRunner(workspace, DialogInteraction())
    window = MainWindow(
        runner, lambda *_a: workspace, str(demo_path), DialogInteraction(), remember_geometry=False
    )
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*SMALL_LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    assert (window.width(), window.height()) == SMALL_LAPTOP
    yield window
    close_runner(runner)


def settle(qtbot: QtBot) -> None:
    """Let the pages read and the column fitters run (they wait for the event loop)."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


P = TypeVar("P", bound=Page)


def shown_page(qtbot: QtBot, window: MainWindow, page_id: str, kind: type[P]) -> P:
    window.show_page(page_id)
    settle(qtbot)
    page = window.current_page()
    assert isinstance(page, kind)
    return page


def shown_tables(root: QWidget) -> list[QTableView]:
    return [t for t in root.findChildren(QTableView) if t.isVisible() and t.model().rowCount()]


def sideways(tables: list[QTableView]) -> list[str]:
    return [t.objectName() or repr(t) for t in tables if t.horizontalScrollBar().isVisible()]


def test_no_main_table_scrolls_sideways_on_any_page(qtbot: QtBot, small_window: MainWindow) -> None:
    seen = 0
    for page_id in PAGE_IDS:
        small_window.show_page(page_id)
        settle(qtbot)
        page = small_window.current_page()
        assert page is not None
        tables = shown_tables(page)
        seen += len(tables)
        assert sideways(tables) == [], f"the {page_id} page scrolls sideways"
    assert seen >= 6  # the lists were really there to look at


def test_a_chosen_claim_opens_its_pane_and_the_lists_still_fit(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    page = shown_page(qtbot, small_window, "claims", ClaimsPage)
    assert not page.detail_box.isVisible()  # no empty "Choose a claim" pane
    for tab in range(page.lists.count()):
        page.lists.setCurrentIndex(tab)
        settle(qtbot)
        assert sideways(shown_tables(page.lists)) == []
    page.lists.setCurrentIndex(0)
    page.queue_table.selectRow(0)
    settle(qtbot)
    assert page.detail_box.isVisible()
    # A to-do the narrowed list cuts short is in the pane in full.
    assert page.detail.todo.text() == f"To do: {page.queue.row_at(0).text}"
    assert sideways(shown_tables(page)) == []
    page.lists.setCurrentIndex(1)
    page.table.selectRow(0)
    settle(qtbot)
    assert page.detail.todo.isHidden()
    assert sideways(shown_tables(page)) == []
    # The client's name, the claim's superbill and its status are still there to read.
    header = page.table.horizontalHeader()
    for column in (0, 1, 5):
        assert not header.isSectionHidden(column)


def test_superbill_numbers_are_never_cut(qtbot: QtBot, small_window: MainWindow) -> None:
    page = shown_page(qtbot, small_window, "superbills", SuperbillsPage)
    table = page.table
    assert page.proxy.rowCount() > 10
    metrics = table.fontMetrics()
    # A cell's text is drawn inside the style's margin on either side (Qt adds 1).
    padding = 2 * (
        table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    )
    for column in (0, 3, 4):  # number, client, period
        width = table.columnWidth(column)
        assert not table.isColumnHidden(column)
        for row in range(page.proxy.rowCount()):
            text = page.proxy.index(row, column).data()
            assert metrics.horizontalAdvance(text) + padding <= width, (column, text, width)
    assert sideways([table]) == []


def test_the_client_page_shows_the_account_without_scrolling(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    clients = small_window.page("clients")
    assert isinstance(clients, ClientsPage)
    small_window.show_page("clients")
    settle(qtbot)
    busiest = max(
        (clients.proxy.row_at(r) for r in range(clients.proxy.rowCount())),
        key=lambda row: row.last_session or row.last_session.min,  # type: ignore[union-attr]
    )
    small_window.open_unit(busiest.unit_id)
    settle(qtbot)
    detail = clients.detail
    table = detail.ledger.table
    assert table.isVisible()
    assert detail.ledger.model.total() > LEDGER_ROWS_IN_VIEW
    top = table.viewport().mapTo(small_window, QPoint(0, 0)).y()
    visible_rows = (small_window.height() - top) // table.rowHeight(0)
    assert visible_rows >= LEDGER_ROWS_IN_VIEW
    assert table.viewport().height() >= LEDGER_ROWS_IN_VIEW * table.rowHeight(0)
    assert detail.summary.text().startswith("Owes ")
    assert sideways([table]) == []


def test_the_client_list_is_by_last_name_and_counts_each_person_once(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    page = shown_page(qtbot, small_window, "clients", ClientsPage)
    rows = [page.proxy.row_at(r) for r in range(page.proxy.rowCount())]
    last_names = [row.sort_name for row in rows]
    assert last_names == sorted(last_names)
    assert rows[0].sort_name.split()[0] <= rows[-1].sort_name.split()[0]
    # Members with no account of their own stand under their couple, not as $0 rows.
    assert not any(row.member_only for row in rows)
    groups = [row for row in rows if row.kind != UnitKind.INDIVIDUAL]
    assert groups
    assert all(len(row.members) >= 2 for row in groups)
    individuals = sum(1 for row in rows if row.kind == UnitKind.INDIVIDUAL)
    people = len({client for row in page._rows for client in row.client_ids})
    assert page.count.text().startswith(f"{individuals} clients, ")
    assert page.count.text().endswith(f"({people} people)")
    # A member is still found by a search, with the couple they belong to.
    member = next(row for row in page._rows if row.member_only)
    page.search.setText(member.identified_patient_name)
    found = {page.proxy.row_at(r).unit_id for r in range(page.proxy.rowCount())}
    assert member.unit_id in found
    assert any(g.unit_id in found for g in groups if member.name in " ".join(g.members))
    assert (page.proxy.rowCount(), sideways([page.table])) == (len(found), [])


@pytest.mark.parametrize(
    ("screen", "expected"),
    [
        (QRect(0, 0, 1920, 1040), QRect(144, 78, 1632, 884)),  # most of it, centred
        (QRect(0, 0, 1280, 770), QRect(0, 0, 1280, 770)),  # a small laptop: all of it
        (QRect(1920, 0, 2560, 1400), QRect(2112, 105, 2176, 1190)),  # a second monitor
    ],
)
def test_the_window_opens_sized_to_the_screen(screen: QRect, expected: QRect) -> None:
    frame = opening_geometry(screen)
    assert frame == expected
    assert screen.contains(frame)


def test_a_splitter_opens_where_it_was_left(qtbot: QtBot, tmp_path: Path) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))

    def splitter() -> QSplitter:
        made = QSplitter(Qt.Orientation.Horizontal)
        qtbot.addWidget(made)
        made.addWidget(QWidget())
        made.addWidget(QWidget())
        made.resize(1000, 400)
        made.setSizes([500, 500])
        remember_splitter(made, "test/split")
        return made

    first = splitter()
    first.show()
    first.moveSplitter(700, 1)  # as a drag does: splitterMoved, so it is saved
    saved = first.sizes()
    assert saved[0] > 600
    again = splitter()
    again.show()
    assert again.sizes() == saved
