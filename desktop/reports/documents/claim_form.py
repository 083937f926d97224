"""CMS-1500 (02/12) as PDF: on plain paper (the form drawn too) or data only, for the red form.

Each item is filled as the NUCC 1500 Reference Instruction Manual (02/12)
says, for what a member files with their insurer after paying the provider:

- items 1-11: the patient and the insured as the insurer knows them (names
  Last, First, Middle initial; dates MM DD YYYY; sex only when recorded; no
  other coverage, and no accident or employment relation, is claimed: 10a-c NO;
  addresses without punctuation, ZIP codes without the hyphen, telephone
  numbers without separators);
- 12 and 13 are left for the member to sign: 13 unsigned keeps the benefit
  payable to the member, who has paid; 27 Accept assignment is NO for the same reason;
- 21: ICD indicator 0 (ICD-10-CM), up to twelve codes A-L without the dot;
- 24A-J: six lines a form, From and To the same day (MM DD YY), POS, CPT and
  up to four modifiers, diagnosis pointer letters (primary first, no commas),
  charges with dollars and cents apart, 1 unit, the rendering NPI in 24J;
- 25 the EIN or SSN without hyphens, its box marked; 26 the client's reference;
  28 and 29 that form's totals; 30 is reserved and left blank;
- 31 the provider's name with credentials (and signature image) and the date;
  32 the practice's office; 33 the billing provider, address, phone and NPI (33a).

All data prints in 10-pitch Courier capitals on the print grid, so the
plain-paper drawing and the pre-printed form take the same positions.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .claim_form_grid import CHAR, DATA_FONT, DATA_SIZE, LETTER, Offset, baseline_of, x_of
from .claim_form_paper import draw_form
from .claim_form_rows import ClaimFormDoc, ClaimFormPage
from .rows import ClientBlock, ProviderBlock, ServiceLine

DIAGNOSIS_SLOTS = tuple((38 + i // 4, 3 + 13 * (i % 4)) for i in range(12))  # A-L
SERVICE_LINE = 44  # item 24's first unshaded line; each further line is two lines down
_RELATIONSHIP_BOX = {"self": 33, "spouse": 38, "child": 42, "other": 47}

Placed = tuple[int, float, str]  # (line, column, text)
_NO_PUNCTUATION = str.maketrans(dict.fromkeys(",.#", " "))


def render_claim_form(
    doc: ClaimFormDoc, *, data_only: bool = False, offset: Offset | None = None
) -> bytes:
    """The form's pages as PDF; ``data_only`` leaves the form off and applies ``offset``."""
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=LETTER, invariant=True, pageCompression=1)
    canv.setTitle(f"CMS-1500 claim form {doc.number}")
    canv.setAuthor(doc.bill.provider.practice_name)
    shift = offset if data_only else None
    for page in doc.pages:
        if not data_only:
            draw_form(canv)
        _write(canv, list(items(doc, page)), shift)
        _signature(canv, doc.bill.provider, shift)
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def render_blank_claim_form() -> bytes:
    """The plain-paper form with nothing filled in."""
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=LETTER, invariant=True, pageCompression=1)
    canv.setTitle("CMS-1500 claim form (blank)")
    draw_form(canv)
    canv.showPage()
    canv.save()
    return buffer.getvalue()


