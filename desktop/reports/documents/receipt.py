"""The payment receipt: one page, the amount paid first, then where it went.

It carries no diagnosis, so it can go to whoever paid (a partner, a parent).
It carries what an HSA or FSA administrator asks for: the provider's NPI and
tax id, the payer's name and address, and the date, code and plain words of
each service the payment went to.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from desktop.domain.money import format_money

from .boxes import Boxed, SideBySide
from .fonts import BOLD, ensure_fonts
from .grid import RIGHT, Column, Grid, Row
from .layout import CONTENT_WIDTH, DocumentStart, build_pdf
from .parts import letterhead
from .rows import ReceiptDoc
from .style import (
    ACCENT,
    MUTED,
    RULE,
    SHADE,
    address_lines,
    long_date,
    person_with_credentials,
    us_date,
)
from .superbill import masked_ssn
from .tables import itemised, summary, text_block

TITLE = "Receipt"
_AMOUNT_WIDTH = 90
_DATE_WIDTH = 80
_PAID_WIDTH = 170
_PANEL_PAD = 10


def render_receipt(doc: ReceiptDoc) -> bytes:
    """The receipt as PDF bytes; equal rows give identical bytes."""
    ensure_fonts()  # before anything is measured
    p = doc.practice
    provider = person_with_credentials(p.provider_name, p.credentials) if p.provider_name else ""
    contact = " · ".join(part for part in (p.phone, p.email) if part)
    story: list[Flowable] = [
        DocumentStart(f"{TITLE} {doc.number} · {doc.client_name}"),
        letterhead(
            p.name,
            [provider, *address_lines(p.address, p.city, p.state, p.zip), contact, _ids(doc)],
            TITLE,
            "Payment received with thanks",
            [f"No. {doc.number}", f"Issued {us_date(doc.issued_on)}"],
        ),
        Spacer(1, 14),
        _paid_box(doc),
        Spacer(1, 16),
    ]
    if doc.applied:
        story += [_applied(doc), Spacer(1, 10)]
    story += [
        _summary(doc),
        Spacer(1, 16),
        text_block(
            f"Received by {p.name}. Please keep this receipt for your records.",
            size=7.5,
            color=MUTED,
        ),
    ]
    return build_pdf(story, title=f"{TITLE} {doc.number}", author=p.name, created=doc.issued_on)


def _ids(doc: ReceiptDoc) -> str:
    """``NPI 1234567893 · EIN 12-3456789``: the provider as a benefits administrator checks."""
    parts = [f"NPI {doc.npi}"] if doc.npi else []
    if doc.tax_id:
        tax = doc.tax_id if doc.tax_id_kind == "ein" else masked_ssn(doc.tax_id)
        parts.append(f"{doc.tax_id_kind.upper()} {tax}")
    return " · ".join(parts)


def _paid_box(doc: ReceiptDoc) -> Flowable:
    """Who paid and how on the left; a large "Paid" amount on the right."""
    how = doc.method + (f" ({doc.reference})" if doc.reference else "")
    details_width = CONTENT_WIDTH - 2 * _PANEL_PAD - _PAID_WIDTH
    details = Grid(
        [Column(86, color=MUTED), Column(details_width - 86, size=9)],
        [
            Row(["Received from", "\n".join([doc.client_name, *_address(doc)])]),
            Row(["Payment date", long_date(doc.payment_date)]),
            Row(["Method", how]),
        ],
        pad_x=0,
        pad_y=2,
    )
    paid = Grid(
        [Column(_PAID_WIDTH, align=RIGHT, font=BOLD, color=ACCENT)],
        [Row(["Paid"], size=10, color=MUTED), Row([format_money(doc.amount)], size=22)],
        pad_x=0,
        pad_y=1,
    )
    return Boxed(
        SideBySide(details, paid, details_width, 0),
        fill=SHADE,
        border=(0.6, RULE),
        padding=_PANEL_PAD,
    )


def _address(doc: ReceiptDoc) -> list[str]:
    a = doc.client_address
    return address_lines(a.address, a.city, a.state, a.zip) if a is not None else []


def _applied(doc: ReceiptDoc) -> Grid:
    label_width = CONTENT_WIDTH - _DATE_WIDTH - _AMOUNT_WIDTH
    columns = [Column(_DATE_WIDTH), Column(label_width), Column(_AMOUNT_WIDTH, align=RIGHT)]
    body = [
        [us_date(item.service_date), item.label, format_money(item.amount)] for item in doc.applied
    ]
    total = ["", "Total applied", format_money(doc.applied_total)]
    headers = ["Date of service", "Service (procedure code)", "Amount"]
    return itemised(columns, headers, body, total, caption="Paid for")


def _summary(doc: ReceiptDoc) -> Grid:
    rows = [("Amount paid", format_money(doc.amount))]
    if doc.applied:
        rows.append(("Applied to services", format_money(doc.applied_total)))
    if doc.unapplied > 0:
        rows.append(("Held as credit on account", format_money(doc.unapplied)))
    rows.append(("Your credit on account now", format_money(doc.credit_remaining)))
    table = summary(rows, 260, emphasise_last=False)
    table.hAlign = "RIGHT"
    return table
