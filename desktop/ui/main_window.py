"""The main window: a navigation list, the pages, the actions, and locking.

It is a shell: each page is its own module (see ``desktop.ui.pages``), and all
changes to the books go through the action runner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes, Topic
from desktop.services.practice.settings import get_settings, practice_name
from desktop.ui import actions, style
from desktop.ui.autolock import IdleWatcher
from desktop.ui.dialogs.backup import BackupController
from desktop.ui.interaction import Interaction
from desktop.ui.pages import PAGES, attention_query, page_class
from desktop.ui.pages.base import Page, PageCommand, PageContext
from desktop.ui.runner import ActionRunner

if TYPE_CHECKING:
    from desktop.forms.about import AboutFacts
    from desktop.ui.dialogs.unlock import Opener, UnlockDialog

APP_TITLE = "Quiet Ledger"
COUNTS_AFTER_MS = 300
# What the navigation's counts depend on: claims and documents for the claims queue; the
# estimates, and what is billed against them (money), for the estimates needing action.
COUNTED_TOPICS: Changes = frozenset(
    {Topic.CLAIMS, Topic.DOCUMENTS, Topic.CLIENTS, Topic.PRACTICE, Topic.ESTIMATES, Topic.MONEY}
)


OPENING_SHARE = 0.85  # of the screen, the first time: room around it on a large screen


def opening_geometry(screen: QRect) -> QRect:
    """Where the window first opens: most of the screen, centered, never larger than it; a
    small laptop's whole screen (1280x800 and below)."""
    small = screen.width() <= SMALL_SCREEN.width() or screen.height() <= SMALL_SCREEN.height()
    share = 1.0 if small else OPENING_SHARE
    size = QSize(round(screen.width() * share), round(screen.height() * share))
    frame = QRect(QPoint(0, 0), size)
    frame.moveCenter(screen.center())
    return frame


SMALL_SCREEN = QSize(1366, 800)


