"""Single PDFs joined into one: the pages a batch laid out as one document has, the same
document facts, and what the singles share written once."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from desktop.reports.documents import render_batch, render_superbill
from desktop.reports.documents.joined import NotJoinable, join_pdfs
from tests.reports.test_superbill_pdf import client, lines, pages_text, superbill


def test_joined_singles_are_the_batch_page_for_page() -> None:
    docs = [
        superbill(number="SB-1", client=client(legal_name="Ana Ruiz")),
        superbill(number="SB-2", client=client(legal_name="Олег Петров"), lines=lines(45)),
        superbill(number="SB-3", client=client(legal_name="Μαρία Νίκου (Mary)")),
    ]
    joined = join_pdfs([render_superbill(doc) for doc in docs], "Superbills (3)")
    batch = render_batch(docs)
    assert pages_text(joined) == pages_text(batch)
    reader = PdfReader(io.BytesIO(joined), strict=True)
    assert reader.metadata == PdfReader(io.BytesIO(batch)).metadata
    assert reader.metadata.title == "Superbills (3)"
    assert "Page 1 of 1" in pages_text(joined)[-1]


def test_what_the_singles_share_is_written_once() -> None:
    docs = [superbill(number=f"SB-{n}") for n in range(6)]  # the same glyphs and signature
    singles = [render_superbill(doc) for doc in docs]
    joined = join_pdfs(singles, "Superbills (6)")
    assert singles[0].count(b"/FontFile2") == 2  # regular and bold
    assert joined.count(b"/FontFile2") == 2
    assert joined.count(b"/Subtype /Image") == singles[0].count(b"/Subtype /Image")
    assert len(joined) < 2 * len(singles[0])
    assert len(PdfReader(io.BytesIO(joined)).pages) == 6


def test_document_facts_come_from_the_pdf_asked_for() -> None:
    from datetime import date

    early, late = superbill(number="SB-1"), superbill(number="SB-2", issued_on=date(2025, 4, 1))
    joined = join_pdfs([render_superbill(early), render_superbill(late)], "Two", facts_from=1)
    assert PdfReader(io.BytesIO(joined)).metadata["/CreationDate"].startswith("D:20250401")


def test_a_pdf_it_does_not_know_is_refused() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(render_superbill(superbill())))
    writer.encrypt("secret")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    with pytest.raises(NotJoinable):
        join_pdfs([encrypted.getvalue()], "Encrypted")
    with pytest.raises(NotJoinable):
        join_pdfs([b"%PDF-1.4\nnot really a PDF"], "Broken")


def test_the_same_superbill_twice_is_two_pages() -> None:
    single = render_superbill(superbill())
    joined = join_pdfs([single, single], "Twice")
    reader = PdfReader(io.BytesIO(joined), strict=True)
    assert len(reader.pages) == 2
    assert reader.pages[0].indirect_reference != reader.pages[1].indirect_reference
    assert pages_text(joined) == pages_text(single) * 2
