"""Statements and receipts, read back with pypdf: content, arithmetic, envelope fit, privacy."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.domain.money import ZERO, parse_money
from desktop.reports.documents import render_receipt, render_statement
from desktop.reports.documents.fonts import BOLD, REGULAR, ensure_fonts
from desktop.reports.documents.rows import (
    AppliedTo,
    MailingAddress,
    PracticeBlock,
    ReceiptDoc,
    StatementDoc,
    StatementLine,
    StatementOpenItem,
)

MONEY_RE = re.compile(r"-?\$[0-9,]+\.[0-9]{2}")
ICD_RE = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b")
INCH = 72
PAGE_HEIGHT = 11 * INCH

PRACTICE = PracticeBlock(
    name="Harbor Light Therapy",
    address="100 Main Street\nSuite 4",
    city="Albany",
    state="NY",
    zip="12207",
    phone="(518) 555-0142",
    email="dana@example.com",
    provider_name="Dana Whitfield",
    credentials="LMFT",
)
CLIENT = MailingAddress(
    name="Αλεξάνδρα Παπαδοπούλου",
    address="42 Elm Street\nApt 3B",
    city="Troy",
    state="NY",
    zip="12180",
)


def activity(weeks: int = 3) -> list[StatementLine]:
    result = []
    for week in range(weeks):
        day = date(2025, 3, 3) + timedelta(weeks=week)
        result.append(StatementLine(day, "Therapy session, 60 minutes", charge=Decimal("190.00")))
        if week % 2:
            result.append(
                StatementLine(day, "Payment, Visa ending 4242, thank you", credit=Decimal("300.00"))
            )
    return result


def statement(**changes: object) -> StatementDoc:
    base = StatementDoc(
        number="ST-2025-0031",
        issued_on=date(2025, 3, 31),
        as_of=date(2025, 3, 31),
        practice=PRACTICE,
        client=CLIENT,
        opening_balance=Decimal("40.00"),
        lines=activity(),
        period_from=date(2025, 3, 1),
        due_on=date(2025, 4, 15),
        message="We now accept HSA and FSA cards.",
        open_items=(
            StatementOpenItem(
                date(2025, 3, 10), "Psychotherapy, 53 minutes (90837)", D190, Decimal("120.00")
            ),
            StatementOpenItem(date(2025, 3, 17), "Psychotherapy, 55 minutes (90837)", D190, D190),
        ),
        aging=(D190, Decimal("120.00"), ZERO, ZERO, ZERO),
        last_statement_on=date(2025, 2, 28),
    )
    return replace(base, **changes)


D190 = Decimal("190.00")


def receipt(**changes: object) -> ReceiptDoc:
    base = ReceiptDoc(
        number="R-2025-0107",
        issued_on=date(2025, 3, 12),
        practice=PRACTICE,
        client_name="Олег Петров",
        payment_date=date(2025, 3, 11),
        amount=Decimal("400.00"),
        method="Visa",
        reference="ending 4242",
        applied=(
            AppliedTo(date(2025, 3, 3), "Therapy session, 60 minutes", Decimal("190.00")),
            AppliedTo(date(2025, 3, 10), "Therapy session, 60 minutes", Decimal("190.00")),
        ),
        credit_remaining=Decimal("20.00"),
    )
    return replace(base, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def amounts(line: str) -> list[Decimal]:
    return [parse_money(m, allow_negative=True) for m in MONEY_RE.findall(line)]


# -- statement -----------------------------------------------------------------


def test_statement_prints_everything_a_client_needs() -> None:
    text = text_of(render_statement(statement()))
    required = [
        "Statement",
        "ST-2025-0031",
        "03/31/2025",
        "Harbor Light Therapy",
        "100 Main Street, Suite 4",
        "Albany, NY 12207",
        "Αλεξάνδρα Παπαδοπούλου",
        "42 Elm Street",
        "Apt 3B",
        "Troy, NY 12180",
        "Account summary",
        "Balance before 03/01/2025 $40.00",
        "03/01/2025 to 03/31/2025",
        "How long the open charges have been due",
        "Current 1-30 days 31-60 days 61-90 days Over 90 days Total owed",
        "$190.00 $120.00 $0.00 $0.00 $0.00 $310.00",
        "Open charges",
        "03/10/2025 Psychotherapy, 53 minutes (90837) $190.00 $70.00 $120.00",
        "03/17/2025 Psychotherapy, 55 minutes (90837) $190.00 $190.00",
        "Still owed $310.00",
        "Activity since your last statement, of 02/28/2025",
        "Balance forward",
        "Therapy session, 60 minutes",
        "Payment, Visa ending 4242, thank you",
        "Amount due",
        "Please pay by 04/15/2025",
        "payable by April 15, 2025",
        "We now accept HSA and FSA cards.",
        "Please make checks payable to Harbor Light Therapy.",
        "Page 1 of 1",
    ]
    assert [item for item in required if item not in text] == []


def test_statement_balances_run_and_tie_out() -> None:
    doc = statement()
    text_lines = text_of(render_statement(doc)).splitlines()
    balance = Decimal("40.00")
    rows = [t for t in text_lines if re.match(r"[0-9]{2}/[0-9]{2}/2025 (Therapy|Payment)", t)]
    assert len(rows) == len(doc.lines)
    for line, row in zip(doc.lines, rows, strict=True):
        balance += line.charge - line.credit
        expected = [line.charge or line.credit, balance]
        assert amounts(row) == expected, row
    charges = sum((line.charge for line in doc.lines), ZERO)
    credits = sum((line.credit for line in doc.lines), ZERO)
    assert balance == Decimal("40.00") + charges - credits
    totals = next(t for t in text_lines if t.startswith("Totals"))
    assert amounts(totals) == [charges, credits, balance]
    assert f"Amount due: ${balance:,.2f}" in "\n".join(text_lines)


def test_statement_with_a_credit_says_nothing_is_due() -> None:
    doc = statement(opening_balance=Decimal("-215.00"), lines=activity(1))
    text = text_of(render_statement(doc))
    assert "Credit on account" in text
    assert "You have a credit of $25.00 on your account. Nothing is due." in text
    assert "Amount due" not in text


def test_statement_paid_in_full() -> None:
    doc = statement(opening_balance=Decimal("-190.00"), lines=activity(1))
    text = text_of(render_statement(doc))
    assert "Your account is paid in full." in text


def test_statement_never_carries_a_diagnosis() -> None:
    assert not ICD_RE.search(text_of(render_statement(statement())))
    with pytest.raises(ValueError, match="diagnosis"):
        StatementLine(date(2025, 3, 3), "Therapy for F43.23", charge=Decimal("190.00"))
    with pytest.raises(ValueError, match="diagnosis"):
        statement(message="Diagnosis Z63.0 on file.")


def placed_text(pdf: bytes) -> list[tuple[str, float, float]]:
    """(text, x, top) for each string on page 1; top is inches down from the sheet's top."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] + cm[4], (PAGE_HEIGHT - tm[5] - cm[5]) / INCH))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def visible_area(
    window: tuple[float, float, float, float], *, sheet_drop: float, slide: float
) -> tuple[float, float, float, float]:
    """Part of the sheet (left, top, right, bottom, inches) a window shows wherever it slides.

    ``window`` is (width, height, from left, from bottom) as envelope makers write it.
    """
    envelope_w, envelope_h = 9.5, 4.125
    width, height, left, bottom = window
    top = envelope_h - bottom - height - sheet_drop
    centred = (envelope_w - 8.5) / 2
    return (left - centred + slide, top, left + width - centred - slide, top + height)