def items(doc: ClaimFormDoc, page: ClaimFormPage) -> Iterator[Placed]:
    """Every filled item of one page as (line, column, text), in reading order."""
    bill, client, provider = doc.bill, doc.bill.client, doc.bill.provider
    if page.of > 1:
        yield 1, 64, f"PAGE {page.number} OF {page.of}"
    if client.insurer_name:
        yield 2, 41, client.insurer_name  # the carrier block
    yield 8, 31 if client.group_number else 45, "X"  # 1: group health plan, or other
    yield 8, 50, client.member_id  # 1a
    yield 10, 1, _name(client.legal_name)  # 2
    yield from _date_8(10, 31, client.date_of_birth)  # 3
    if doc.patient_sex:
        yield 10, 42 if doc.patient_sex == "M" else 47, "X"
    yield 10, 50, _name(_insured_name(client))  # 4
    street = _street(client.address)
    yield 12, 1, street  # 5
    yield 12, _RELATIONSHIP_BOX[client.subscriber_relationship], "X"  # 6
    yield 14, 1, _plain(client.city)
    yield 14, 26, client.state
    yield 16, 1, _zip(client.zip)
    yield from _phone(16, 15, doc.patient_phone)
    if not client.is_dependent:  # 7: the insured's address is the patient's own
        yield 12, 50, street
        yield 14, 50, _plain(client.city)
        yield 14, 74, client.state
        yield 16, 50, _zip(client.zip)
        yield from _phone(16, 65, doc.patient_phone)
    yield 18, 50, client.group_number  # 11
    for line in (20, 22, 24):  # 10a-c: NO
        yield line, 41, "X"
    insured_birth = client.subscriber_date_of_birth if client.is_dependent else client.date_of_birth
    yield from _date_8(20, 53, insured_birth)  # 11a
    if doc.insured_sex:
        yield 20, 68 if doc.insured_sex == "M" else 75, "X"
    yield 24, 50, client.insurer_name  # 11c
    yield 37, 42, "0"  # 21: ICD indicator, ICD-10-CM
    for (line, col), diagnosis in zip(DIAGNOSIS_SLOTS, bill.diagnoses, strict=False):
        yield line, col, diagnosis.code.replace(".", "")
    for n, service in enumerate(page.lines):
        yield from _service_line(SERVICE_LINE + 2 * n, service, provider)
    yield from _tax_id(provider)  # 25
    yield 56, 23, doc.account_number  # 26
    yield 56, 43, "X"  # 27: NO, the member is paid
    yield from _amount(56, 52, page.charged)  # 28
    yield from _amount(56, 62, page.paid)  # 29
    yield from _provider(doc, provider)


def _service_line(line: int, service: ServiceLine, provider: ProviderBlock) -> Iterator[Placed]:
    day = service.service_date
    for col in (1, 10):  # 24A From and To
        yield line, col, f"{day:%m}"
        yield line, col + 3, f"{day:%d}"
        yield line, col + 6, f"{day:%y}"
    yield line, 19, service.place_of_service  # 24B
    yield line, 25, service.code  # 24D
    for slot, modifier in enumerate(service.modifier_list[:4]):
        yield line, 32 + 3 * slot, modifier
    yield line, 45, service.pointers  # 24E
    yield from _amount(line, 50, service.fee)  # 24F
    yield line, 59, str(service.units)  # 24G
    if provider.taxonomy:  # 24I/24J shaded: the rendering provider's taxonomy, qualifier ZZ
        yield line - 1, 65, "ZZ"
        yield line - 1, 68, provider.taxonomy
    yield line, 68, provider.npi  # 24J


def _tax_id(provider: ProviderBlock) -> Iterator[Placed]:
    yield 56, 1, "".join(ch for ch in provider.tax_id if ch.isdigit())
    yield 56, 19 if provider.tax_id_kind == "ein" else 17, "X"


def _provider(doc: ClaimFormDoc, provider: ProviderBlock) -> Iterator[Placed]:
    """31 (name and date), 32 (the office) and 33 (billing provider, phone, NPI)."""
    name, credentials = provider.provider_name or provider.practice_name, provider.credentials
    if len(_person(provider)) <= 20:
        yield 60, 1, _person(provider)
    else:  # the box is 20 columns wide: the credentials go on a line of their own
        yield 59, 1, name[:20]
        yield 60, 1, credentials[:20]
    yield 61, 13, f"{doc.issued_on:%m %d %y}"  # the 6-digit date the manual allows
    street = _street(provider.address)
    city = f"{_plain(provider.city)} {provider.state} {_zip(provider.zip)}".strip()
    office = provider.practice_name or provider.provider_name
    for n, text in enumerate((office, street, city)):
        yield 58 + n, 23, text[:27]
    if provider.organization_npi:
        yield 61, 24, provider.organization_npi
    yield from _phone(57, 66, provider.phone)
    # 33's first line is the billing name as registered for the NPI, without credentials.
    for n, text in enumerate((_plain(name), street, city)):
        yield 58 + n, 50, text[:29]
    yield 61, 51, provider.npi  # 33a
    if provider.taxonomy:
        yield 61, 63, f"ZZ{provider.taxonomy}"  # 33b


