"""Screenshots of every page of the demo practice, for the README and for review.

    xvfb-run -a -s "-screen 0 1920x1080x24" \
        uv run python packaging/screenshots.py OUT_DIR [--size 1280x800]

Runs the real window on the platform's display (use Xvfb on a machine without
a screen), opens each page in turn (and one couple's client page) and saves a
PNG of the window for each. The demo practice is made first if missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.app import paths
    from desktop.app.demo_file import create_demo_file
    from desktop.demo.practice import DEMO_PASSPHRASE
    from desktop.domain.kinds import UnitKind
    from desktop.services.clients.units import list_units
    from desktop.services.workspace import Workspace
    from desktop.ui import style
    from desktop.ui.interaction import DialogInteraction
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import PAGE_IDS
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
        runner, lambda *_a: workspace, str(demo), DialogInteraction(), remember_geometry=False
    )
    window.resize(width, height)
    window.show()

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settle(800)
    for position, page_id in enumerate(PAGE_IDS, start=1):
        window.show_page(page_id)
        settle()
        window.grab().save(str(args.out / f"{position:02d}-{page_id}.png"))
    couple = next(
        u for u in runner.read(list_units) or [] if u.kind == UnitKind.COUPLE and u.owed > 0
    )
    window.open_unit(couple.unit_id)
    settle()
    window.grab().save(str(args.out / "01b-client-page.png"))
    window.close()
    print(f"Screenshots in {args.out}")


if __name__ == "__main__":
    main()
