"""Screenshots of every page and main dialog of the demo practice, for the README and review.

    xvfb-run -a -s "-screen 0 1920x1080x24" \
        uv run python packaging/screenshots.py OUT_DIR [--size 1280x800 --size 1920x1080]

Runs the real window on the platform's display (use Xvfb on a machine without
a screen), opens each page in turn with each of its tabs, one couple's client
page, every tab of an insured client's page, and each main dialog, and saves a
PNG of each into OUT_DIR/WIDTHxHEIGHT/, named in the order a reviewer would
visit them. The demo practice is made first if missing. The README's picture
is OUT_DIR/1280x800/01b-client-page.png.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

SIZES = ("1280x800", "1920x1080")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--size", action="append", help=f"WIDTHxHEIGHT (default: {' and '.join(SIZES)})"
    )
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget

    from desktop.app import paths
    from desktop.app.about import about_facts
    from desktop.app.demo_file import create_demo_file
    from desktop.demo.practice import DEMO_PASSPHRASE
    from desktop.domain.kinds import UnitKind
    from desktop.services.clients.units import get_unit_detail, list_units
    from desktop.services.workspace import Workspace
    from desktop.ui import style
    from desktop.ui.interaction import DialogInteraction
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import PAGE_IDS
    from desktop.ui.pages.base import PageCommand
    from desktop.ui.runner import ActionRunner

    app = QApplication(sys.argv)
    app.setApplicationName("Quiet Ledger")
    style.apply(app)
    demo = paths.demo_practice_path()
    if not demo.exists():
        create_demo_file(demo)
    workspace = Workspace.open(demo, passphrase=DEMO_PASSPHRASE)
    runner = ActionRunner(workspace, DialogInteraction())
    window = MainWindow(
        runner,
        lambda *_a: workspace,
        str(demo),
        DialogInteraction(),
        remember_geometry=False,
        about=about_facts,
    )
    window.show()

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def dialog_shot(path: Path, open_dialog: Callable[[], object]) -> None:
        """Open a dialog, photograph it once it has laid itself out, and cancel it."""

        def front() -> QWidget | None:
            # Modal, or a wizard shown beside the window (the import).
            shown = [w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
            return app.activeModalWidget() or (shown[0] if shown else None)

        def grab_and_close(tries: int = 50) -> None:
            dialog = front()
            if dialog is None:
                if tries:  # still reading what it shows
                    QTimer.singleShot(100, lambda: grab_and_close(tries - 1))
                return
            settle(300)
            dialog.grab().save(str(path))
            dialog.reject()

        QTimer.singleShot(300, grab_and_close)
        open_dialog()
        settle(800)

    units = runner.read(list_units) or []
    couple = next(u for u in units if u.kind == UnitKind.COUPLE and u.owed > 0)

    def has_insurer(unit_id: int) -> bool:
        detail = runner.read(get_unit_detail, unit_id)
        return detail is not None and detail.patient.payer_name is not None

    insured = next(u for u in units if u.kind == UnitKind.INDIVIDUAL and has_insurer(u.unit_id))
    page = window.page  # the page, built on first use
    commands = (
        ("clients", "new-client", PageCommand.NEW_CLIENT),
        ("sessions", "record-session", PageCommand.RECORD_SESSION),
        ("payments", "record-payment", PageCommand.RECORD_PAYMENT),
        ("superbills", "issue-superbill", PageCommand.ISSUE_SUPERBILL),
        ("superbills", "issue-claim-form", PageCommand.ISSUE_CLAIM_FORM),
        ("estimates", "new-estimate", PageCommand.NEW_ESTIMATE),
        ("settings", "import", PageCommand.IMPORT),
    )
    dialogs: list[tuple[str, str, Callable[[], object]]] = [
        (page_id, name, lambda p=page_id, c=command: page(p).run_command(c))
        for page_id, name, command in commands
    ]
    dialogs.insert(1, ("clients", "new-couple", lambda: page("clients").new_group(UnitKind.COUPLE)))
    dialogs.append(("clients", "about", window.show_about))
    dialogs.append(("reports", "close-month", lambda: page("reports").month_end.close_month()))

    def tabs_shot(folder: Path, name: str, tabs: QTabWidget) -> None:
        """Each tab of a page after its first, named for the tab."""
        for index in range(1, tabs.count()):
            tabs.setCurrentIndex(index)
            settle()
            words = "-".join(tabs.tabText(index).lower().split())
            window.grab().save(str(folder / f"{name}-tab{index}-{words}.png"))
        tabs.setCurrentIndex(0)

    for size in args.size or SIZES:
        width, height = (int(n) for n in size.split("x"))
        folder = args.out / size
        folder.mkdir(parents=True, exist_ok=True)
        window.resize(width, height)
        settle(800)
        for position, page_id in enumerate(PAGE_IDS, start=1):
            window.show_page(page_id)
            settle()
            window.grab().save(str(folder / f"{position:02d}-{page_id}.png"))
            if page_id == "clients":
                window.open_unit(couple.unit_id)
                settle()
                window.grab().save(str(folder / "01b-client-page.png"))
                window.open_unit(insured.unit_id)  # a client who claims: every tab
                settle()
                window.grab().save(str(folder / "01c-insured-client.png"))
                tabs_shot(folder, "01c", page("clients").detail.sections)
                window.show_page("clients")
                page("clients").show_list()
            if page_id == "claims":  # a claim chosen: its pane beside the list
                page("claims").queue_table.selectRow(0)
                settle()
                window.grab().save(str(folder / f"{position:02d}b-claim-chosen.png"))
            if page_id in ("reports", "settings"):
                tabs_shot(folder, f"{position:02d}", page(page_id).tabs)
        for position, (page_id, name, open_dialog) in enumerate(dialogs, start=1):
            if page_id in PAGE_IDS:
                window.show_page(page_id)
                settle(200)
            dialog_shot(folder / f"d{position:02d}-{name}.png", open_dialog)
    window.close()
    print(f"Screenshots in {args.out}")


if __name__ == "__main__":
    main()
