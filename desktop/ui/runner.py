"""The action runner: the one way widgets reach the books.

``run`` does one user action as one transaction (``Workspace.run``), shows a
refusal as the plain sentence the service wrote, and after a success
broadcasts ``books_changed`` so every page can decide whether to refresh
(the operations pattern of Anki's ``aqt.operations``). ``attempt`` is the same
but hands the error back, for dialogs that show it beside a field.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.interaction import Interaction

T = TypeVar("T")


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


def action_name(fn: Callable[..., Any]) -> str:
    """``desktop.services.clients.records.create_client``: what ``books_changed`` carries."""
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


class ActionRunner(QObject):
    books_changed = Signal(str)  # the action that changed them, as action_name() gives it
    workspace_changed = Signal()  # opened after an unlock, or closed by a lock

    def __init__(self, workspace: Workspace | None, interaction: Interaction) -> None:
        super().__init__()
        self._workspace = workspace
        self.interaction = interaction

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    @property
    def is_open(self) -> bool:
        return self._workspace is not None

    def set_workspace(self, workspace: Workspace | None) -> None:
        self._workspace = workspace
        self.workspace_changed.emit()

    def _open(self) -> Workspace:
        if self._workspace is None:
            raise Locked("The practice file is locked; unlock it first.")
        return self._workspace

    # --- changes -------------------------------------------------------------------------

    def attempt(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Outcome[T]:
        """Do one action; on a refusal return the error without showing it."""
        try:
            with _busy():
                value = self._open().run(fn, *args, **kwargs)
        except ServiceError as exc:
            return Outcome(error=exc)
        self.books_changed.emit(action_name(fn))
        return Outcome(value=value)

    def run(
        self, fn: Callable[..., T], *args: Any, parent: QWidget | None = None, **kwargs: Any
    ) -> T | None:
        """Do one action; on a refusal show its sentence and return None."""
        outcome = self.attempt(fn, *args, **kwargs)
        if outcome.error is not None:
            self.interaction.show_error(parent, str(outcome.error))
            return None
        return outcome.value

    # --- queries -------------------------------------------------------------------------

    def read(
        self, fn: Callable[..., T], *args: Any, parent: QWidget | None = None, **kwargs: Any
    ) -> T | None:
        """Run a query; on an error show its sentence and return None."""
        try:
            return self._open().read(fn, *args, **kwargs)
        except Locked:
            return None  # pages are cleared while locked; nothing to tell
        except ServiceError as exc:
            self.interaction.show_error(parent, str(exc))
            return None

    def call(
        self, fn: Callable[..., T], *args: Any, parent: QWidget | None = None, **kwargs: Any
    ) -> T | None:
        """Call something outside the books (such as changing the passphrase), showing errors."""
        try:
            with _busy():
                return fn(*args, **kwargs)
        except ServiceError as exc:
            self.interaction.show_error(parent, str(exc))
            return None


@contextlib.contextmanager
def _busy() -> Iterator[None]:
    app = QApplication.instance()
    if app is None:
        yield
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