def test_addresses_sit_in_the_windows_of_a_10_double_window_envelope() -> None:
    ensure_fonts()
    pdf = render_statement(statement())
    drop = 4.125 - 11 / 3  # the folded sheet rests on the envelope's bottom edge
    clearance = 1 / 8  # USPS asks for this much around the delivery address
    placed = {text: (x, top) for text, x, top in placed_text(pdf)}
    checks = [
        (
            ["Αλεξάνδρα Παπαδοπούλου", "42 Elm Street", "Apt 3B", "Troy, NY 12180"],
            visible_area((4.5, 1.125, 0.875, 0.5), sheet_drop=drop, slide=0.25),
            10,
            clearance,
        ),
        (
            ["Harbor Light Therapy", "100 Main Street, Suite 4", "Albany, NY 12207"],
            visible_area((3.5, 1.0, 0.75, 2.625), sheet_drop=drop, slide=0.25),
            9,
            0,
        ),
    ]
    for lines, (left, top, right, bottom), size, margin in checks:
        for number, line in enumerate(lines):
            x, baseline = placed[line]
            font = BOLD if number == 0 else REGULAR
            line_right = (x + stringWidth(line, font, size)) / INCH
            assert x / INCH >= left + margin, line
            assert line_right <= right - margin, line
            assert baseline - size * 0.76 / INCH >= top + margin, line  # cap height
            assert baseline + size * 0.24 / INCH <= bottom - margin, line  # descenders
    # Nothing else on the page may show through the address window, wherever the
    # sheet sits (a negative slide widens the area to every position).
    window = (4.5, 1.125, 0.875, 0.5)
    left, top_most, right, _ = visible_area(window, sheet_drop=drop, slide=-0.25)
    *_, bottom_most = visible_area(window, sheet_drop=0, slide=-0.25)
    client_lines = set(checks[0][0])
    for text, x, top in placed_text(pdf):
        inside = left <= x / INCH <= right and top_most <= top <= bottom_most
        assert not inside or text in client_lines, text


def test_a_long_mailing_address_is_kept_to_four_lines() -> None:
    doc = statement(client=replace(CLIENT, address="Building 7\n42 Elm Street\nApt 3B"))
    text = text_of(render_statement(doc))
    assert "42 Elm Street, Apt 3B" in text


