"""A font subset cut and compressed once, then reused, gives the bytes reportlab writes."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.documents import render_superbill
from desktop.reports.documents.fonts import (
    BOLD,
    REGULAR,
    SubsetReusingFont,
    ensure_fonts,
    font_dir,
)
from tests.reports.test_superbill_pdf import client, superbill

TEXTS = [
    "Katherine Anne Doyle · 90837 – $190.00",
    "Олег Петров, Μαρία Νίκου: 01/06/2025",
    "Katherine Anne Doyle · 90837 – $190.00",  # the first text again: the kept subset
]


def pdf_of(text: str, *, compress: int = 1) -> bytes:
    out = io.BytesIO()
    canv = Canvas(out, invariant=1, pageCompression=compress)
    canv.setFont(REGULAR, 10)
    canv.drawString(72, 720, text)
    canv.setFont(BOLD, 8)
    canv.drawString(72, 700, text.upper())
    canv.showPage()
    canv.save()
    return out.getvalue()


def reportlab_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """reportlab's own TrueType fonts in place of the reusing ones, from the same files."""
    for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        monkeypatch.setitem(pdfmetrics._fonts, name, TTFont(name, str(font_dir() / filename)))


@pytest.mark.parametrize("compress", [0, 1])
def test_the_same_bytes_as_reportlab(monkeypatch: pytest.MonkeyPatch, compress: int) -> None:
    ensure_fonts()
    assert isinstance(pdfmetrics.getFont(REGULAR), SubsetReusingFont)
    docs = [superbill(), superbill(client=client(legal_name="Μαρία Νίκου")), superbill()]
    reused = [pdf_of(text, compress=compress) for text in TEXTS]
    documents = [render_superbill(doc) for doc in docs]
    reportlab_fonts(monkeypatch)
    assert not isinstance(pdfmetrics.getFont(REGULAR), SubsetReusingFont)
    assert reused == [pdf_of(text, compress=compress) for text in TEXTS]
    assert documents == [render_superbill(doc) for doc in docs]


def test_a_subset_is_cut_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_fonts()
    font = pdfmetrics.getFont(REGULAR)
    assert isinstance(font, SubsetReusingFont)
    cuts: list[tuple[int, ...]] = []
    cut = font._cut
    monkeypatch.setattr(font, "_cut", lambda subset: cuts.append(tuple(subset)) or cut(subset))
    text = "Only this test prints: Zebra quartz ÆØÅ"
    assert pdf_of(text) == pdf_of(text)
    assert len(cuts) == 1
