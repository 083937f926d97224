"""Qt fixtures: a runner over a real practice file, and an interaction that records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.services.practice.settings import Profile, create_practice
from desktop.services.workspace import Workspace
from desktop.ui.main_window import MainWindow
from desktop.ui.runner import ActionRunner

UI_PASSPHRASE = "quiet harbor lantern morning"


class RecordingInteraction:
    """Remembers what would have been shown; answers confirmations with ``answer``."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []

    def show_error(self, parent: QWidget | None, message: str) -> None:
        self.errors.append(message)

    def show_info(self, parent: QWidget | None, message: str) -> None:
        self.infos.append(message)

    def confirm(self, parent: QWidget | None, question: str, action: str) -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture(autouse=True)
def _background_work_finishes() -> Iterator[None]:
    """ICD-10-CM loading runs in the thread pool; let it end before the test does."""
    yield
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def interaction() -> RecordingInteraction:
    return RecordingInteraction()


@pytest.fixture
def ui_path(tmp_path: Path) -> Path:
    return tmp_path / "ui" / "books.qlb"


@pytest.fixture
def ui_workspace(ui_path: Path, profile: Profile) -> Iterator[Workspace]:
    """A new practice (default services and methods) whose passphrase the tests know."""
    ws = Workspace.create(ui_path, UI_PASSPHRASE)
    ws.run(create_practice, profile, user_name="Dana Whitfield")
    yield ws
    if ws.is_open:
        ws.close()


def close_runner(runner: ActionRunner) -> None:
    """Close whatever file the runner holds (a lock during the test may have opened a new
    one), once any job still using it has ended."""
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.processEvents()  # a finished job reports back through the event loop
    if runner.busy:
        return  # still unwinding: leave the file to the job (it closes with the process)
    workspace = runner.take_workspace()
    if workspace is not None and workspace.is_open:
        workspace.close()


@pytest.fixture
def runner(ui_workspace: Workspace, interaction: RecordingInteraction) -> Iterator[ActionRunner]:
    runner = ActionRunner(ui_workspace, interaction)
    yield runner
    close_runner(runner)


@pytest.fixture
def window(
    qtbot: QtBot, runner: ActionRunner, interaction: RecordingInteraction, ui_path: Path
) -> Iterator[MainWindow]:
    def opener(passphrase: str | None, recovery_key: str | None) -> Workspace:
        return Workspace.open(ui_path, passphrase=passphrase, recovery_key=recovery_key)

    win = MainWindow(runner, opener, str(ui_path), interaction, remember_geometry=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.idle.stop()


@pytest.fixture
def ui_passphrase() -> str:
    return UI_PASSPHRASE
