"""The Good Faith Estimate (No Surprises Act, 45 CFR 149.610(c)).

Layout, top to bottom: practice letterhead and title; the patient box (with
the primary service, its period, frequency and number of sessions) beside the
provider box (NPI, TIN, state, office location); the diagnosis codes, when the
practice chose to give them; the itemized expected charges with their total
(the table header repeats on every page); what is scheduled separately; the
statements the rule requires, in plain words; the provider's signature and the
date beside the total. The footer names the estimate and numbers its pages.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from desktop.domain.money import format_money

from .boxes import SideBySide, Stack
from .estimate_rows import EstimateDoc
from .fonts import ensure_fonts
from .grid import LEFT, RIGHT, Column, Grid, Row
from .layout import CONTENT_WIDTH, DocumentStart, build_pdf
from .parts import letterhead, provider_lines, signature, version_meta
from .style import RULE, address_lines, person_with_credentials, us_date
from .superbill import provider_rows
from .tables import caption_row, itemised, summary, text_block, two_boxes

TITLE = "Good Faith Estimate"
SUBTITLE = "Expected charges for uninsured or self-pay clients"
_TITLE_SIZE = 18  # the title is longer than "Superbill"; 20 points would wrap it
_ITEM_COLUMNS = (
    ("Service code", 62, LEFT),
    ("Description", 0, LEFT),
    ("Quantity", 48, RIGHT),
    ("Expected charge each", 100, RIGHT),
    ("Expected total", 80, RIGHT),
)
_SUMMARY_WIDTH = 230
_BULLET_WIDTH = 12
DISPUTE_THRESHOLD = "$400"
LEARN_MORE = "www.cms.gov/nosurprises"
HELP_LINE = "1-800-985-3059"
SEPARATELY_SCHEDULED = (
    "Items or services to be scheduled separately: none listed. No other provider or "
    "facility is part of this estimate."
)


def render_estimate(doc: EstimateDoc) -> bytes:
    """The Good Faith Estimate as PDF bytes; equal rows give identical bytes."""
    ensure_fonts()  # before anything is measured
    story: list[Flowable] = [
        DocumentStart(footer_text(doc)),
        _letterhead(doc),
        Spacer(1, 10),
        two_boxes(
            ("Patient and primary service", _patient_rows(doc)),
            ("Provider and office location", _provider_rows(doc)),
        ),
    ]
    if doc.diagnoses:
        story += [Spacer(1, 10), _diagnoses(doc)]
    story += [
        Spacer(1, 10),
        _items(doc),
        Spacer(1, 6),
        text_block(SEPARATELY_SCHEDULED, size=8),
        Spacer(1, 10),
        _statements(doc),
        Spacer(1, 10),
        _closing(doc),
    ]
    return build_pdf(
        story,
        title=f"{TITLE} {doc.number} version {doc.version}",
        author=doc.provider.practice_name,
        created=doc.issued_on,
    )


def footer_text(doc: EstimateDoc) -> str:
    return f"{TITLE} {doc.number}, version {doc.version} · {doc.client_name}"


def _letterhead(doc: EstimateDoc) -> Grid:
    p = doc.provider
    meta = version_meta(
        doc.number, doc.version, doc.issued_on, doc.supersedes_number, doc.supersedes_version
    )
    return letterhead(
        p.practice_name, provider_lines(p), TITLE, SUBTITLE, meta, title_size=_TITLE_SIZE
    )


def _patient_rows(doc: EstimateDoc) -> list[tuple[str, str]]:
    """Who the estimate is for, and the primary service: when, how often, how many times."""
    sessions = doc.sessions
    rows = [
        ("Patient", doc.client_name),
        ("Date of birth", us_date(doc.client_date_of_birth)),
        ("Primary service", doc.primary_service),
    ]
    if doc.requested_on is not None:
        rows.append(("Requested on", us_date(doc.requested_on)))
    if doc.scheduled_on is not None:
        rows.append(("Scheduled on", us_date(doc.scheduled_on)))
    rows += [
        # The first expected date of service, and the end of the period the estimate covers.
        ("Dates of service", f"{us_date(doc.first_service)} through {us_date(doc.period_end)}"),
        ("Frequency", f"{doc.frequency} · {sessions} session{'' if sessions == 1 else 's'}"),
    ]
    return rows


def _provider_rows(doc: EstimateDoc) -> list[tuple[str, str]]:
    """The superbill's provider facts (NPI, TIN masked as there), then where care is given."""
    p = doc.provider
    # The taxonomy code matters to insurers, not to a self-pay client; the phone number
    # is in the letterhead.
    rows = [row for row in provider_rows(p) if row[0] not in ("Taxonomy", "Phone")]
    office = "\n".join(address_lines(p.address, p.city, p.state, p.zip))
    rows += [("Office location", office), ("State", p.state)]
    return rows


