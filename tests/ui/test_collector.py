"""Cycles are collected on the UI thread only, never in a thread-pool worker."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import weakref
from pathlib import Path

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.services.workspace import Workspace
from desktop.ui.collector import UiThreadCollector
from tests.ui.conftest import UI_PASSPHRASE


class _Cyclic(QDialog):
    """A closed dialog still referred to from its own attributes: garbage only a
    collection can free."""

    def __init__(self) -> None:
        super().__init__()
        self.me = self


def _garbage() -> weakref.ref[_Cyclic]:
    return weakref.ref(_Cyclic())


def _overdue_generation_zero() -> list[list[int]]:
    """New containers, held so that they still count toward the first threshold.

    Ten times over: objects freed meanwhile (by Qt events the wait processes) count
    back down.
    """
    threshold = gc.get_threshold()[0]
    held: list[list[int]] = [[] for _ in range(10 * threshold)]
    assert gc.get_count()[0] > threshold
    return held


def test_automatic_collection_is_off_and_the_timer_collects_on_the_ui_thread(
    qtbot: QtBot,
) -> None:
    threads: list[str] = []

    def note_thread(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.enable()  # as a process starts
    collector = UiThreadCollector(interval_ms=10)
    gc.callbacks.append(note_thread)
    try:
        assert not gc.isenabled()
        dialog = _garbage()
        assert dialog() is not None  # nothing collects it by itself
        held = _overdue_generation_zero()
        qtbot.waitUntil(lambda: dialog() is None, timeout=5000)
        del held
    finally:
        gc.callbacks.remove(note_thread)
        collector.deleteLater()
    assert threads
    assert set(threads) == {threading.main_thread().name}


def test_nothing_is_collected_until_a_threshold_is_passed(qtbot: QtBot) -> None:
    collector = UiThreadCollector(interval_ms=60_000)
    try:
        gc.collect()
        dialog = _garbage()
        assert collector.collect_due() is None
        assert dialog() is not None
        held = _overdue_generation_zero()
        assert collector.collect_due() == 0
        assert dialog() is None
        del held
    finally:
        collector.deleteLater()


def test_the_window_collects_on_its_own_thread_and_freezes_start_up(
    ui_workspace: Workspace, ui_path: Path
) -> None:
    ui_workspace.close()
    script = (
        "import gc, sys\n"
        "from pathlib import Path\n"
        "from desktop.app import gui\n"
        f"code = gui.run_gui(Path({str(ui_path)!r}), False)\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from desktop.ui.collector import UiThreadCollector\n"
        "collectors = QApplication.instance().findChildren(UiThreadCollector)\n"
        "print(code, gc.isenabled(), len(collectors), gc.get_freeze_count() > 0)\n"
    )
    env = dict(os.environ, QUIETLEDGER_PASSPHRASE=UI_PASSPHRASE, QUIETLEDGER_QUIT_WHEN_SHOWN="1")
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    assert out.splitlines()[-1] == "0 False 1 True"
