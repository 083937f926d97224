"""What every page of the main window is: a widget that reloads from the books on demand
and forgets everything when the practice file is locked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any, ClassVar, Protocol

from PySide6.QtWidgets import QWidget

from desktop.services.changes import EVERYTHING, Changes
from desktop.ui.interaction import Interaction
from desktop.ui.runner import ActionRunner


class Navigator(Protocol):
    """What a page may ask of the window around it."""

    def show_page(self, page_id: str) -> None: ...

    def open_unit(self, unit_id: int) -> None: ...


class PageCommand(Enum):
    """A page's own menu action; the page maps each it offers to a method (``handlers``)."""

    NEW_CLIENT = auto()
    RECORD_SESSION = auto()
    RECORD_PAYMENT = auto()
    ISSUE_SUPERBILL = auto()
    ISSUE_CLAIM_FORM = auto()
    NEW_ESTIMATE = auto()
    PRINT_SELECTED = auto()
    IMPORT = auto()
    EXPORT = auto()


@dataclass(frozen=True)
class Command:
    """A menu action with a shortcut, such as New client (Ctrl+N).

    The window turns each into one QAction: it shows the page (building it if need
    be), then asks it to ``run_command(command)``.
    """

    text: str
    shortcut: str
    command: PageCommand


@dataclass(frozen=True)
class PageContext:
    runner: ActionRunner
    interaction: Interaction
    navigator: Navigator


class Page(QWidget):
    # Stable name, for navigation between pages; its title and menu commands are
    # declared with it in ``desktop.ui.pages.PAGES``.
    page_id: ClassVar[str]
    # The kinds of records this page shows: a change to any other kind leaves it be.
    topics: ClassVar[Changes] = EVERYTHING
    # What each of the page's menu commands calls: the unbound method itself.
    handlers: ClassVar[Mapping[PageCommand, Callable[[Any], object]]] = {}

    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.runner = context.runner
        self._stale = True
        self.runner.books_changed.connect(self.on_books_changed)

    def refresh(self) -> None:
        """Reload everything shown from the books."""

    def clear(self) -> None:
        """Forget every client detail shown (the file is being locked)."""

    def focus_search(self) -> None:
        """Put the cursor in the page's search box, if it has one (Ctrl+F)."""

    def run_command(self, command: PageCommand) -> None:
        """Do one of the page's menu commands."""
        self.handlers[command](self)

    def on_books_changed(self, changes: Changes) -> None:
        """If this page shows what changed: refresh now if visible, else when next shown."""
        if not changes & self.topics:
            return
        self._stale = True
        if self.isVisible() and self.runner.is_open:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self.refresh()

    def mark_stale(self) -> None:
        self._stale = True

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale and self.runner.is_open:
            self.reload()
