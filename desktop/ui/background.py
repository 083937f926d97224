"""Long work off the UI thread, with a progress dialog that can cancel.

``run_in_background(parent, label, job, on_done)`` calls ``job(progress)`` in
Qt's thread pool. The job reports with ``progress(done, total)``; once the
person presses Cancel that call returns False, and services stop there with a
typed error (``ExportCancelled``), so nothing half-written is kept. The
result, or the ``ServiceError`` that refused the work, comes back on the UI
thread through ``on_done``. A job must open its own database session (through
``Workspace.read``/``run``), never share one with the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.services.errors import ServiceError

Progress = Callable[[int, int], bool]
_log = logging.getLogger(__name__)
_RUNNING: set[BackgroundTask] = set()  # a task without a parent must outlive its caller


@dataclass(frozen=True)
class JobResult:
    """What a background job gave: its value, or the error that stopped it."""

    value: Any = None
    error: ServiceError | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


class _Signals(QObject):
    progressed = Signal(int, int)
    said = Signal(str)
    finished = Signal(object)


class _Job(QRunnable):
    def __init__(self, job: Callable[[Progress], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job
        self.signals = signals
        self.cancel_event = threading.Event()

    def progress(self, done: int, total: int) -> bool:
        self.signals.progressed.emit(done, total)
        return not self.cancel_event.is_set()

    def run(self) -> None:
        try:
            value = self._job(self.progress)
        except ServiceError as exc:
            result = JobResult(error=exc, cancelled=self.cancel_event.is_set())
        except OSError as exc:  # a full disk, a folder that went away, no permission
            detail = exc.strerror or str(exc)
            where = f" {exc.filename}" if exc.filename else ""
            result = JobResult(error=ServiceError(f"Could not write{where} ({detail})."))
        except Exception:  # a defect: say so rather than leave the progress dialog up
            _log.exception("background job failed")
            result = JobResult(
                error=ServiceError("That stopped on an unexpected error; try again.")
            )
        else:
            result = JobResult(value=value, cancelled=self.cancel_event.is_set() and value is None)
        self.signals.finished.emit(result)


class BackgroundTask(QObject):
    """One running job and its progress dialog; kept alive until it finishes."""

    done = Signal(object)  # JobResult

    def __init__(self, parent: QWidget | None, label: str, job: Callable[[Progress], Any]) -> None:
        super().__init__(parent)
        self.label = label
        self._signals = _Signals()
        self._job = _Job(job, self._signals)
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Quiet Ledger")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # quick jobs finish without a flash of a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        # Queued: the signals are emitted from the worker thread.
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.progressed.connect(self._progressed, queued)
        self._signals.said.connect(self.dialog.setLabelText, queued)
        self._signals.finished.connect(self._finished, queued)
        self.result: JobResult | None = None

    def start(self) -> None:
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(self._job)

    def say(self, text: str) -> None:
        """Change what the dialog says is being done (from the job's thread too)."""
        self._signals.said.emit(text)

    def cancel(self) -> None:
        self._job.cancel_event.set()
        self.dialog.setLabelText("Canceling…")

    @property
    def cancel_requested(self) -> bool:
        return self._job.cancel_event.is_set()

    @property
    def is_running(self) -> bool:
        return self.result is None

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _finished(self, result: JobResult) -> None:
        self.result = result
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        _RUNNING.discard(self)
        self.done.emit(result)
        self.deleteLater()


def run_in_background(
    parent: QWidget | None,
    label: str,
    job: Callable[[Progress], Any],
    on_done: Callable[[JobResult], None],
) -> BackgroundTask:
    """Start ``job(progress)`` in the thread pool; ``on_done`` gets its ``JobResult``."""
    task = BackgroundTask(parent, label, job)
    task.done.connect(on_done)
    task.start()
    return task
