"""The window shell: pages built on first visit, and the claims count in the navigation."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.workspace import Workspace
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PAGE_IDS
from desktop.ui.pages.claims import ClaimsPage
from tests.ui.test_claims_page import submitted_claim

CLAIMS_ROW = PAGE_IDS.index("claims")


def test_pages_are_built_on_first_visit_and_forgotten_on_lock(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert [p.page_id for p in window.pages] == ["clients"]
    window.show_page("reports")
    assert window.current_page() is window.page("reports")
    assert [p.page_id for p in window.pages] == ["clients", "reports"]
    assert window.stack.count() == len(PAGE_IDS)
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


def test_every_declared_page_loads_and_has_its_commands() -> None:
    from desktop.ui.pages import PAGES, page_classes

    for spec, cls in zip(PAGES, page_classes(), strict=True):
        assert cls.page_id == spec.page_id
        assert {command.command for command in spec.commands} == set(cls.handlers), spec.page_id


def test_the_window_shows_without_loading_pages_not_yet_opened(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    script = """
import sys
from PySide6.QtWidgets import QApplication
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import Workspace
from desktop.ui.interaction import DialogInteraction
from desktop.ui.main_window import MainWindow
from desktop.ui.runner import ActionRunner
app = QApplication([])
ws = Workspace.create(__import__("pathlib").Path(sys.argv[1]), "a long enough passphrase")
ws.run(create_practice, Profile(practice_name="P"), user_name="U")
window = MainWindow(ActionRunner(ws, DialogInteraction()), lambda *_: ws, "f",
                    DialogInteraction(), remember_geometry=False)
window.show()
app.processEvents()
print(sorted(m for m in sys.modules if m.startswith("desktop.ui.pages.")))
ws.close()
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "p.qlb")],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout
    loaded = out.strip().splitlines()[-1]
    assert "desktop.ui.pages.clients" in loaded
    for later in ("reports", "dashboard", "superbills", "settings", "claims'"):
        assert f"desktop.ui.pages.{later}" not in loaded, loaded


def test_every_page_has_a_number_key() -> None:
    from desktop.ui.actions import page_shortcut
    from desktop.ui.pages import PAGES

    keys = [page_shortcut(position) for position in range(len(PAGES))]
    assert keys[:9] == [f"Ctrl+{n}" for n in range(1, 10)]
    assert keys[9:] == ["Ctrl+0"][: len(PAGES) - 9]
    assert len(set(keys)) == len(keys)
