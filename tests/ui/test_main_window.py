"""The window shell: pages built on first visit, and the claims count in the navigation."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.workspace import Workspace
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGE_MODULES
from desktop.ui.pages.claims import ClaimsPage
from tests.ui.test_claims_page import submitted_claim

CLAIMS_ROW = PAGE_MODULES.index("claims")


def test_pages_are_built_on_first_visit_and_forgotten_on_lock(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert [p.page_id for p in window.pages] == ["clients"]
    window.show_page("reports")
    assert window.current_page() is window.page("reports")
    assert [p.page_id for p in window.pages] == ["clients", "reports"]
    assert window.stack.count() == len(PAGE_MODULES)
    # A page's command builds and shows its page first.
    claims = window.page("claims")
    assert isinstance(claims, ClaimsPage)
    assert window.stack.indexOf(claims) == CLAIMS_ROW


def test_the_navigation_counts_claims_that_need_action(
    qtbot: QtBot, window: MainWindow, ui_workspace: Workspace
) -> None:
    item = window.nav.item(CLAIMS_ROW)
    assert item.text() == "Claims"
    window.runner.run(submitted_claim)  # overdue with its payer: one item in the queue
    assert item.text() == "Claims  (1)"
    assert item.toolTip() == "Claims and superbills that need action today: 1"
    window.lock()
    assert item.text() == "Claims"  # nothing about the books shows while locked
