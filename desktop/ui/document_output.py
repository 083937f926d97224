"""Where an issued document goes from the screen: saved as a PDF file, or printed.

``DocumentOutput`` is mixed into the widgets that hand out documents (the
Superbills page, the client page's Documents button). Its three ``choose_``
methods are the questions asked of the person; tests replace them, so every
flow runs headless.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QStandardPaths
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.reports.atomic import atomic_output
from desktop.ui.background import BackgroundTask, JobResult
from desktop.ui.printing import ask_printer, start_printing

if TYPE_CHECKING:
    from desktop.ui.runner import ActionRunner


class Output(StrEnum):
    PRINT = "print"
    SAVE = "save"


def ask_pdf_path(parent: QWidget, caption: str, suggested: str) -> Path | None:
    """Ask where to save a PDF, starting in the Documents folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getSaveFileName(
        parent, caption, str(Path(folder) / suggested), "PDF (*.pdf)"
    )
    return Path(chosen) if chosen else None


def save_pdf(pdf: bytes, path: Path) -> None:
    """Write a PDF atomically, readable only by its owner."""
    with atomic_output(path) as handle:
        handle.write(pdf)


def ask_print_or_save(parent: QWidget, text: str) -> Output | None:
    """Tell what was issued and offer Print, Save as PDF or Close (None)."""
    box = QMessageBox(QMessageBox.Icon.Information, "Quiet Ledger", text, parent=parent)
    printing = box.addButton("Print…", QMessageBox.ButtonRole.AcceptRole)
    saving = box.addButton("Save as PDF…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(printing)
    box.exec()
    clicked = box.clickedButton()
    if clicked is printing:
        return Output.PRINT
    return Output.SAVE if clicked is saving else None


class DocumentOutput:
    """Save-as-PDF and Print for a widget that has a ``runner``."""

    runner: ActionRunner
    last_print: JobResult | None = None  # how the latest print job ended

    def _widget(self) -> QWidget:
        return cast(QWidget, self)

    # --- the questions (tests replace these) -----------------------------------------------

    def choose_save_path(self, caption: str, suggested: str) -> Path | None:
        return ask_pdf_path(self._widget(), caption, suggested)

    def choose_printer(
        self, parent: QWidget | None, printer: QPrinter, pages: int
    ) -> QPrinter | None:
        return ask_printer(parent, printer, pages)

    def choose_output(self, text: str) -> Output | None:
        return ask_print_or_save(self._widget(), text)

    # --- doing it --------------------------------------------------------------------------

    def save_as(self, pdf: bytes, caption: str, suggested: str) -> Path | None:
        """Ask where, then write ``pdf`` there; the path written, or None."""
        path = self.choose_save_path(caption, suggested)
        if path is None:
            return None
        try:
            save_pdf(pdf, path)
        except OSError as exc:
            self.runner.interaction.show_error(
                self._widget(), f"{path.name} could not be saved there ({exc.strerror or exc})."
            )
            return None
        return path

    def print_document(self, pdf: bytes, name: str) -> BackgroundTask | None:
        """Ask for a printer, then print ``pdf`` in the background as ``name``."""
        self.last_print = None
        return start_printing(
            self._widget(),
            pdf,
            name,
            self.runner.interaction,
            choose=self.choose_printer,
            on_done=self._printed,
        )

    def _printed(self, result: JobResult) -> None:
        self.last_print = result

    def offer(self, pdf: bytes, text: str, name: str) -> None:
        """Say what was issued (``text``) and print it or save it as ``name``.pdf."""
        choice = self.choose_output(text)
        if choice is Output.PRINT:
            self.print_document(pdf, name)
        elif choice is Output.SAVE:
            self.save_as(pdf, f"Save {name} as PDF", f"{name}.pdf")
