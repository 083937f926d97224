"""Good Faith Estimate PDFs, read back with pypdf: every required element of 149.610(c)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from desktop.domain.money import format_money, parse_money
from desktop.reports.documents import render_estimate
from desktop.reports.documents.estimate_rows import EstimateDoc, EstimateItem
from tests.reports.test_superbill_pdf import provider

MONEY_RE = re.compile(r"-?\$[0-9,]+\.[0-9]{2}")

ITEMS = (
    EstimateItem("90791", "First consultation and assessment", 1, Decimal("225.00")),
    EstimateItem("90837", "Therapy session, 60 minutes", 50, Decimal("180.00")),
    EstimateItem("90785", "Interpreter or complex communication", 4, Decimal("25.50")),
)
DIAGNOSES = (("F41.1", "Generalized anxiety disorder"),)


def estimate(**changes: object) -> EstimateDoc:
    base = EstimateDoc(
        number="GFE-2026-0007",
        version=2,
        issued_on=date(2026, 3, 3),
        provider=provider(),
        client_name="Katherine Anne Doyle",
        client_date_of_birth=date(1988, 4, 12),
        primary_service="Individual psychotherapy, 60 minutes, weekly",
        scheduled_on=date(2026, 3, 2),
        requested_on=None,
        first_service=date(2026, 3, 16),
        period_end=date(2027, 3, 15),
        frequency="weekly",
        items=ITEMS,
        diagnoses=DIAGNOSES,
        supersedes_number="GFE-2026-0007",
        supersedes_version=1,
    )
    return replace(base, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    # Wrapped statements break lines anywhere: compare with whitespace collapsed.
    return " ".join(" ".join(pages_text(pdf)).split())


def test_every_required_element_prints() -> None:
    doc = estimate()
    text = text_of(render_estimate(doc))
    required = [
        "Good Faith Estimate",
        "GFE-2026-0007",
        "Version 2",
        "Replaces GFE-2026-0007, version 1",
        "Issued 03/03/2026",
        # patient
        "Katherine Anne Doyle",
        "04/12/1988",
        "Scheduled on 03/02/2026",
        # provider: name, NPI, TIN, state, office location
        "Harbor Light Therapy",
        "Dana Whitfield, LMFT",
        "1234567893",
        "EIN 12-3456789",
        "State NY",
        "100 Main Street, Suite 4",
        "Albany, NY 12207",
        "(518) 555-0142",
        # primary service, period, frequency, sessions
        "Primary service",
        "Individual psychotherapy, 60 minutes, weekly",
        "Dates of service 03/16/2026 through 03/15/2027",
        "Frequency weekly · 51 sessions",  # add-on 90785 is part of a session, not its own
        # diagnoses
        "F41.1",
        "Generalized anxiety disorder",
        # items and total
        *[item.code for item in ITEMS],
        *[item.label for item in ITEMS],
        *[format_money(item.unit_fee) for item in ITEMS],
        *[format_money(item.total) for item in ITEMS],
        "Total expected charges",
        "$9,327.00",
        "Items or services to be scheduled separately: none listed",
        # the required statements
        "not a contract",
        "does not require you to obtain",
        "actual items, services or charges may differ",
        "Other items or services may be recommended",
        "$400",
        "120 calendar days",
        "will not affect the quality of the care",
        "www.cms.gov/nosurprises",
        "1-800-985-3059",
        "save a copy",
        # signature and date
        "Date: 03/03/2026",
        "Page 1 of 1",
    ]
    missing = [item for item in required if item not in text]
    assert missing == []
    assert doc.total == Decimal("9327.00")


def test_each_item_line_prints_its_quantity_and_amounts() -> None:
    lines = "\n".join(pages_text(render_estimate(estimate()))).splitlines()
    for item in ITEMS:
        printed = [line for line in lines if line.startswith(item.code)]
        assert len(printed) == 1, item.code
        row = printed[0]
        assert f" {item.quantity} " in row
        amounts = [parse_money(m) for m in MONEY_RE.findall(row)]
        assert amounts == [item.unit_fee, item.total]


def test_no_diagnosis_section_without_diagnoses() -> None:
    text = text_of(render_estimate(estimate(diagnoses=())))
    assert "Diagnosis codes" not in text
    assert "F41.1" not in text
    assert "ICD-10" not in text


def test_a_requested_estimate_prints_the_request_date() -> None:
    text = text_of(render_estimate(estimate(scheduled_on=None, requested_on=date(2026, 2, 27))))
    assert "Requested on 02/27/2026" in text
    assert "Scheduled on" not in text


def test_an_ssn_prints_masked() -> None:
    doc = estimate(provider=provider(tax_id_kind="ssn", tax_id="987-65-4321"))
    text = text_of(render_estimate(doc))
    assert "SSN XXX-XX-4321" in text
    assert "987-65" not in text
    assert "98765" not in text
    assert "EIN" not in text


def test_six_items_and_two_diagnoses_fit_on_one_page() -> None:
    items = [
        EstimateItem(f"Q{i}", f"Family session {i}, 50 minutes", 2, Decimal("100.00"))
        for i in range(6)
    ]
    diagnoses = [*DIAGNOSES, ("Z63.0", "Problems in relationship with spouse or partner")]
    pages = pages_text(render_estimate(estimate(items=items, diagnoses=diagnoses)))
    assert len(pages) == 1
    assert "Date: 03/03/2026" in pages[0]


def test_a_long_item_list_flows_onto_a_second_page_with_the_footer() -> None:
    items = [
        EstimateItem(f"S{i:03d}", f"Workshop module {i}", 1, Decimal("40.00")) for i in range(40)
    ]
    pages = pages_text(render_estimate(estimate(items=items)))
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of 2" in page
        assert "Good Faith Estimate GFE-2026-0007, version 2 · Katherine Anne Doyle" in page
    # The table header repeats where the table continues, and every item prints once.
    continued = next(page for page in pages if "S039" in page)
    assert "Service code" in continued
    text = " ".join(pages)
    assert all(text.count(f"S{i:03d}") == 1 for i in range(40))
    assert "$1,600.00" in text


def test_equal_rows_give_identical_bytes() -> None:
    assert render_estimate(estimate()) == render_estimate(estimate())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"items": ()}, "at least one expected service"),
        ({"period_end": date(2027, 3, 16)}, "at most 12 months"),
        ({"period_end": date(2026, 3, 15)}, "ends before the first service"),
        ({"scheduled_on": None}, "give its date"),
        ({"scheduled_on": date(2026, 3, 17)}, "before the day it was scheduled"),
        ({"version": 0}, "Versions start at 1"),
        ({"supersedes_number": None}, "needs the number"),
    ],
)
def test_an_impossible_estimate_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate(**changes)


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (lambda: EstimateItem("90837", "Therapy", 0, Decimal("1.00")), ValueError),
        (lambda: EstimateItem("90837", "Therapy", 1, Decimal("-1.00")), ValueError),
        (lambda: EstimateItem("90837", "Therapy", 1, Decimal("1.005")), ValueError),
        (lambda: EstimateItem("90837", "", 1, Decimal("1.00")), ValueError),
        (lambda: EstimateItem("90837", "Therapy", 1, 1.0), TypeError),
    ],
)
def test_an_impossible_item_is_refused(item, error: type[Exception]) -> None:
    with pytest.raises(error):
        item()


def test_a_leap_day_start_covers_through_the_next_february_28() -> None:
    doc = estimate(
        scheduled_on=date(2028, 2, 1), first_service=date(2028, 2, 29), period_end=date(2029, 2, 28)
    )
    assert doc.period_end == date(2029, 2, 28)
    with pytest.raises(ValueError, match="at most 12 months"):
        replace(doc, period_end=date(2029, 3, 1))
