"""Backups from the window: the age of the last good one always in view, and the actions.

``BackupController`` puts a label in the status bar (red after 48 hours
without a good backup), a Backups menu (Back up now, Choose the backup
folder, Restore into a new file), a timer that backs up in the
background when the last good backup is a day old, and a backup on close.
The folder is this computer's choice (an external drive is mounted where it
is mounted), so it is kept in QSettings; it defaults to ``backups`` beside
the practice file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow

from desktop.services.backups.backup import (
    BackupInfo,
    BackupResult,
    back_up,
    backup_due,
    backup_job,
    last_good_backup,
)
from desktop.ui import style
from desktop.ui.background import JobResult
from desktop.ui.runner import ActionRunner

if TYPE_CHECKING:
    from desktop.services.backups.restore import RestoreResult

FOLDER_KEY = "backup/folder"
CHECK_EVERY_MS = 5 * 60 * 1000  # the age shown stays current; a backup is due at a day old
FRESH_ON_CLOSE = timedelta(hours=1)  # closing right after a backup does not make another


def age_text(age: timedelta) -> str:
    """``5 minutes``, ``3 hours``, ``2 days``: how a person says how long ago."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "moments"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


class BackupController(QObject):
    def __init__(
        self, window: QMainWindow, runner: ActionRunner, *, automatic: bool = True
    ) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.automatic = automatic  # off for windows built by tests
        self.settings = QSettings()
        self.running = False
        self.last_result: BackupResult | None = None
        self.last_restore: RestoreResult | None = None
        self.label = QLabel()
        self.label.setObjectName("backup_status")
        self.label.setContentsMargins(style.SPACING, 0, style.SPACING, 0)
        window.statusBar().addPermanentWidget(self.label)
        menu = window.menuBar().addMenu("&Backups")
        menu.addAction("Back up &now", self.back_up_now)
        menu.addAction("Choose the backup &folder…", self.choose_folder)
        menu.addSeparator()
        menu.addAction("&Restore a backup into a new file…", self.restore)
        self.menu = menu
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.show_status)
        self.timer.timeout.connect(self.back_up_if_due)
        if automatic:
            self.timer.start()
        runner.file_opened_or_closed.connect(self.show_status)
        self.show_status()

    # --- where and when --------------------------------------------------------------------

    def folder(self) -> Path | None:
        chosen = self.settings.value(FOLDER_KEY)
        if isinstance(chosen, str) and chosen:
            return Path(chosen)
        practice = self.runner.file_path
        return practice.parent / "backups" if practice is not None else None

    def set_folder(self, folder: Path) -> None:
        self.settings.setValue(FOLDER_KEY, str(folder))
        self.show_status()

    def _source(self) -> str | None:
        practice = self.runner.file_path
        return practice.name if practice is not None else None

    def last_good(self) -> BackupInfo | None:
        folder, source = self.folder(), self._source()
        if folder is None or source is None:
            return None
        return last_good_backup(folder, source)

    def show_status(self) -> None:
        self.menu.setEnabled(self.runner.is_open)
        if not self.runner.is_open:
            self.label.clear()
            return
        if self.running:
            self.label.setText("Backing up…")
            return
        last = self.last_good()
        stale = last is None or last.is_stale()
        if last is None:
            text = "No backup yet: Backups ▸ Back up now"
        else:
            text = f"Last backup {age_text(last.age())} ago"
            if stale:
                text += ": back up soon"
        self.label.setText(text)
        self.label.setToolTip(str(last.path) if last is not None else str(self.folder() or ""))
        palette = self.label.palette()
        colour = style.error_color(self.label) if stale else style.muted_color(self.label)
        palette.setColor(self.label.foregroundRole(), colour)
        self.label.setPalette(palette)

    # --- backing up ------------------------------------------------------------------------

    def back_up_now(self) -> None:
        self._start(quiet=False)

    def back_up_if_due(self) -> None:
        folder, source = self.folder(), self._source()
        if folder is None or source is None or self.running:
            return
        if folder.is_dir() and backup_due(folder, source):
            self._start(quiet=True)

    def _start(self, *, quiet: bool) -> None:
        folder = self.folder()
        if not self.runner.is_open or folder is None or self.running:
            return
        if not quiet:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.running = True
        self.show_status()
        task = self.runner.start(
            backup_job(folder),
            lambda result: self._done(result, quiet),
            parent=self.window if not quiet else None,
        )
        if task is None:
            self.running = False
            self.show_status()
        elif quiet:
            task.dialog.setMinimumDuration(1 << 30)  # automatic: no dialog, the status bar says

    def _done(self, result: JobResult, quiet: bool) -> None:
        self.running = False
        if result.error is not None:
            self.runner.interaction.show_error(self.window, str(result.error))
        elif result.ok:
            self.last_result = result.value
            if not quiet:
                self.runner.interaction.show_info(
                    self.window, f"Backed up and verified: {result.value.info.path.name}."
                )
        self.show_status()

    def before_close(self) -> None:
        """Back up as the window closes, unless the last good backup is under an hour old."""
        self.timer.stop()
        folder = self.folder()
        if not self.automatic or not self.runner.is_open or folder is None or self.running:
            return
        last = self.last_good()
        if last is not None and last.age(datetime.now(UTC)) < FRESH_ON_CLOSE:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return
        result = self.runner.show_refusal(self.runner.on_file(back_up, folder), self.window)
        if result is not None:
            self.last_result = result

    # --- choosing and restoring ------------------------------------------------------------

    def choose_folder(self) -> None:
        start = str(self.folder() or Path.home())
        chosen = QFileDialog.getExistingDirectory(self.window, "Choose the backup folder", start)
        if chosen:
            self.set_folder(Path(chosen))

    def ask_restore_paths(self) -> tuple[Path, Path] | None:
        """Which backup, and the new file to restore it into (tests replace this)."""
        start = str(self.folder() or Path.home())
        backup, _ = QFileDialog.getOpenFileName(
            self.window, "Restore which backup?", start, "Quiet Ledger backups (*.qlbak)"
        )
        if not backup:
            return None
        practice = self.runner.file_path
        suggested = (
            str(Path.home() / "restored.qlb")
            if practice is None
            else str(practice.with_name(f"{practice.stem}-restored.qlb"))
        )
        dest, _ = QFileDialog.getSaveFileName(
            self.window, "Restore into a new file", suggested, "Practice files (*.qlb)"
        )
        return (Path(backup), Path(dest)) if dest else None

    def restore(self) -> None:
        paths = self.ask_restore_paths()
        if not self.runner.is_open or paths is None:
            return
        from desktop.services.backups.restore import restore_job  # only when restoring

        self.runner.start(restore_job(*paths), self._restored, parent=self.window)

    def _restored(self, result: JobResult) -> None:
        if result.error is not None:
            self.runner.interaction.show_error(self.window, str(result.error))
            return
        restored: RestoreResult = result.value
        self.last_restore = restored
        opens = (
            "It opens with this practice's passphrase."
            if restored.has_key_file
            else "It opens with the recovery key only."
        )
        self.runner.interaction.show_info(
            self.window,
            f"Restored into {restored.path}. {opens} The file open now is unchanged.",
        )
