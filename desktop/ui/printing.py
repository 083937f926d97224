"""Printing an issued document through Qt's print dialog, exactly as it was stored.

The stored PDF is drawn page by page into pixels (``desktop.reports.rasterize``,
since the PySide6 wheels carry no QtPdf) at the printer's resolution, capped
at 300 dpi, and each page image is painted onto the QPrinter scaled to the
paper. Only one page image exists at a time, so a month's batch prints in
bounded memory. The printing runs in the background with a progress dialog
whose Cancel stops before the next page.

The dialog opens on US Letter, portrait, full page (the documents are laid
out on Letter with their own margins). Choosing the printer is a separate
step (``ask_printer``) so that tests hand over a printer writing a PDF file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from desktop.reports.rasterize import PageImage, PdfPages, UnreadablePdf, page_count
from desktop.services.errors import ServiceError
from desktop.ui.background import BackgroundTask, JobResult, Progress, run_in_background
from desktop.ui.interaction import Interaction

MAX_DPI = 300  # more only makes the spool file bigger; text is crisp at 300
MIN_DPI = 72

ChoosePrinter = Callable[[QWidget | None, QPrinter, int], QPrinter | None]


class PrintFailed(ServiceError):
    """The printer could not be started or refused a page."""


@dataclass(frozen=True)
class Printed:
    """What went to the printer."""

    sheets: int  # pages painted, copies included
    printer: str


def letter_printer(doc_name: str) -> QPrinter:
    """A printer set up for the documents: US Letter, portrait, the whole sheet."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF carries its own margins
    printer.setDocName(doc_name)
    return printer


def ask_printer(parent: QWidget | None, printer: QPrinter, pages: int) -> QPrinter | None:
    """Qt's print dialog over ``printer``; None when the person cancels."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print {printer.docName()}")
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOption(option.PrintPageRange, pages > 1)
    dialog.setOption(option.PrintCollateCopies, True)
    dialog.setOption(option.PrintSelection, False)
    dialog.setOption(option.PrintCurrentPage, False)
    dialog.setMinMax(1, pages)
    dialog.setFromTo(1, pages)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def sheet_plan(printer: QPrinter, pages: int) -> list[int]:
    """The page indexes (from 0) in the order they go to paper.

    Honors the chosen page range and page order; copies are repeated here
    only when the printer cannot make them itself (a PDF file, plain lpr).
    """
    chosen = list(range(pages))
    ranges = printer.pageRanges()
    if printer.printRange() == QPrinter.PrintRange.PageRange and not ranges.isEmpty():
        chosen = [index for index in chosen if ranges.contains(index + 1)]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    if printer.collateCopies():
        return chosen * copies
    return [index for index in chosen for _copy in range(copies)]


def print_pdf(pdf: bytes, printer: QPrinter, progress: Progress | None = None) -> Printed | None:
    """Paint every planned page of ``pdf`` onto ``printer``; None when canceled.

    Raises PrintFailed when the printer cannot be started, UnreadablePdf for
    bytes that are not a PDF.
    """
    dpi = max(MIN_DPI, min(printer.resolution(), MAX_DPI))
    with PdfPages(pdf) as pages:
        plan = sheet_plan(printer, len(pages))
        if not plan:
            raise PrintFailed("The chosen pages are not in this document.")
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(_not_started(printer))
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            shown: tuple[int, PageImage] | None = None
            for done, index in enumerate(plan):
                if progress is not None and progress(done, len(plan)) is False:
                    printer.abort()
                    return None
                if done and not printer.newPage():
                    raise PrintFailed(f"The printer stopped after {done} pages.")
                if shown is None or shown[0] != index:  # uncollated copies reuse the image
                    shown = (index, pages.render(index, dpi))
                _paint(painter, printer, shown[1])
            if progress is not None:
                progress(len(plan), len(plan))
        finally:
            painter.end()
    return Printed(len(plan), printer.printerName() or printer.outputFileName())


def _paint(painter: QPainter, printer: QPrinter, page: PageImage) -> None:
    """The page image, as large as the paper allows without changing its shape, centered."""
    image = QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888)
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / page.width, paper.height() / page.height)
    width, height = page.width * scale, page.height * scale
    target = QRectF(
        paper.x() + (paper.width() - width) / 2,
        paper.y() + (paper.height() - height) / 2,
        width,
        height,
    )
    painter.drawImage(target, image)


def _not_started(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"{printer.outputFileName() or 'The PDF file'} could not be written."
    if not printer.isValid() or not printer.printerName():
        return "No printer is set up on this computer; use Save as PDF instead."
    return f"The printer {printer.printerName()} could not be started; check that it is on."


def start_printing(
    parent: QWidget | None,
    pdf: bytes,
    name: str,
    interaction: Interaction,
    *,
    choose: ChoosePrinter = ask_printer,
    on_done: Callable[[JobResult], None] | None = None,
) -> BackgroundTask | None:
    """Ask for a printer, then print ``pdf`` in the background.

    ``name`` is what the print queue shows (the document's number). Problems
    are told through ``interaction`` as plain sentences; ``on_done`` then gets
    the job's result (a ``Printed``) too. Returns None when nothing was started.
    """
    try:
        pages = page_count(pdf)
    except UnreadablePdf:
        interaction.show_error(parent, f"{name} could not be read for printing.")
        return None
    printer = choose(parent, letter_printer(name), pages)
    if printer is None:
        return None  # the person closed the dialog: nothing to say
    if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and not printer.isValid():
        interaction.show_error(parent, _not_started(printer))
        return None

    def job(progress: Progress) -> Printed | None:
        return print_pdf(pdf, printer, progress)

    def done(result: JobResult) -> None:
        if result.error is not None:
            interaction.show_error(parent, str(result.error))
        elif result.cancelled:
            interaction.show_info(
                parent,
                f"Printing {name} was canceled. Pages already sent to the printer may "
                "still come out.",
            )
        if on_done is not None:
            on_done(result)

    return run_in_background(parent, f"Printing {name}…", job, done)