class MainWindow(QMainWindow):
    def __init__(
        self,
        runner: ActionRunner,
        opener: Opener,
        file_label: str,
        interaction: Interaction,
        *,
        remember_geometry: bool = True,
        about: Callable[[], AboutFacts] | None = None,
    ) -> None:
        super().__init__()
        self.runner = runner
        self._opener = opener
        self._file_label = file_label
        self._remember = remember_geometry
        self._about = about  # Help -> About's facts, gathered when it is opened
        self._unlock_dialog: UnlockDialog | None = None
        self._lock_pending = False  # Lock asked for while a job was using the file
        self._context = PageContext(runner=runner, interaction=interaction, navigator=self)
        # Pages are built on first visit: the window shows sooner, and a page the
        # user never opens in a session costs nothing.
        self._built: dict[int, Page] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setContentsMargins(0, style.SPACING, 0, 0)
        self.stack = QStackedWidget()
        row_height = self.fontMetrics().height() + style.SPACING * 2
        for spec in PAGES:
            item = QListWidgetItem(spec.title)
            item.setSizeHint(QSize(0, row_height))
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
        widest = [self.fontMetrics().horizontalAdvance("M" * 9), self.nav.sizeHintForColumn(0)]
        widest += [
            self.fontMetrics().horizontalAdvance(f"{spec.title}  (999)")
            for spec in PAGES
            if spec.attention
        ]
        self.nav.setFixedWidth(max(widest) + style.MARGIN * 2)
        self.nav.currentRowChanged.connect(self._show_row)

        content = QWidget()
        row = QHBoxLayout(content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.content = content
        self._locked_panel: QWidget | None = None  # built the first time the window locks
        self.central = QStackedWidget()
        self.central.addWidget(content)
        self.setCentralWidget(self.central)

        self.idle = IdleWatcher()
        self.idle.idle.connect(self.lock)
        self._build_actions()
        self.backups = BackupController(self, runner, automatic=remember_geometry)  # not in tests
        runner.books_changed.connect(self._books_changed)
        self._after_unlock()
        self.nav.setCurrentRow(0)
        self._restore_geometry()

    # --- actions ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for position, spec in enumerate(PAGES):
            for command in spec.commands:
                action = self._action(command.text, command.shortcut)
                action.triggered.connect(
                    lambda _=False, i=position, c=command.command: self._run_command(i, c)
                )
                file_menu.addAction(action)
        file_menu.addSeparator()
        self.lock_action = self._action(actions.LOCK.text, actions.LOCK.shortcut)
        self.lock_action.triggered.connect(self.lock)
        file_menu.addAction(self.lock_action)
        quit_action = self._action(actions.QUIT.text, actions.QUIT.shortcut)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = bar.addMenu("&Go")
        find = self._action(actions.FIND.text, actions.FIND.shortcut)
        find.triggered.connect(self.focus_search)
        go_menu.addAction(find)
        go_menu.addSeparator()
        for position, spec in enumerate(PAGES):
            action = self._action(spec.title, actions.page_shortcut(position))
            action.triggered.connect(lambda _=False, i=position: self.nav.setCurrentRow(i))
            go_menu.addAction(action)
        self._data_menus = (file_menu, go_menu)
        if self._about is not None:
            about = self._action(actions.ABOUT.text, actions.ABOUT.shortcut)
            about.setMenuRole(QAction.MenuRole.AboutRole)
            about.triggered.connect(self.show_about)
            bar.addMenu("&Help").addAction(about)

    def show_about(self) -> None:
        from desktop.ui.dialogs.about import AboutDialog  # built only when asked for

        if self._about is not None:
            dialog = AboutDialog(self._about(), self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def _action(self, text: str, shortcut: str) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _run_command(self, position: int, command: PageCommand) -> None:
        if not self.runner.is_open:
            return
        self.nav.setCurrentRow(position)
        self._page_at(position).run_command(command)

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None and self.runner.is_open:
            page.focus_search()

    # --- navigation (the pages' Navigator) -------------------------------------------------

    @property
    def pages(self) -> list[Page]:
        """The pages built so far, in navigation order."""
        return [self._built[i] for i in sorted(self._built)]

    def _page_at(self, position: int) -> Page:
        page = self._built.get(position)
        if page is None:
            page = page_class(PAGES[position])(self._context)
            placeholder = self.stack.widget(position)
            self.stack.insertWidget(position, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[position] = page
        return page

    def _position(self, page_id: str) -> int | None:
        ids = [spec.page_id for spec in PAGES]
        return ids.index(page_id) if page_id in ids else None

    def _show_row(self, position: int) -> None:
        if position >= 0:
            self.stack.setCurrentWidget(self._page_at(position))

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def page(self, page_id: str) -> Page | None:
        """The page with this id, built now if it has not been shown yet."""
        position = self._position(page_id)
        return None if position is None else self._page_at(position)

    def show_page(self, page_id: str) -> None:
        position = self._position(page_id)
        if position is not None:
            self.nav.setCurrentRow(position)

    def open_unit(self, unit_id: int) -> None:
        page = self.page("clients")
        if page is not None:
            self.show_page("clients")
            page.open_unit(unit_id)  # type: ignore[attr-defined]

    # --- locking ---------------------------------------------------------------------------

    @property
    def locked_panel(self) -> QWidget:
        if self._locked_panel is None:
            self._locked_panel = self._build_locked_panel()
            self.central.addWidget(self._locked_panel)
        return self._locked_panel

    def _build_locked_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.addStretch(1)
        label = QLabel("Quiet Ledger is locked.")
        label.setFont(style.title_font(label.font(), 1.3))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        button = QPushButton("Unlock…")
        button.clicked.connect(self.ask_unlock)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return panel

    @property
    def is_locked(self) -> bool:
        return not self.runner.is_open

    def lock(self) -> None:
        """Hide every client detail, close the file, and ask for the passphrase again.

        While a job (an export, a backup, an import) is using the file, the window
        says so and locks the moment the job ends, never in the middle of it.
        """
        if self.is_locked or self._lock_pending:
            return
        if self.runner.busy:
            self._lock_pending = True
            self.runner.idle.connect(self._lock_when_idle)
            self.statusBar().showMessage(
                f"Quiet Ledger will lock as soon as this finishes: {self.runner.busy_with}"
            )
            return
        self.idle.stop()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self._unlock_dialog:
                dialog.reject()
        for page in self.pages:
            page.clear()
            page.mark_stale()
        self.central.setCurrentWidget(self.locked_panel)
        for menu in self._data_menus:
            menu.setEnabled(False)
        self._close_file()
        self._show_counts()
        self.setWindowTitle(f"{APP_TITLE} — Locked")
        # After this event: a dialog that was just rejected may still be unwinding.
        QTimer.singleShot(0, self.ask_unlock)

    def _lock_when_idle(self) -> None:
        self.runner.idle.disconnect(self._lock_when_idle)
        self._lock_pending = False
        self.statusBar().clearMessage()
        self.lock()

    def _close_file(self) -> None:
        workspace = self.runner.take_workspace()
        if workspace is not None:
            workspace.close()

    def ask_unlock(self) -> None:
        if not self.is_locked or (self._unlock_dialog and self._unlock_dialog.isVisible()):
            return
        from desktop.ui.dialogs.unlock import UnlockDialog  # needed only once locked

        dialog = UnlockDialog(self._opener, self._file_label, self)
        dialog.accepted.connect(lambda: self._unlocked(dialog))
        self._unlock_dialog = dialog
        dialog.open()

    def _unlocked(self, dialog: UnlockDialog) -> None:
        self.runner.set_workspace(dialog.workspace)
        self._unlock_dialog = None
        dialog.deleteLater()
        self._after_unlock()
        page = self.current_page()
        if page is not None:
            page.reload()

    def _after_unlock(self) -> None:
        self._show_title()
        self.central.setCurrentWidget(self.content)
        for menu in self._data_menus:
            menu.setEnabled(True)
        self._apply_autolock()
        # Counting reads the claims; let the window paint first.
        QTimer.singleShot(COUNTS_AFTER_MS, self._show_counts)
        self.idle.start()

    def _apply_autolock(self) -> None:
        settings = self.runner.read(get_settings, parent=self)
        if settings is not None:
            self.idle.set_minutes(settings.autolock_minutes)

    def _show_title(self) -> None:
        name = self.runner.read(practice_name, parent=self) or "Practice"
        self.setWindowTitle(f"{APP_TITLE} — {name}")

    def _books_changed(self, changes: Changes) -> None:
        # The practice's name and auto-lock minutes are settings; follow their changes.
        if Topic.PRACTICE in changes:
            self._show_title()
            self._apply_autolock()
        if changes & COUNTED_TOPICS:
            self._show_counts()

    def _show_counts(self) -> None:
        """Put each page's attention count beside its title in the navigation."""
        for position, spec in enumerate(PAGES):
            query = attention_query(spec)
            if query is None:
                continue
            item = self.nav.item(position)
            count = self.runner.read(query, parent=self) if self.runner.is_open else None
            if count:
                item.setText(f"{spec.title}  ({count})")
                item.setToolTip(spec.attention_tip.format(n=count))
            else:
                item.setText(spec.title)
                item.setToolTip("")

    # --- window state ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        screen = self.screen().availableGeometry()
        if self._remember:
            state = QSettings().value("main_window/geometry")
            # On a smaller screen since (a laptop off its monitor), it is fitted again.
            restored = isinstance(state, QByteArray) and self.restoreGeometry(state)
            if restored and screen.contains(self.frameGeometry()):
                return
        frame = opening_geometry(screen)
        self.resize(frame.size())
        self.move(frame.topLeft())
        if frame.size() == screen.size():
            # A small laptop's screen: maximized, so the window manager fits the frame in.
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            # Closing now would cut a job off mid-file; it can be cancelled from its dialog.
            self.runner.interaction.show_info(
                self,
                f"Quiet Ledger is still busy ({self.runner.busy_with}). Wait for it to "
                "finish, or press Cancel in its progress window, then quit.",
            )
            event.ignore()
            return
        self.backups.before_close()
        if self._remember:
            QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.idle.stop()
        for page in self.pages:
            page.clear()
        self._close_file()
        super().closeEvent(event)