def _person(provider: ProviderBlock) -> str:
    name = provider.provider_name or provider.practice_name
    return f"{name} {provider.credentials}".strip()


def _insured_name(client: ClientBlock) -> str:
    return client.subscriber_name if client.is_dependent else client.legal_name


def _name(full: str) -> str:
    """``Maya R. Okafor`` as ``OKAFOR, MAYA, R`` (items 2 and 4: Last, First, Middle initial,
    separated by commas, no periods)."""
    parts = full.replace(".", " ").split()
    if len(parts) < 2:
        return full
    last, first, middle = parts[-1], parts[0], parts[1:-1]
    initial = f", {middle[0][0]}" if middle else ""
    return f"{last}, {first}{initial}"


def _street(address: str) -> str:
    """Street lines on one line without punctuation: "123 N Main Street 101", not "#101"."""
    return _plain(" ".join(address.splitlines()))


def _plain(text: str) -> str:
    """Addresses carry no commas, periods or other symbols (items 5, 7, 32, 33)."""
    return " ".join(text.translate(_NO_PUNCTUATION).split())


def _zip(code: str) -> str:
    """ZIP+4 as nine digits, without the hyphen."""
    return "".join(ch for ch in code if ch.isdigit())


def _date_8(line: int, col: int, day: date | None) -> Iterator[Placed]:
    """MM DD YYYY in the three boxes of a birth date."""
    if day is not None:
        yield line, col, f"{day:%m}"
        yield line, col + 3, f"{day:%d}"
        yield line, col + 6, f"{day:%Y}"


def _phone(line: int, col: int, phone: str) -> Iterator[Placed]:
    """Area code inside the printed parentheses, the number after them, with no hyphen or
    space inside it."""
    digits = "".join(ch for ch in phone if ch.isdigit())[-10:]
    if len(digits) == 10:
        yield line, col, digits[:3]
        yield line, col + 4, digits[3:]


def _amount(line: int, col: int, amount: Decimal) -> Iterator[Placed]:
    """Dollars right-aligned before the printed divider, cents after it; no $ or commas."""
    dollars, cents = f"{amount:.2f}".split(".")
    yield line, col + 5 - len(dollars), dollars
    yield line, col + 6, cents


def _write(canv: Any, placed: list[Placed], offset: Offset | None) -> None:
    canv.setFillColorRGB(0, 0, 0)
    for line, col, text in placed:
        shown = printable(text)
        if shown:
            # One text object per item, so each reads back with its own position.
            text_object = canv.beginText(x_of(col, offset), baseline_of(line, offset))
            text_object.setFont(DATA_FONT, DATA_SIZE)
            text_object.setCharSpace(CHAR - DATA_SIZE * 0.6)  # keep 10 characters an inch
            text_object.textOut(shown)
            canv.drawText(text_object)


def _signature(canv: Any, provider: ProviderBlock, offset: Offset | None) -> None:
    """The provider's signature image above the typed name in item 31, when there is one."""
    if not provider.signature_png:
        return
    image = ImageReader(io.BytesIO(provider.signature_png))
    width, height = image.getSize()
    box_w, box_h = 60.0, 13.0  # after "SIGNED", before "DATE" on line 61
    scale = min(box_w / width, box_h / height)
    canv.drawImage(
        image,
        x_of(4, offset),
        baseline_of(61, offset) - 1,
        width * scale,
        height * scale,
        mask="auto",
    )


def printable(text: str) -> str:
    """Capitals in plain ASCII: the form's scanners read Courier capitals (é as E)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.upper().split())
