"""The superbill: an itemized bill a client files with their insurer.

Layout, top to bottom: practice letterhead and title; provider and patient
boxes; the lettered diagnosis list; one service line per date of service with
a totals row (the table header repeats on every page); a legend for the
place-of-service codes and modifiers used; certification, signature and date
beside the amounts summary. The footer names the superbill and numbers its
pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.platypus import Flowable, Spacer

from desktop.domain.money import format_money

from .boxes import SideBySide, Stack
from .fonts import ensure_fonts
from .grid import CENTER, LEFT, RIGHT, Column, Grid, Row
from .layout import CONTENT_WIDTH, DocumentStart, build_pdf
from .parts import code_legend, letterhead, provider_lines, signature, version_meta
from .rows import ClientBlock, ProviderBlock, SuperbillDoc
from .style import MUTED, RULE, address_lines, person_with_credentials, us_date
from .tables import caption_row, itemised, summary, text_block, two_boxes

TITLE = "Superbill"
SUBTITLE = "Statement for insurance reimbursement"
# Money columns fit a bold $99,999.00; "Therapy session, 60 minutes" fits on one line.
_SERVICE_COLUMNS = (
    ("Date of\nservice", 52, LEFT),
    ("POS", 26, CENTER),
    ("Code", 36, CENTER),
    ("Modifiers", 45, CENTER),
    ("Dx\npointer", 36, CENTER),
    ("Service", 0, LEFT),
    ("Units", 28, RIGHT),
    ("Fee", 57, RIGHT),
    ("Paid", 57, RIGHT),
    ("Balance", 57, RIGHT),
)
_SUMMARY_WIDTH = 210
_CODES_PER_ROW = 6
_DIAGNOSES_CAPTION = "Diagnoses (ICD-10-CM)"


def render_superbill(doc: SuperbillDoc) -> bytes:
    """The superbill as PDF bytes; equal rows give identical bytes."""
    return build_pdf(
        superbill_story(doc),
        title=f"{TITLE} {doc.number} version {doc.version}",
        author=doc.provider.practice_name,
        created=doc.issued_on,
    )


def footer_text(doc: SuperbillDoc) -> str:
    return f"{TITLE} {doc.number}, version {doc.version} · {doc.client.legal_name}"


def superbill_story(
    doc: SuperbillDoc, on_start: Callable[[], None] | None = None
) -> list[Flowable]:
    """The flowables of one superbill; a batch concatenates several."""
    ensure_fonts()  # before anything is measured
    story: list[Flowable] = [
        DocumentStart(footer_text(doc), on_start),
        _letterhead(doc),
        Spacer(1, 10),
        two_boxes(
            ("Rendering provider", provider_rows(doc.provider)),
            ("Patient and insurance", client_rows(doc.client)),
        ),
        Spacer(1, 12),
        _diagnoses(doc),
        Spacer(1, 12),
        _services(doc),
    ]
    legend = code_legend(
        [line.place_of_service for line in doc.lines],
        [modifier for line in doc.lines for modifier in line.modifier_list],
    )
    if legend:
        story += [Spacer(1, 4), text_block(legend, size=7.5, color=MUTED)]
    story += [Spacer(1, 10), _closing(doc)]
    return story


def _letterhead(doc: SuperbillDoc) -> Grid:
    p = doc.provider
    meta = version_meta(
        doc.number, doc.version, doc.issued_on, doc.supersedes_number, doc.supersedes_version
    )
    meta.append(f"Services {us_date(doc.period_from)} – {us_date(doc.period_to)}")
    return letterhead(p.practice_name, provider_lines(p), TITLE, SUBTITLE, meta)


def masked_ssn(value: str) -> str:
    """An SSN on paper shows only its last four digits."""
    digits = re.sub(r"\D", "", value)
    return f"XXX-XX-{digits[-4:]}" if len(digits) >= 4 else "XXX-XX-XXXX"


def provider_rows(p: ProviderBlock) -> list[tuple[str, str]]:
    """Label and value of each provider fact a payer checks."""
    rows = [
        ("Provider", person_with_credentials(p.provider_name, p.credentials)),
        ("NPI (individual)", p.npi),
    ]
    if p.organization_npi:
        rows.append(("NPI (group)", p.organization_npi))
    if p.tax_id_kind == "ein":
        rows.append(("EIN", p.tax_id))
    else:
        rows.append(("SSN", masked_ssn(p.tax_id)))
    license_text = p.license_number
    if p.license_state:
        license_text = f"{license_text} ({p.license_state})" if license_text else p.license_state
    rows.append(("License", license_text))
    if p.taxonomy:
        rows.append(("Taxonomy", p.taxonomy))
    rows.append(("Phone", p.phone))
    return rows


def client_rows(c: ClientBlock) -> list[tuple[str, str]]:
    """Label and value of each patient and insurance fact; never the preferred name."""
    rows = [
        ("Patient", c.legal_name),
        ("Date of birth", us_date(c.date_of_birth) if c.date_of_birth else ""),
        ("Address", "\n".join(address_lines(c.address, c.city, c.state, c.zip))),
    ]
    insurer = c.insurer_name
    if c.payer_id:
        insurer = f"{insurer} (payer ID {c.payer_id})" if insurer else f"Payer ID {c.payer_id}"
    rows.append(("Insurer", insurer))
    rows.append(("Member ID", c.member_id))
    if c.group_number:
        rows.append(("Group number", c.group_number))
    if c.is_dependent:
        rows.append(("Subscriber", c.subscriber_name))
        rows.append(
            (
                "Patient is the",
                _RELATIONSHIP.get(c.subscriber_relationship, "subscriber's dependant"),
            )
        )
        if c.subscriber_date_of_birth:
            rows.append(("Subscriber DOB", us_date(c.subscriber_date_of_birth)))
    return rows


# The patient's relationship to the subscriber, as claim forms ask it.
_RELATIONSHIP = {
    "spouse": "subscriber's spouse",
    "child": "subscriber's child",
    "other": "subscriber's dependant",
}


def _diagnoses(doc: SuperbillDoc) -> Grid:
    if doc.codes_only:
        # Codes only, six to a row: the descriptions are deliberately absent.
        cells = [f"{d.letter}.  {d.code}" for d in doc.diagnoses]
        body = [cells[i : i + _CODES_PER_ROW] for i in range(0, len(cells), _CODES_PER_ROW)]
        body[-1] += [""] * (_CODES_PER_ROW - len(body[-1]))
        columns = [Column(CONTENT_WIDTH / _CODES_PER_ROW)] * _CODES_PER_ROW
        rows = [caption_row(_DIAGNOSES_CAPTION, _CODES_PER_ROW)]
        rows += [Row(cells, rule_below=(0.25, RULE)) for cells in body]
        return Grid(columns, rows, caption_rows=1)
    columns = [Column(24), Column(58), Column(CONTENT_WIDTH - 82)]
    body = [[f"{d.letter}.", d.code, d.description] for d in doc.diagnoses]
    return itemised(columns, ["", "Code", "Description"], body, caption=_DIAGNOSES_CAPTION)


def _services(doc: SuperbillDoc) -> Grid:
    fixed = sum(width for _, width, _ in _SERVICE_COLUMNS)
    columns = [
        Column(width or CONTENT_WIDTH - fixed, align=align) for _, width, align in _SERVICE_COLUMNS
    ]
    body = [
        [
            us_date(line.service_date),
            line.place_of_service,
            line.code,
            " ".join(line.modifier_list),
            " ".join(line.pointers),
            line.label,
            str(line.units),
            format_money(line.fee),
            format_money(line.paid),
            format_money(line.balance),
        ]
        for line in doc.lines
    ]
    total = [
        "Totals",
        *[""] * 6,
        format_money(doc.charged),
        format_money(doc.paid),
        format_money(doc.balance),
    ]
    headers = [header for header, _, _ in _SERVICE_COLUMNS]
    return itemised(columns, headers, body, total, caption="Services")


def _closing(doc: SuperbillDoc) -> Flowable:
    p = doc.provider
    totals = summary(
        [
            ("Total charges", format_money(doc.charged)),
            ("Amount paid", format_money(doc.paid)),
            ("Balance due", format_money(doc.balance)),
        ],
        _SUMMARY_WIDTH,
        emphasise_last=True,
    )
    note = (
        "The amount shown as paid has been paid to the provider. "
        "Please send any reimbursement to the subscriber."
        if doc.paid > 0
        else "Please send any payment for these services to the provider."
    )
    left_width = CONTENT_WIDTH - _SUMMARY_WIDTH - 24
    signer = person_with_credentials(p.provider_name, p.credentials)
    signed_line = Grid(
        [Column(left_width - 100), Column(100, align=RIGHT)],
        [Row([signer, f"Date: {us_date(doc.issued_on)}"], rule_above=(0.6, RULE))],
        pad_x=0,
    )
    parts: list[Flowable] = [
        text_block("I certify that I provided the services listed above.", width=left_width),
        Spacer(1, 4),
        signature(p.signature_png),
        signed_line,
        Spacer(1, 6),
        text_block(note, width=left_width, size=7.5, color=MUTED),
    ]
    return SideBySide(Stack(parts), totals, left_width, 24)
