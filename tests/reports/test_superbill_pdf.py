"""Superbill PDFs, read back with pypdf: every required field, correct totals, nothing extra."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from desktop.domain.money import ZERO, format_money, parse_money
from desktop.reports.documents import Cancelled, render_batch, render_superbill
from desktop.reports.documents.rows import (
    ClientBlock,
    DiagnosisItem,
    ProviderBlock,
    ServiceLine,
    SuperbillDoc,
)

MONEY_RE = re.compile(r"-?\$[0-9,]+\.[0-9]{2}")


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 90), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 70), (60, 15), (120, 70), (290, 30)], fill="navy", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def provider(**changes: object) -> ProviderBlock:
    base = ProviderBlock(
        practice_name="Harbor Light Therapy",
        provider_name="Dana Whitfield",
        credentials="LMFT",
        npi="1234567893",
        organization_npi="1558598797",
        tax_id_kind="ein",
        tax_id="12-3456789",
        license_number="MFT 004512",
        license_state="NY",
        address="100 Main Street, Suite 4",
        city="Albany",
        state="NY",
        zip="12207",
        phone="(518) 555-0142",
        email="dana@example.com",
        taxonomy="106H00000X",
        signature_png=signature_png(),
    )
    return replace(base, **changes)


def client(**changes: object) -> ClientBlock:
    base = ClientBlock(
        legal_name="Katherine Anne Doyle",
        preferred_name="Kit",
        date_of_birth=date(1988, 4, 12),
        address="42 Elm Street\nApt 3B",
        city="Troy",
        state="NY",
        zip="12180",
        insurer_name="Aetna",
        payer_id="60054",
        member_id="W123456789",
        group_number="GRP-0042",
        subscriber_relationship="spouse",
        subscriber_name="Nikolai Smirnov",
        subscriber_date_of_birth=date(1985, 1, 30),
    )
    return replace(base, **changes)


DIAGNOSES = (
    DiagnosisItem("A", "F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
    DiagnosisItem("B", "F41.1", "Generalized anxiety disorder"),
    DiagnosisItem("C", "Z63.0", "Problems in relationship with spouse or partner"),
)


def lines(count: int = 4, start: date = date(2025, 1, 6)) -> list[ServiceLine]:
    fees = [Decimal("190.00"), Decimal("150.00"), Decimal("175.00")]
    result = []
    for i in range(count):
        fee = fees[i % 3]
        result.append(
            ServiceLine(
                service_date=start + timedelta(days=7 * i),
                place_of_service="10" if i % 2 == 0 else "11",
                code=("90837", "90834", "90847")[i % 3],
                modifiers="95" if i % 2 == 0 else "",
                pointers="AC" if i % 3 == 2 else "AB",
                fee=fee,
                paid=fee if i < count - 1 else Decimal("60.00"),
                label=("Therapy session, 60 minutes", "Therapy session, 45 minutes")[i % 2],
            )
        )
    return result


def superbill(**changes: object) -> SuperbillDoc:
    service_lines = changes.pop("lines", None) or lines()
    base = SuperbillDoc(
        number="SB-2025-0012",
        version=2,
        supersedes_number="SB-2025-0012",
        supersedes_version=1,
        issued_on=date(2025, 3, 5),
        period_from=service_lines[0].service_date,
        period_to=service_lines[-1].service_date,
        provider=provider(),
        client=client(),
        diagnoses=DIAGNOSES,
        lines=service_lines,
    )
    return replace(base, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def amounts(line: str) -> list[Decimal]:
    return [parse_money(m, allow_negative=True) for m in MONEY_RE.findall(line)]


def test_every_required_field_prints() -> None:
    doc = superbill()
    text = text_of(render_superbill(doc))
    required = [
        "Superbill",
        "Statement for insurance reimbursement",
        "SB-2025-0012",
        "Version 2",
        "Replaces SB-2025-0012, version 1",
        "Issued 03/05/2025",
        # provider
        "Harbor Light Therapy",
        "Dana Whitfield, LMFT",
        "1234567893",
        "1558598797",
        "12-3456789",
        "MFT 004512 (NY)",
        "106H00000X",
        "100 Main Street, Suite 4",
        "Albany, NY 12207",
        "(518) 555-0142",
        # client
        "Katherine Anne Doyle",
        "04/12/1988",
        "42 Elm Street",
        "Apt 3B",
        "Troy, NY 12180",
        "Aetna",
        "60054",
        "W123456789",
        "GRP-0042",
        "Nikolai Smirnov",
        "subscriber's spouse",
        "01/30/1985",
        # diagnoses
        "Diagnoses (ICD-10-CM)",
        *[d.code for d in DIAGNOSES],
        *[d.description for d in DIAGNOSES],
        # signature block
        "I certify that I provided the services listed above.",
        "Date: 03/05/2025",
        "Page 1 of 1",
    ]
    missing = [item for item in required if item not in text]
    assert missing == []


def test_each_service_line_prints_with_its_amounts() -> None:
    doc = superbill()
    text_lines = text_of(render_superbill(doc)).splitlines()
    for line in doc.lines:
        day = f"{line.service_date:%m/%d/%Y}"
        printed = [t for t in text_lines if t.startswith(day)]
        assert len(printed) == 1, day
        row = printed[0]
        for token in (line.place_of_service, line.code, " ".join(line.pointers), line.label):
            assert token in row
        if line.modifiers:
            assert f" {line.modifiers} " in row
        assert amounts(row) == [line.fee, line.paid, line.fee - line.paid]


def test_totals_equal_the_sum_of_the_lines() -> None:
    service_lines = lines(7)
    text = text_of(render_superbill(superbill(lines=service_lines)))
    charged = sum((line.fee for line in service_lines), ZERO)
    paid = sum((line.paid for line in service_lines), ZERO)
    totals_row = next(t for t in text.splitlines() if t.startswith("Totals"))
    assert amounts(totals_row) == [charged, paid, charged - paid]
    assert f"Balance due {format_money(charged - paid)}" in text


def test_self_insured_client_has_no_subscriber_rows() -> None:
    doc = superbill(client=client(subscriber_relationship="self", subscriber_name=""))
    text = text_of(render_superbill(doc))
    assert "Subscriber" not in text
    assert "Katherine Anne Doyle" in text


def test_preferred_name_never_prints() -> None:
    text = text_of(render_superbill(superbill()))
    assert "Kit" not in text
    assert "Katherine Anne Doyle" in text


def test_ssn_prints_masked_to_last_four() -> None:
    doc = superbill(provider=provider(tax_id_kind="ssn", tax_id="536-90-4321"))
    text = text_of(render_superbill(doc))
    assert "XXX-XX-4321" in text
    assert "536" not in text
    assert "EIN" not in text


def test_codes_only_hides_descriptions() -> None:
    text = text_of(render_superbill(superbill(codes_only=True)))
    for diagnosis in DIAGNOSES:
        assert diagnosis.code in text
        assert diagnosis.description not in text
    assert "disorder" not in text


def test_greek_and_cyrillic_names_are_extractable_from_an_embedded_font() -> None:
    name = "Αλεξάνδρα Παπαδοπούλου-Смирнова"
    doc = superbill(client=client(legal_name=name, subscriber_name="Дмитрий Смирнов"))
    pdf = render_superbill(doc)
    text = text_of(pdf)
    assert name in text
    assert "Дмитрий Смирнов" in text
    fonts = embedded_fonts(pdf)
    assert fonts, "no fonts found"
    for base_font, embedded in fonts:
        assert embedded, f"{base_font} is not embedded"
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", base_font), base_font


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, has an embedded font file) for every font any page uses."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            has_file = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = has_file
    return sorted(found.items())


def test_markup_characters_print_as_typed() -> None:
    doc = superbill(provider=provider(practice_name="Lee & Park <Counseling>"))
    assert "Lee & Park <Counseling>" in text_of(render_superbill(doc))


def test_signature_image_is_embedded_only_when_given() -> None:
    with_signature = render_superbill(superbill())
    without = render_superbill(superbill(provider=provider(signature_png=None)))
    assert image_count(with_signature) == 1
    assert image_count(without) == 0


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_same_rows_give_identical_bytes() -> None:
    first = render_superbill(superbill())
    again = render_superbill(superbill())  # equal rows, new objects
    assert first == again
    other_day = render_superbill(superbill(issued_on=date(2025, 3, 6)))
    assert other_day != first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20250305")


def test_bytes_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """A reprint in a later session (another hash seed) is byte-identical."""
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('t', {str(Path(__file__))!r})\n"
        "t = importlib.util.module_from_spec(spec); spec.loader.exec_module(t)\n"
        "from desktop.reports.documents import render_superbill\n"
        "sys.stdout.buffer.write(render_superbill(t.superbill()))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, check=True, timeout=120
    )
    assert result.stdout == render_superbill(superbill())


def test_long_superbill_paginates_with_the_header_on_every_page() -> None:
    service_lines = lines(45)
    pdf = render_superbill(superbill(lines=service_lines))
    pages = pages_text(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert all(header in page for header in ("pointer", "Modifiers", "Balance"))
        assert f"Page {number} of {len(pages)}" in page
        assert "SB-2025-0012" in page  # the footer names the superbill on every page
    text_lines = "\n".join(pages).splitlines()
    for line in service_lines:
        day = f"{line.service_date:%m/%d/%Y}"
        assert sum(t.startswith(day) for t in text_lines) == 1, day
    assert sum("Totals" in page for page in pages) == 1
    assert "Totals" in pages[-1]
    totals_row = next(t for t in pages[-1].splitlines() if t.startswith("Totals"))
    charged = sum((line.fee for line in service_lines), ZERO)
    paid = sum((line.paid for line in service_lines), ZERO)
    assert amounts(totals_row) == [charged, paid, charged - paid]


def test_batch_renders_every_superbill_with_its_own_page_count() -> None:
    docs = [
        superbill(number="SB-1", client=client(legal_name="Ana Ruiz")),
        superbill(number="SB-2", client=client(legal_name="Олег Петров"), lines=lines(45)),
        superbill(number="SB-3", client=client(legal_name="Μαρία Νίκου")),
    ]
    calls: list[tuple[int, int]] = []
    pdf = render_batch(docs, lambda done, total: calls.append((done, total)) is None)
    pages = pages_text(pdf)
    assert [c[0] for c in calls] == [0, 1, 2, 3]
    assert all(total == 3 for _, total in calls)
    long_pages = len(pages) - 2
    assert long_pages >= 2
    assert "Ana Ruiz" in pages[0]
    assert "Page 1 of 1" in pages[0]
    assert "Олег Петров" in pages[1]
    assert f"Page 1 of {long_pages}" in pages[1]
    assert f"Page {long_pages} of {long_pages}" in pages[-2]
    assert "Μαρία Νίκου" in pages[-1]
    assert "Page 1 of 1" in pages[-1]


def test_batch_stops_when_progress_says_so() -> None:
    docs = [superbill(number=f"SB-{n}") for n in range(5)]
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 2

    with pytest.raises(Cancelled):
        render_batch(docs, progress)
    assert seen == [0, 1, 2]


def test_batch_cancelled_before_starting() -> None:
    with pytest.raises(Cancelled):
        render_batch([superbill()], lambda done, total: False)


def test_batch_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no superbills"):
        render_batch([])


def test_rows_refuse_what_cannot_print() -> None:
    with pytest.raises(ValueError, match="not listed"):
        superbill(lines=[replace(lines(1)[0], pointers="AD")])
    with pytest.raises(ValueError, match="1 to 12"):
        superbill(diagnoses=[DiagnosisItem(chr(65 + i), f"F4{i}.1") for i in range(13)])
    with pytest.raises(ValueError, match="lettered"):
        superbill(diagnoses=[DiagnosisItem("B", "F41.1")])
    with pytest.raises(ValueError, match="1 to 4"):
        replace(lines(1)[0], pointers="ABCDE")
    with pytest.raises(TypeError, match="Decimal"):
        replace(lines(1)[0], fee=190.0)
    with pytest.raises(ValueError, match="two digits"):
        replace(lines(1)[0], place_of_service="1")


def test_a_totals_row_never_starts_a_page_alone() -> None:
    from desktop.reports.documents.grid import Column, Grid, Row

    rows = [Row(["Head"]), *[Row([f"line {n}"]) for n in range(3)], Row(["Totals"])]
    grid = Grid([Column(100)], rows, header_rows=1, tail_rows=1)
    _, height = grid.wrap(100, 1000)
    row_height = height / len(rows)
    first, rest = grid.split(100, row_height * 4.5)  # room for the header and three lines
    assert [r.cells[0] for r in first.rows] == ["Head", "line 0", "line 1"]
    assert [r.cells[0] for r in rest.rows] == ["Head", "line 2", "Totals"]
    assert grid.split(100, row_height * 1.5) == []  # only the header would fit: move on
