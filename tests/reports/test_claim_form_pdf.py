"""The CMS-1500 (02/12) PDF: each filled item where the NUCC manual puts it, on both prints.

Items are found by the grid cell (line, column) they start in, read back from the
PDF with their positions; the cells are the 02/12 form's (10 pitch, 6 lines an inch).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from pypdf import PdfReader

from desktop.reports.documents.claim_form import render_blank_claim_form, render_claim_form
from desktop.reports.documents.claim_form_grid import CHAR, Offset
from desktop.reports.documents.claim_form_rows import ClaimFormDoc
from desktop.reports.documents.rows import (
    ClientBlock,
    DiagnosisItem,
    ProviderBlock,
    ServiceLine,
    SuperbillDoc,
)
from tests.reports.claim_form_reading import captions, placed_text

PROVIDER = ProviderBlock(
    practice_name="Quiet Harbor Therapy",
    provider_name="Dana Whitfield",
    credentials="LMFT",
    npi="1234567893",
    tax_id_kind="ein",
    tax_id="12-3456789",
    license_number="MFT-123",
    license_state="NY",
    address="12 State St.\n#4",
    city="Albany",
    state="NY",
    zip="12207-1234",
    phone="(518) 555-0100",
)
CLIENT = ClientBlock(
    legal_name="Maya R. Okafor",
    date_of_birth=date(1988, 3, 5),
    address="45 Elm St",
    city="Troy",
    state="NY",
    zip="12180",
    insurer_name="Aetna",
    member_id="W123456789",
    group_number="654321",
)
LETTERS = "ABCDEFGHIJKL"


def claim(lines: int = 2, *, diagnoses: int = 2, client: ClientBlock = CLIENT) -> ClaimFormDoc:
    codes = ["F43.23", "F41.1", "F52.0", "Z63.0", *[f"F4{n}.1" for n in range(8)]][:diagnoses]
    items = [DiagnosisItem(LETTERS[i], code) for i, code in enumerate(codes)]
    service = [
        ServiceLine(
            service_date=date(2026, 1, 5) + timedelta(days=7 * n),
            place_of_service="10" if n % 2 else "11",
            code="90837",
            pointers="AB" if n == 0 and diagnoses > 1 else "A",
            fee=D("175.00"),
            paid=D("100.00") if n == 0 else D("175.00"),
            modifiers="95" if n % 2 else "",
        )
        for n in range(lines)
    ]
    bill = SuperbillDoc(
        "CF-2026-0001",
        1,
        date(2026, 3, 1),
        date(2026, 1, 1),
        date(2026, 3, 31),
        PROVIDER,
        client,
        items,
        service,
    )
    return ClaimFormDoc(
        "CF-2026-0001",
        date(2026, 3, 1),
        bill,
        patient_sex="F",
        insured_sex="F" if not client.is_dependent else "",
        account_number="C-0042",
        patient_phone="(518) 555-0142",
    )


@pytest.mark.parametrize("data_only", [False, True])
def test_patient_and_insured_items_1_to_11(data_only: bool) -> None:
    cells = placed_text(render_claim_form(claim(), data_only=data_only))
    assert cells[(2, 41)] == "AETNA"  # carrier block
    assert cells[(8, 31)] == "X"  # 1: group health plan (a group number is on file)
    assert cells[(8, 50)] == "W123456789"  # 1a
    assert cells[(10, 1)] == "OKAFOR, MAYA, R"  # 2: Last, First, Middle initial
    assert (cells[(10, 31)], cells[(10, 34)], cells[(10, 37)]) == ("03", "05", "1988")  # 3
    assert cells[(10, 47)] == "X"
    assert (10, 42) not in cells
    assert cells[(10, 50)] == "OKAFOR, MAYA, R"  # 4: the patient is the insured
    assert cells[(12, 1)] == "45 ELM ST"  # 5
    assert (cells[(14, 1)], cells[(14, 26)], cells[(16, 1)]) == ("TROY", "NY", "12180")
    assert (cells[(16, 15)], cells[(16, 19)]) == ("518", "5550142")  # no separator
    assert cells[(12, 33)] == "X"  # 6: self
    assert (cells[(12, 50)], cells[(14, 50)], cells[(16, 50)]) == ("45 ELM ST", "TROY", "12180")
    assert cells[(18, 50)] == "654321"  # 11
    assert all(cells[(line, 41)] == "X" for line in (20, 22, 24))  # 10a-c: NO
    assert (cells[(20, 53)], cells[(20, 56)], cells[(20, 59)]) == ("03", "05", "1988")  # 11a
    assert cells[(20, 75)] == "X"  # 11a: F
    assert cells[(24, 50)] == "AETNA"  # 11c
    # 12 and 13 are the member's to sign; 13 unsigned keeps the benefit payable to them.
    assert not any(line in (28, 29) for line, _ in cells)


def test_a_dependent_names_the_subscriber_and_leaves_what_is_not_known() -> None:
    child = ClientBlock(
        legal_name="Noah Okafor",
        date_of_birth=date(2012, 6, 1),
        address="45 Elm St",
        city="Troy",
        state="NY",
        zip="12180",
        insurer_name="Aetna",
        member_id="W123456789",
        subscriber_relationship="child",
        subscriber_name="Maya Okafor",
        subscriber_date_of_birth=date(1988, 3, 5),
    )
    cells = placed_text(render_claim_form(claim(client=child)))
    assert cells[(10, 50)] == "OKAFOR, MAYA"  # 4: the insured
    assert cells[(12, 42)] == "X"  # 6: child
    assert cells[(8, 45)] == "X"  # 1: other (no group number)
    assert (cells[(20, 53)], cells[(20, 59)]) == ("03", "1988")  # 11a: the subscriber's
    assert (20, 68) not in cells
    assert (20, 75) not in cells
    assert (12, 50) not in cells  # 7: the insured's address is not on file


def test_item_21_and_24_with_pointers_and_item_25_to_33() -> None:
    cells = placed_text(render_claim_form(claim(lines=2)))
    assert cells[(37, 42)] == "0"  # 21: ICD-10-CM indicator
    assert (cells[(38, 3)], cells[(38, 16)]) == ("F4323", "F411")  # A, B: no dot
    first, second = 44, 46
    assert [cells[(first, c)] for c in (1, 4, 7, 10, 13, 16)] == ["01", "05", "26"] * 2  # 24A
    assert cells[(first, 19)] == "11"  # 24B
    assert cells[(first, 25)] == "90837"  # 24D
    assert cells[(first, 45)] == "AB"  # 24E: pointer letters, primary first, no commas
    assert (cells[(first, 52)], cells[(first, 56)]) == ("175", "00")  # 24F: dollars | cents
    assert cells[(first, 59)] == "1"  # 24G
    assert cells[(first, 68)] == "1234567893"  # 24J: rendering NPI, unshaded
    assert (cells[(second, 19)], cells[(second, 32)], cells[(second, 45)]) == ("10", "95", "A")
    assert cells[(56, 1)] == "123456789"  # 25: no hyphen
    assert cells[(56, 19)] == "X"
    assert (56, 17) not in cells
    assert cells[(56, 23)] == "C-0042"  # 26
    assert cells[(56, 43)] == "X"  # 27: NO
    assert (cells[(56, 54)], cells[(56, 58)]) == ("350", "00")  # 28
    assert (cells[(56, 64)], cells[(56, 68)]) == ("275", "00")  # 29
    assert not any(line == 56 and col >= 71 for line, col in cells)  # 30 is reserved
    assert cells[(60, 1)] == "DANA WHITFIELD LMFT"  # 31
    assert cells[(61, 13)] == "03 01 26"
    assert cells[(58, 23)] == "QUIET HARBOR THERAPY"  # 32
    assert cells[(59, 23)] == "12 STATE ST 4"  # no punctuation in addresses
    assert cells[(60, 23)] == "ALBANY NY 122071234"  # ZIP+4 without the hyphen
    assert (cells[(57, 66)], cells[(57, 70)]) == ("518", "5550100")  # 33: phone
    assert cells[(58, 50)] == "DANA WHITFIELD"  # 33: the billing name
    assert cells[(61, 51)] == "1234567893"  # 33a


def test_twelve_diagnoses_fill_a_to_l_across_then_down() -> None:
    cells = placed_text(render_claim_form(claim(diagnoses=12)))
    slots = [(38 + i // 4, 3 + 13 * (i % 4)) for i in range(12)]
    assert [cells[slot] for slot in slots][:4] == ["F4323", "F411", "F520", "Z630"]
    assert cells[slots[11]] == "F471"  # L


def test_more_than_six_lines_continue_on_pages_each_totaled() -> None:
    pdf = render_claim_form(claim(lines=8))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    first, second = placed_text(pdf, 0), placed_text(pdf, 1)
    assert first[(1, 64)] == "PAGE 1 OF 2"
    assert second[(1, 64)] == "PAGE 2 OF 2"
    assert (54, 25) in first
    assert (56, 25) not in first
    assert [second[(line, 25)] for line in (44, 46)] == ["90837", "90837"]
    assert (48, 25) not in second
    assert (first[(56, 53)], second[(56, 54)]) == ("1050", "350")  # 28 per form
    assert (first[(56, 64)], second[(56, 64)]) == ("975", "350")  # 29 per form
    assert second[(10, 1)] == "OKAFOR, MAYA, R"  # every form repeats the patient


def test_the_data_only_print_has_no_form_and_moves_by_the_offset() -> None:
    doc = claim()
    plain, data = render_claim_form(doc), render_claim_form(doc, data_only=True)
    assert "PATIENT'S NAME" in captions(plain)
    assert "1500" in captions(plain)
    assert captions(data) == ""
    assert placed_text(plain) == placed_text(data)  # the same cells on both prints
    moved = placed_text(render_claim_form(doc, data_only=True, offset=Offset(CHAR, 12.0)))
    assert moved[(11, 2)] == "OKAFOR, MAYA, R"  # one column right, one line down


def test_the_blank_form_carries_every_item_caption() -> None:
    text = captions(render_blank_claim_form())
    for caption in (
        "1a. INSURED'S I.D. NUMBER",
        "2. PATIENT'S NAME",
        "3. PATIENT'S BIRTH DATE",
        "11. INSURED'S POLICY GROUP OR FECA NUMBER",
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY",
        "24. A.  DATE(S) OF SERVICE",
        "25. FEDERAL TAX I.D. NUMBER",
        "28. TOTAL CHARGE",
        "30. Rsvd for NUCC Use",
        "31. SIGNATURE OF PHYSICIAN OR SUPPLIER",
        "32. SERVICE FACILITY LOCATION INFORMATION",
        "33. BILLING PROVIDER INFO & PH #",
    ):
        assert caption in text
    assert placed_text(render_blank_claim_form()) == {}
