"""Start the window: choose the practice file, unlock it, show the main window.

The demo practice always opens with its own passphrase, ``demo``. Another file
opens with QUIETLEDGER_PASSPHRASE when it is the file the window was started
for (the environment's passphrase is wiped either way, and never tried on the
demo or on a file chosen later), else with the unlock dialog.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from db import keys
from desktop.app import paths
from desktop.app.about import about_facts
from desktop.resources import resource_path
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace

Opener = Callable[[str | None, str | None], Workspace]


def run_gui(path: Path | None, demo: bool) -> int:
    """Run the window until it is closed; the exit status for the command line."""
    _import_before_qt()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.ui import style
    from desktop.ui.collector import UiThreadCollector
    from desktop.ui.interaction import DialogInteraction
    from desktop.ui.main_window import MainWindow
    from desktop.ui.runner import ActionRunner

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Quiet Ledger")
    app.setOrganizationName("QuietLedger")
    # The menu entry's name (packaging/), so a Wayland desktop shows its icon for the window.
    app.setDesktopFileName("app.quietledger.QuietLedger")
    app.setWindowIcon(QIcon(str(resource_path("icons", "quietledger.png"))))
    style.apply(app)
    # From here cycles are collected on this thread only (see desktop.ui.collector).
    UiThreadCollector(app)

    practice = paths.demo_practice_path() if demo else (path or paths.default_practice_path())
    # Read once, here: it belongs to the file named at start, never to the demo or a file
    # chosen on the welcome screen.
    env_passphrase = keys.take_env_passphrase()
    created: Workspace | None = None
    if not demo and not practice.exists():
        if path is not None:
            QMessageBox.warning(None, "Quiet Ledger", f"There is no practice file at {practice}.")
            return 1
        start = _first_run(practice)
        if start is None:
            return 0
        practice, demo, created = start
        env_passphrase = None
    if demo and not practice.exists() and not _create_demo(practice):
        return 0

    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(practice, passphrase=passphrase, recovery_key=recovery_key)

    label = f"Demo practice (made-up clients) — {practice}" if demo else str(practice)
    passphrase = keys.DEMO_PASSPHRASE if demo else env_passphrase
    workspace, message = (created, "") if created else _open_without_asking(opener, passphrase)
    if workspace is None:
        from desktop.ui.dialogs.unlock import UnlockDialog

        dialog = UnlockDialog(opener, label, message=message)
        if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.workspace is None:
            return 0
        workspace = dialog.workspace
    interaction = DialogInteraction()
    runner = ActionRunner(workspace, interaction)
    window = MainWindow(runner, opener, label, interaction, about=about_facts)
    window.show()
    # Start-up is over: its objects live as long as the window (see desktop.app.launch).
    QTimer.singleShot(0, gc.freeze)
    if _quit_when_shown():
        _report_shown("shown", app.quit)
    try:
        return app.exec()
    finally:
        workspace = runner.take_workspace()
        if workspace is not None:
            workspace.close()


def _import_before_qt() -> None:
    """Load the modules the window opens with that never use Qt, before PySide6.

    Once loaded, PySide6 reads the source of every module imported after it (to
    see whether it uses PySide's ``__feature__`` switches): a cost for each module
    that the books' own modules, which never use Qt, need not pay at start-up.
    """
    for name in BEFORE_QT:
        importlib.import_module(name)


BEFORE_QT = (
    "sqlalchemy.dialects.sqlite",  # loaded when the file is opened, after Qt otherwise
    "_strptime",
    "db.models",
    "desktop.services.practice.settings",
    "desktop.services.clients.units",  # with people and diagnoses, which it uses
    "desktop.services.backups.backup",
    "desktop.services.books.queries",
    "desktop.services.books.period_reports",  # the dashboard's month
)


def _first_run(default: Path) -> tuple[Path, bool, Workspace | None] | None:
    """No practice file yet: create one, open another, or the demo; None if canceled."""
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui.dialogs.first_run import (
        CREATE,
        DEMO,
        CreatePracticeDialog,
        RecoveryKeyDialog,
        WelcomeDialog,
    )

    while True:
        welcome = WelcomeDialog()
        if _quit_when_shown():
            _report_shown("shown: welcome", welcome.reject)
        if not welcome.exec():
            return None
        if welcome.choice == DEMO:
            return paths.demo_practice_path(), True, None
        if welcome.choice == CREATE:
            dialog = CreatePracticeDialog(None, default)
            if dialog.exec() and dialog.workspace is not None:
                RecoveryKeyDialog(dialog.workspace.recovery_key()).exec()
                return default, False, dialog.workspace
            continue
        chosen, _filter = QFileDialog.getOpenFileName(
            None, "Open a practice file", str(default.parent), "Quiet Ledger books (*.qlb)"
        )
        if chosen:
            return Path(chosen), False, None


QUIT_WHEN_SHOWN_ENV = "QUIETLEDGER_QUIT_WHEN_SHOWN"


def _quit_when_shown() -> bool:
    """For benchmarks/startup.py and packaging/smoke.sh: report the first screen, then quit."""
    return os.environ.get(QUIT_WHEN_SHOWN_ENV) == "1"


def _report_shown(message: str, close: Callable[[], object]) -> None:
    """Print ``message`` once the event loop runs (the screen is up), then ``close`` it."""
    from PySide6.QtCore import QTimer

    def done() -> None:
        print(message, flush=True)
        close()

    QTimer.singleShot(0, done)


def _open_without_asking(opener: Opener, passphrase: str | None) -> tuple[Workspace | None, str]:
    """Open with the passphrase already known (the demo's, or the environment's), else say
    why not."""
    if not passphrase:
        return None, ""
    try:
        return opener(passphrase, None), ""
    except ServiceError as exc:
        return None, str(exc)


DEMO_INTRO = (
    "Creating the demo practice: made-up clients, couples and families, and {years} years of "
    "their books, to try things safely.\nThis happens once and takes about {seconds} seconds."
)
DEMO_SECONDS = 15  # CPU time of benchmarks/demo.py; the README's quick start says the same


def _create_demo(path: Path) -> bool:
    """Make the demo practice off the UI thread, saying what is being done; False if the
    person canceled or it could not be made."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QMessageBox

    from desktop.demo.defaults import DEFAULT_YEARS
    from desktop.ui.background import BackgroundTask, Progress

    intro = DEMO_INTRO.format(years=DEFAULT_YEARS, seconds=DEMO_SECONDS)

    def make(progress: Progress) -> object:
        from desktop.app.demo_file import create_demo_file

        def report(what: str, done: int, total: int) -> bool:
            if not task.cancel_requested:
                task.say(f"{intro}\n\n{what}…")
            return progress(done, total)

        return create_demo_file(path, progress=report)

    task = BackgroundTask(None, intro, make)
    loop = QEventLoop()
    task.done.connect(loop.quit)
    task.start()
    task.dialog.show()  # it always takes a while: on screen at once, before any progress
    loop.exec()
    result = task.result
    if result is not None and result.error is not None and not result.cancelled:
        QMessageBox.warning(None, "Quiet Ledger", str(result.error))
    return result is not None and result.ok and path.exists()
