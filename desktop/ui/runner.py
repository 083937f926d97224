"""The action runner: the one road from a widget to the books.

Widgets hand it services-level functions and never hold the open practice:

- ``run`` / ``attempt`` do one user action as one transaction, show a refusal
  as the sentence the service wrote (``attempt`` hands it back instead), and
  after a commit broadcast ``books_changed`` with the kinds of records written;
- ``read`` runs one query (``attempt_read`` hands a refusal back instead);
- ``on_file`` calls a services function that works on the open file as a whole
  (change the passphrase, run the month-end checks) while the user waits;
- ``start`` runs a services ``Job`` (import, export, month close, batches,
  backup, restore) off the UI thread with a progress dialog and Cancel, and is
  busy until it ends: the window does not lock while a job holds the file.

This is the operations pattern of Anki's ``aqt.operations``: every change ends
in one typed broadcast, and each page decides whether it cares.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.changes import EVERYTHING, Changes
from desktop.services.errors import ServiceError
from desktop.services.jobs import Done, Job
from desktop.services.workspace import Workspace
from desktop.ui.background import BackgroundTask, JobResult
from desktop.ui.interaction import Interaction

T = TypeVar("T")
P = ParamSpec("P")


class Locked(ServiceError):
    """The practice file is locked; nothing can be read or changed until it is unlocked."""


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What an attempted action gave: its value, or the error that refused it."""

    value: T | None = None
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class ActionRunner(QObject):
    books_changed = Signal(object)  # Changes: the kinds of records an action wrote
    file_opened_or_closed = Signal()  # opened after an unlock, or closed by a lock
    idle = Signal()  # the last running job has finished

    def __init__(self, workspace: Workspace | None, interaction: Interaction) -> None:
        super().__init__()
        self._workspace = workspace
        self.interaction = interaction
        self._jobs: list[BackgroundTask] = []

    # --- the open file ----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._workspace is not None

    @property
    def file_path(self) -> Path | None:
        """Where the open practice file is (backups go beside it), or None while locked."""
        return self._workspace.path if self._workspace is not None else None

    # The window's open, lock and close code only:

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Hand over a newly unlocked file, or take the file away to close it (never mid-job)."""
        if workspace is None and self.busy:
            raise RuntimeError("the practice file cannot be closed while a job is using it")
        self._workspace = workspace
        self.file_opened_or_closed.emit()

    def take_workspace(self) -> Workspace | None:
        """Forget the open file and return it, for the window to close."""
        workspace = self._workspace
        self.set_workspace(None)
        return workspace

    def _open(self) -> Workspace:
        if self._workspace is None:
            raise Locked("The practice file is locked; unlock it first.")
        return self._workspace

    # --- one transaction ------------------------------------------------------------------

    def attempt(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Outcome[T]:
        """Do one action; on a refusal return the error without showing it."""
        try:
            with _busy_cursor():
                performed = self._open().perform(fn, *args, **kwargs)
        except ServiceError as exc:
            return Outcome(error=exc)
        self.broadcast(performed.changes)
        return Outcome(value=performed.value)

    def run(
        self, fn: Callable[..., T], *args: Any, parent: QWidget | None = None, **kwargs: Any
    ) -> T | None:
        """Do one action; on a refusal show its sentence and return None."""
        return self.show_refusal(self.attempt(fn, *args, **kwargs), parent)

    def show_refusal(self, outcome: Outcome[T], parent: QWidget | None = None) -> T | None:
        """An outcome's value; if it was refused, show the sentence why and give None."""
        if outcome.error is not None:
            self.interaction.show_error(parent, str(outcome.error))
            return None
        return outcome.value

    def attempt_read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Outcome[T]:
        """Run a query; on a refusal return the error without showing it."""
        try:
            return Outcome(value=self._open().read(fn, *args, **kwargs))
        except ServiceError as exc:
            return Outcome(error=exc)

    def read(
        self, fn: Callable[..., T], *args: Any, parent: QWidget | None = None, **kwargs: Any
    ) -> T | None:
        """Run a query; on an error show its sentence and return None."""
        outcome = self.attempt_read(fn, *args, **kwargs)
        if isinstance(outcome.error, Locked):
            return None  # pages are cleared while locked; nothing to tell
        if outcome.error is not None:
            self.interaction.show_error(parent, str(outcome.error))
            return None
        return outcome.value

    # --- the file as a whole --------------------------------------------------------------

    def on_file(
        self,
        fn: Callable[Concatenate[Workspace, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Outcome[T]:
        """Call a services function on the open file while the user waits (short work only)."""
        job: Job[T] = Job("", lambda workspace, _progress: fn(workspace, *args, **kwargs))
        try:
            with _busy_cursor():
                done = job.run(self._open())
        except ServiceError as exc:
            return Outcome(error=exc)
        self.broadcast(done.changes)
        return Outcome(value=done.value)

    # --- long work ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Is a job using the open file?"""
        return bool(self._jobs)

    @property
    def busy_with(self) -> str:
        """What the running job is doing, in its own words ("Exporting everything…")."""
        return self._jobs[0].label if self._jobs else ""

    def start(
        self,
        job: Job[T],
        on_done: Callable[[JobResult], None],
        *,
        parent: QWidget | None = None,
    ) -> BackgroundTask | None:
        """Run ``job`` off the UI thread with a progress dialog; ``on_done`` gets its result.

        A job that ends, even by Cancel or an error, broadcasts what it changed before
        ``on_done`` runs, so pages show the books as they now are.
        """
        try:
            workspace = self._open()
        except Locked as exc:
            self.interaction.show_error(parent, str(exc))
            return None

        def work(progress: Callable[[int, int], bool]) -> Done[T]:
            return job.run(workspace, progress)

        task = BackgroundTask(parent, job.label, work)
        task.done.connect(lambda result: self._job_finished(task, result, on_done))
        self._jobs.append(task)
        task.start()
        return task

    def _job_finished(
        self, task: BackgroundTask, result: JobResult, on_done: Callable[[JobResult], None]
    ) -> None:
        self._jobs.remove(task)
        done = result.value
        if isinstance(done, Done):
            self.broadcast(done.changes)
            # A job that stops on Cancel by returning None was cancelled, as in run_in_background.
            cancelled = result.cancelled or (task.cancel_requested and done.value is None)
            result = JobResult(value=done.value, error=result.error, cancelled=cancelled)
        else:
            # Stopped by an error or Cancel: what it wrote before then is unknown.
            self.broadcast(EVERYTHING)
        on_done(result)
        if not self._jobs:
            self.idle.emit()

    # --- telling the screens --------------------------------------------------------------

    def broadcast(self, changes: Changes) -> None:
        """Tell every page which kinds of records changed (nothing to say, no signal)."""
        if changes:
            self.books_changed.emit(changes)


@contextlib.contextmanager
def _busy_cursor() -> Iterator[None]:
    app = QApplication.instance()
    if app is None:
        yield
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
