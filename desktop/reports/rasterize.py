"""PDF pages as pixels, for printing an issued document exactly as it was stored.

Printing goes through the stored PDF bytes, never a second rendering, so the
paper matches the file a reprint gives. The pages are drawn by PDFium
(pypdfium2) one at a time at a chosen resolution, so a long batch never holds
more than one page image. No Qt here: a page is plain RGB bytes and a size.

pypdfium2 is loaded on first use (it costs the window's start-up about 0.2 s),
and PDFium is not safe to call from two threads at once, so every call is
serialized by one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

POINTS_PER_INCH = 72
MAX_DPI = 1200  # a Letter page at 1200 dpi is already 40 MB of pixels

_PDFIUM = threading.RLock()


class UnreadablePdf(ValueError):
    """The bytes are not a PDF that PDFium can open."""


@dataclass(frozen=True)
class PageImage:
    """One page as 8-bit RGB pixels, top row first, rows ``stride`` bytes apart."""

    width: int
    height: int
    stride: int
    pixels: bytes
    dpi: float

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The (red, green, blue) of one pixel."""
        at = y * self.stride + 3 * x
        r, g, b = self.pixels[at : at + 3]
        return r, g, b


class PdfPages:
    """An open PDF whose pages can be counted, measured and rasterized one by one.

    Use as a context manager, so PDFium's copy of the document is freed::

        with PdfPages(pdf) as pages:
            for index in range(len(pages)):
                image = pages.render(index, 150)
    """

    def __init__(self, pdf: bytes) -> None:
        import pypdfium2

        with _PDFIUM:
            try:
                self._doc: Any = pypdfium2.PdfDocument(pdf)
            except pypdfium2.PdfiumError as exc:
                raise UnreadablePdf(f"This is not a readable PDF ({exc}).") from exc
            self._count = len(self._doc)

    def __len__(self) -> int:
        return self._count

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with _PDFIUM:
            self._doc.close()

    def size_points(self, index: int) -> tuple[float, float]:
        """Width and height of page ``index`` (from 0) in points, 1/72 inch."""
        with _PDFIUM:
            page = self._doc[index]
            try:
                width, height = page.get_size()
            finally:
                page.close()
        return float(width), float(height)

    def render(self, index: int, dpi: float) -> PageImage:
        """Page ``index`` (from 0) as RGB pixels at ``dpi`` dots per inch, on white."""
        if not 0 < dpi <= MAX_DPI:
            raise ValueError(f"A resolution from 1 to {MAX_DPI} dpi, not {dpi}.")
        if not 0 <= index < self._count:
            raise IndexError(f"page {index} of {self._count}")
        with _PDFIUM:
            page = self._doc[index]
            try:
                bitmap = page.render(
                    scale=dpi / POINTS_PER_INCH,
                    rev_byteorder=True,  # RGB rather than PDFium's native BGR
                    optimize_mode="print",
                    fill_color=(255, 255, 255, 255),
                )
                try:
                    image = PageImage(
                        width=bitmap.width,
                        height=bitmap.height,
                        stride=bitmap.stride,
                        pixels=bytes(bitmap.buffer),
                        dpi=float(dpi),
                    )
                finally:
                    bitmap.close()
            finally:
                page.close()
        if image.stride < 3 * image.width:  # a four-byte format would be misread as RGB
            raise UnreadablePdf("PDFium drew the page in an unexpected pixel format.")
        return image


def page_count(pdf: bytes) -> int:
    """How many pages the PDF has."""
    with PdfPages(pdf) as pages:
        return len(pages)


def rasterize(pdf: bytes, dpi: float, pages: Sequence[int] | None = None) -> Iterator[PageImage]:
    """Page images of ``pdf`` at ``dpi``, one at a time, for ``pages`` (from 0) or all."""
    with PdfPages(pdf) as doc:
        for index in range(len(doc)) if pages is None else pages:
            yield doc.render(index, dpi)


def combine(pdfs: Sequence[bytes]) -> bytes:
    """Several PDFs as one, each document's pages unchanged and in order."""
    import io

    import pypdfium2

    if not pdfs:
        raise ValueError("There are no documents to combine.")
    with _PDFIUM:
        combined = pypdfium2.PdfDocument.new()
        try:
            for pdf in pdfs:
                try:
                    source = pypdfium2.PdfDocument(pdf)
                except pypdfium2.PdfiumError as exc:
                    raise UnreadablePdf(f"This is not a readable PDF ({exc}).") from exc
                try:
                    combined.import_pages(source)
                finally:
                    source.close()
            out = io.BytesIO()
            combined.save(out)
        finally:
            combined.close()
    return out.getvalue()