def _diagnoses(doc: EstimateDoc) -> Grid:
    columns = [Column(62), Column(CONTENT_WIDTH - 62)]
    body = [[code, description] for code, description in doc.diagnoses]
    return itemised(columns, ["Code", "Description"], body, caption="Diagnosis codes (ICD-10-CM)")


def _items(doc: EstimateDoc) -> Grid:
    fixed = sum(width for _, width, _ in _ITEM_COLUMNS)
    columns = [
        Column(width or CONTENT_WIDTH - fixed, align=align) for _, width, align in _ITEM_COLUMNS
    ]
    body = [
        [
            item.code,
            item.label,
            str(item.quantity),
            format_money(item.unit_fee),
            format_money(item.total),
        ]
        for item in doc.items
    ]
    total = ["", "Total expected charges", "", "", format_money(doc.total)]
    headers = [header for header, _, _ in _ITEM_COLUMNS]
    return itemised(columns, headers, body, total, caption="Expected items and services")


def statements(doc: EstimateDoc) -> list[str]:
    """The disclaimers 149.610(c)(1) requires, in plain words, in the order printed."""
    practice = doc.provider.practice_name or doc.provider.provider_name
    return [
        "This Good Faith Estimate is not a contract. It does not require you to obtain "
        "the items or services listed from this provider.",
        "This is only an estimate of the items and services reasonably expected when it "
        "was issued. The actual items, services or charges may differ from this estimate.",
        "Other items or services may be recommended as part of your care. They are not "
        "included here; they would be scheduled or requested separately and estimated "
        "separately.",
        f"If you are billed at least {DISPUTE_THRESHOLD} more than the total expected charges "
        f"on this estimate, you have the right to dispute the bill. You may first contact "
        f"{practice} to ask for the bill to be updated or to agree a lower price. You may also "
        "start the patient-provider dispute resolution process with the U.S. Department of "
        "Health and Human Services within 120 calendar days of the date on the bill. Starting "
        "a dispute will not affect the quality of the care you receive.",
        f"To learn more, or to start a dispute, visit {LEARN_MORE} or call {HELP_LINE}. "
        "Please save a copy or a picture of this Good Faith Estimate and of your bills.",
    ]


def _statements(doc: EstimateDoc) -> Grid:
    """The required statements as a bulleted list under a heading; never split mid-point."""
    columns = [Column(_BULLET_WIDTH, size=8), Column(CONTENT_WIDTH - _BULLET_WIDTH, size=8)]
    rows = [caption_row("Your rights and what this estimate means", 2)]
    rows += [Row(["•", text], pad_x=0, pad_top=1.5, pad_bottom=1.5) for text in statements(doc)]
    return Grid(columns, rows, caption_rows=1, pad_x=0, leading=1.3)


def _closing(doc: EstimateDoc) -> Flowable:
    """Signature and date on the left; the total expected charges, large, on the right."""
    p = doc.provider
    totals = summary(
        [
            ("Sessions expected", str(doc.sessions)),
            ("Total expected charges", format_money(doc.total)),
        ],
        _SUMMARY_WIDTH,
        emphasise_last=True,
    )
    left_width = CONTENT_WIDTH - _SUMMARY_WIDTH - 24
    signer = person_with_credentials(p.provider_name, p.credentials)
    signed_line = Grid(
        [Column(left_width - 100), Column(100, align=RIGHT)],
        [Row([signer, f"Date: {us_date(doc.issued_on)}"], rule_above=(0.6, RULE))],
        pad_x=0,
    )
    parts: list[Flowable] = [
        signature(p.signature_png),
        signed_line,
    ]
    return SideBySide(Stack(parts), totals, left_width, 24)
