"""PDF pages to pixels (for printing) and several PDFs as one (for a batch)."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen import canvas

from desktop.reports.rasterize import PdfPages, UnreadablePdf, combine, page_count, rasterize


def sample_pdf(sizes: list[tuple[float, float]], label: str = "page") -> bytes:
    """One page per size, each with its number as text and a black inch square
    whose top-left corner is one inch from the page's top-left corner."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for number, (width, height) in enumerate(sizes, 1):
        pdf.setPageSize((width, height))
        pdf.drawString(200, height - 50, f"{label} {number}")
        pdf.rect(72, height - 144, 72, 72, stroke=0, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize("dpi", [72, 150])
def test_pages_come_out_at_the_asked_resolution(dpi: int) -> None:
    pdf = sample_pdf([letter, letter, A4])
    images = list(rasterize(pdf, dpi))
    assert len(images) == 3
    expected = [(8.5 * dpi, 11 * dpi), (8.5 * dpi, 11 * dpi), (A4[0] / 72 * dpi, A4[1] / 72 * dpi)]
    for image, (width, height) in zip(images, expected, strict=True):
        # PDFium rounds a size up (A4 is 595.3 points wide; 150/72 is not exact in binary).
        assert abs(image.width - width) <= 1
        assert abs(image.height - height) <= 1
    for image in images:
        assert image.stride >= 3 * image.width
        assert len(image.pixels) == image.stride * image.height
        inside = round(1.5 * dpi)  # the middle of the black square
        assert image.pixel(inside, inside) == (0, 0, 0)
        assert image.pixel(round(0.5 * dpi), round(0.5 * dpi)) == (255, 255, 255)
        assert image.pixel(image.width - 1, image.height - 1) == (255, 255, 255)
        dark = sum(1 for value in image.pixels[:: 3 * 7] if value < 128)
        # The inch square alone is about 1/93 of a Letter page; text adds a little.
        assert dark > len(image.pixels[:: 3 * 7]) / 120


def test_only_the_asked_pages_are_drawn_and_sizes_are_in_points() -> None:
    pdf = sample_pdf([letter, A4])
    assert page_count(pdf) == 2
    with PdfPages(pdf) as pages:
        assert len(pages) == 2
        assert pages.size_points(0) == pytest.approx(letter)
        assert pages.size_points(1) == pytest.approx(A4)
        with pytest.raises(IndexError):
            pages.render(2, 72)
        with pytest.raises(ValueError, match="resolution"):
            pages.render(0, 0)
    only = list(rasterize(pdf, 72, pages=[1]))
    assert [(i.width, i.height) for i in only] == [(math.ceil(A4[0]), math.ceil(A4[1]))]


def test_not_a_pdf_is_a_plain_error() -> None:
    with pytest.raises(UnreadablePdf, match="not a readable PDF"):
        page_count(b"not a pdf at all")


def test_combined_pdf_keeps_every_page_in_order() -> None:
    first = sample_pdf([letter, letter], "first")
    second = sample_pdf([letter], "second")
    combined = combine([first, second, first])
    reader = PdfReader(io.BytesIO(combined))
    texts = [page.extract_text().strip() for page in reader.pages]
    assert texts == ["first 1", "first 2", "second 1", "first 1", "first 2"]
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {letter}
    with pytest.raises(ValueError, match="no documents"):
        combine([])