def test_long_statement_paginates_below_the_fold_with_repeated_header() -> None:
    doc = statement(lines=activity(40))
    pdf = render_statement(doc)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "and credits" in page
        assert f"Page {number} of {len(pages)}" in page
    first_fold = 11 / 3
    for text, _x, top in placed_text(pdf):
        period = text.endswith(" to 03/31/2025")  # the statement's period, in its details
        if re.match(r"[0-9]{2}/[0-9]{2}/2025 ", text) and not period:
            assert top > first_fold, text
        if text.startswith("Balance forward"):
            assert top > first_fold, text
    totals = next(t for t in pages[-1].splitlines() if t.startswith("Totals"))
    assert amounts(totals)[-1] == doc.closing_balance


def test_statement_bytes_are_reproducible() -> None:
    assert render_statement(statement()) == render_statement(statement())
    assert render_statement(statement()) != render_statement(statement(number="ST-2025-0032"))


# -- receipt -------------------------------------------------------------------


def test_receipt_shows_what_was_paid_and_where_it_went() -> None:
    pdf = render_receipt(receipt())
    pages = pages_text(pdf)
    assert len(pages) == 1
    text = pages[0]
    required = [
        "Receipt",
        "R-2025-0107",
        "Issued 03/12/2025",
        "Harbor Light Therapy",
        "Dana Whitfield, LMFT",
        "Олег Петров",
        "Paid",
        "$400.00",
        "March 11, 2025",
        "Visa (ending 4242)",
        "Applied to",
        "03/03/2025 Therapy session, 60 minutes $190.00",
        "03/10/2025 Therapy session, 60 minutes $190.00",
        "Total applied $380.00",
        "Held as credit on account $20.00",
        "Your credit on account now $20.00",
        "Page 1 of 1",
    ]
    assert [item for item in required if item not in text] == []
    assert not ICD_RE.search(text)


def test_receipt_without_applications_holds_the_payment_as_credit() -> None:
    text = text_of(render_receipt(receipt(applied=(), credit_remaining=Decimal("400.00"))))
    assert "Applied to" not in text
    assert "Held as credit on account $400.00" in text


def test_receipt_with_many_applications_stays_on_one_page() -> None:
    applied = tuple(
        AppliedTo(date(2025, 1, 6) + timedelta(weeks=n), "Therapy session", Decimal("20.00"))
        for n in range(20)
    )
    pdf = render_receipt(receipt(applied=applied, credit_remaining=ZERO))
    assert len(pages_text(pdf)) == 1
    assert "Total applied $400.00" in text_of(pdf)


def test_receipt_refuses_diagnoses_and_over_application() -> None:
    with pytest.raises(ValueError, match="diagnosis"):
        AppliedTo(date(2025, 3, 3), "Session (F41.1)", Decimal("190.00"))
    with pytest.raises(ValueError, match="More was applied"):
        receipt(amount=Decimal("100.00"))
    with pytest.raises(TypeError, match="Decimal"):
        receipt(amount=400.0)


def test_receipt_bytes_are_reproducible() -> None:
    assert render_receipt(receipt()) == render_receipt(receipt())


def test_statement_nets_credit_on_account_against_the_open_charges() -> None:
    owed = (StatementOpenItem(date(2025, 3, 3), "Psychotherapy (90834)", D190, D190),) * 2
    doc = statement(open_items=owed)  # 380 open, closing balance 310: 70 of credit held
    assert doc.credit_held == Decimal("70.00")
    text = text_of(render_statement(doc))
    assert "Less credit on account -$70.00" in text
    assert "Balance after credit $310.00" in text


def test_statement_with_nothing_open_says_so() -> None:
    text = text_of(render_statement(statement(open_items=(), aging=())))
    assert "No charges are open." in text
    assert "How long the open charges have been due" not in text


def test_receipt_carries_what_a_benefits_administrator_asks_for() -> None:
    doc = receipt(
        npi="1234567893",
        tax_id="12-3456789",
        client_address=MailingAddress("Олег Петров", "7 Pine Road", "Troy", "NY", "12180"),
        applied=(AppliedTo(date(2025, 3, 3), "Psychotherapy, 53 minutes (90837)", D190),),
        credit_remaining=Decimal("210.00"),
    )
    text = text_of(render_receipt(doc))
    for printed in (
        "NPI 1234567893 · EIN 12-3456789",
        "7 Pine Road",
        "Troy, NY 12180",
        "Paid for",
        "03/03/2025 Psychotherapy, 53 minutes (90837) $190.00",
    ):
        assert printed in text


def test_receipt_masks_a_social_security_number() -> None:
    text = text_of(render_receipt(receipt(tax_id="123-45-6789", tax_id_kind="ssn")))
    assert "SSN XXX-XX-6789" in text
    assert "123-45" not in text
